#include "Pg.hpp"

#include <charconv>
#include <regex>

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

bool looksLikeConnectionString(const std::string &text) {
    return text.rfind("postgresql://", 0) == 0 || text.rfind("postgres://", 0) == 0 ||
           (text.find('=') != std::string::npos && text.find("dbname") != std::string::npos);
}

std::string withoutPassword(const std::string &conninfo) {
    static const std::regex uriPassword(R"(^(postgres(?:ql)?://[^:/@?]*):[^@/?]*@)");
    static const std::regex pairPassword(R"((^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+))");
    std::string out = std::regex_replace(conninfo, uriPassword, "$1@");
    return std::regex_replace(out, pairPassword, "$1password=***");
}

Result<std::unique_ptr<Connection>> Connection::connect(const std::string &conninfo, int statementTimeoutMs) {
    std::unique_ptr<Connection> c(new Connection());
    c->m_conninfo = conninfo;
    c->m_label = withoutPassword(conninfo);
    // Read-only by construction, in the session's startup options (so a reconnect keeps them, and they override any
    // the string sets): no transaction can write; nothing waits long on a lock or holds one while idle. The keys
    // before dbname are defaults the string may override; those after it override the string.
    const std::string options = "-c default_transaction_read_only=on -c statement_timeout=" +
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

Result<Rows> Connection::query(const std::string &sql, const std::vector<std::optional<std::string>> &params) const {
    std::vector<const char *> values;
    for (const auto &p : params) values.push_back(p ? p->c_str() : nullptr);
    PGresult *r = PQexecParams(m_conn, sql.c_str(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        std::string why = r ? PQresultErrorMessage(r) : PQerrorMessage(m_conn);
        PQclear(r);
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        if (PQstatus(m_conn) == CONNECTION_BAD) PQreset(m_conn); // the server restarted: try once for the next query
        return Status(StatusCode::Internal, m_label + ": " + why);
    }
    return Rows(r);
}

} // namespace mnemo::agentmem::pg
