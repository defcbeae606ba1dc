#include "Pg.hpp"

#include <charconv>

namespace mnemo::agentmem::pg {

std::string Rows::text(int row, int col) const {
    if (col < 0 || row < 0 || row >= count()) return {};
    return std::string(PQgetvalue(m_result.get(), row, col), size_t(PQgetlength(m_result.get(), row, col)));
}

int64_t Rows::i64(int row, int col) const {
    const std::string t = text(row, col);
    int64_t v = 0;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
}

void Where::add(const std::string &condition, const std::string &value) {
    params.push_back(value);
    std::string c = condition;
    for (size_t at = c.find("$?"); at != std::string::npos; at = c.find("$?")) {
        c.replace(at, 2, "$" + std::to_string(params.size()));
    }
    sql += " AND " + c;
}

std::string Where::signature() const {
    std::string out = sql;
    for (const auto &p : params) out += '\x1f' + p.value_or("\x1e"); // NULL apart from ""
    return out;
}

std::string likePattern(const std::string &text) {
    std::string out = "%";
    for (char ch : text) {
        if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "%";
}

bool looksLikeConnectionString(const std::string &text) {
    return text.rfind("postgresql://", 0) == 0 || text.rfind("postgres://", 0) == 0 ||
           (text.find('=') != std::string::npos && text.find("dbname") != std::string::npos);
}

namespace {

// libpq's own parse of a connection string (URI or key=value): the settings it names, password included.
using Parsed = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;
Parsed parse(const std::string &conninfo) {
    char *error = nullptr;
    Parsed options(PQconninfoParse(conninfo.c_str(), &error), &PQconninfoFree);
    if (error) PQfreemem(error); // its text may quote the malformed part, which may be the password: not shown
    return options;
}

} // namespace

// Rebuilt from libpq's parse without the password, so no spelling of one (URI user:password@, ?password=, a quoted
// or escaped key=value) survives; a string libpq cannot parse is not shown at all.
std::string withoutPassword(const std::string &conninfo) {
    const Parsed options = parse(conninfo);
    if (!options) return "(a connection string libpq cannot parse)";
    std::string out;
    for (const PQconninfoOption *o = options.get(); o->keyword; ++o) {
        if (!o->val || !*o->val || std::string(o->keyword) == "password") continue;
        out += (out.empty() ? "" : " ") + std::string(o->keyword) + "=" + o->val;
    }
    return out.empty() ? "(default connection)" : out;
}

Result<std::unique_ptr<Connection>> Connection::connect(const std::string &conninfo, int statementTimeoutMs) {
    std::unique_ptr<Connection> c(new Connection());
    c->m_conninfo = conninfo;
    c->m_label = withoutPassword(conninfo);
    // Read-only by construction, in the session's startup options (so a reconnect keeps them, and they override any
    // the string sets): no transaction can write; nothing waits long on a lock or holds one while idle. The keys
    // before dbname are defaults the string may override; those after it override the string.
    std::string userOptions; // the string's own options (a search_path, say) go first; ours, later, win
    if (const Parsed parsed = parse(conninfo)) {
        for (const PQconninfoOption *o = parsed.get(); o->keyword; ++o) {
            if (std::string(o->keyword) == "options" && o->val) userOptions = std::string(o->val) + " ";
        }
    } else {
        return Status(StatusCode::InvalidArgument, "a malformed connection string (check its quoting and "
                                                   "percent-encoding; libpq's words are not shown, they may quote a password)");
    }
    const std::string options = userOptions + "-c default_transaction_read_only=on -c statement_timeout=" +
                                std::to_string(statementTimeoutMs) +
                                " -c lock_timeout=1000 -c idle_in_transaction_session_timeout=10000"
                                " -c default_transaction_isolation=repeatable\\ read";
    const char *keys[] = {"connect_timeout", "dbname", "application_name", "options", nullptr};
    const char *values[] = {"5", conninfo.c_str(), "mnemo-inspect", options.c_str(), nullptr};
    c->m_conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (!c->m_conn || PQstatus(c->m_conn) != CONNECTION_OK) {
        std::string why = c->m_conn ? PQerrorMessage(c->m_conn) : "out of memory";
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        return Status(StatusCode::NotFound, "cannot connect to " + c->m_label + ": " + why);
    }
    auto readOnly = c->query("SHOW default_transaction_read_only");
    if (!readOnly.ok() || readOnly->text(0, 0) != "on") {
        return Status(StatusCode::Internal, c->m_label + ": the session could not be made read-only");
    }
    return c;
}

Connection::~Connection() {
    if (m_conn) PQfinish(m_conn);
}

// One read. Inside a snapshot each runs under a savepoint, so a failed one (a statement timeout) does not abort the
// snapshot for the reads after it. A dropped connection is reset; outside a snapshot the read is asked again on the
// new one (every query is a read); inside, the snapshot is gone and its remaining reads fail, saying so, until
// endSnapshot(): an answer from another snapshot would otherwise be mixed in without a word.
Result<Rows> Connection::query(const std::string &sql, const std::vector<std::optional<std::string>> &params) const {
    if (m_snapshotLost) {
        return Status(StatusCode::Internal, m_label + ": the connection was lost during a consistent read (reconnected "
                                                      "for the next one)");
    }
    if (PQstatus(m_conn) == CONNECTION_BAD) { // lost earlier: the server may be back by now
        PQreset(m_conn);
        if (PQstatus(m_conn) == CONNECTION_BAD) return Status(StatusCode::Internal, m_label + ": " + lastError());
    }
    if (m_inSnapshot) {
        if (Status s = command("SAVEPOINT mnemo_read"); !s.ok()) return s;
    }
    std::vector<const char *> values;
    for (const auto &p : params) values.push_back(p ? p->c_str() : nullptr);
    for (int attempt = 0;; ++attempt) {
        PGresult *r =
            PQexecParams(m_conn, sql.c_str(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
        if (PQresultStatus(r) == PGRES_TUPLES_OK) {
            if (m_inSnapshot) (void)command("RELEASE SAVEPOINT mnemo_read");
            return Rows(r);
        }
        const bool dropped = connectionLost(r);
        const std::string why = failure(r); // resets a dropped connection
        if (dropped && m_inSnapshot) {
            m_inSnapshot = false;
            m_snapshotLost = true;
        } else if (m_inSnapshot) {
            (void)command("ROLLBACK TO SAVEPOINT mnemo_read");
        }
        const bool again = dropped && attempt == 0 && !m_snapshotLost && PQstatus(m_conn) == CONNECTION_OK;
        if (!again) return Status(StatusCode::Internal, why);
    }
}

Status Connection::command(const std::string &sql) const {
    if (sql == "COMMIT") { // the scope ends, whatever the server answers
        m_inSnapshot = false;
        m_snapshotLost = false;
    }
    PGresult *r = PQexec(m_conn, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        const bool dropped = connectionLost(r);
        const std::string why = failure(r);
        if (dropped && m_inSnapshot) {
            m_inSnapshot = false;
            m_snapshotLost = true;
        }
        return Status(StatusCode::Internal, why);
    }
    PQclear(r);
    if (sql == "BEGIN") m_inSnapshot = true;
    return {};
}

std::string Connection::lastError() const {
    std::string why = PQerrorMessage(m_conn);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return why;
}

// libpq can still say CONNECTION_OK right after "server closed the connection unexpectedly": an error the server did
// not send (no SQLSTATE), a connection failure (08000, 08003, 08006) or a shutdown (57P01-03) means it is gone.
bool Connection::connectionLost(const PGresult *r) const {
    if (PQstatus(m_conn) == CONNECTION_BAD) return true;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    if (!state) return true;
    static const char *const lost[] = {"08000", "08003", "08006", "57P01", "57P02", "57P03"};
    for (const char *code : lost) {
        if (std::string(state) == code) return true;
    }
    return false;
}

std::string Connection::failure(PGresult *r) const {
    const bool lost = connectionLost(r);
    std::string why = r ? PQresultErrorMessage(r) : PQerrorMessage(m_conn);
    PQclear(r);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    if (lost) PQreset(m_conn); // the server restarted: a new connection for the next query
    return m_label + ": " + why;
}

} // namespace mnemo::agentmem::pg
