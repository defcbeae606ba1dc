#pragma once
// A small RAII layer over libpq for the PostgreSQL stores: one connection, parameterised queries in text format,
// errors as Status values naming the server and what it said. Every session is read-only by construction (see
// connect()): Inspect never writes, locks or waits on the agents that own the database.

#include "mnemo/core/Status.hpp"

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mnemo::agentmem::pg {

class Rows {
public:
    explicit Rows(PGresult *result) : m_result(result, &PQclear) {}
    int count() const { return PQntuples(m_result.get()); }
    int column(const char *name) const { return PQfnumber(m_result.get(), name); }
    bool isNull(int row, int col) const { return PQgetisnull(m_result.get(), row, col) != 0; }
    std::string text(int row, int col) const;
    int64_t i64(int row, int col) const;
    std::string text(int row, const char *name) const { return text(row, column(name)); }
    int64_t i64(int row, const char *name) const { return i64(row, column(name)); }

private:
    std::shared_ptr<PGresult> m_result;
};

// True for what libpq takes as a connection string: a postgresql:// or postgres:// URI, or key=value pairs.
bool looksLikeConnectionString(const std::string &text);

class Connection {
public:
    // Connects (connect_timeout 5 s unless the string sets one) and makes the session read-only: every transaction
    // READ ONLY, a statement timeout, a lock timeout, and an idle-in-transaction timeout, so a slow query or a
    // forgotten transaction can never hold the agents' writers back. `label` names the database in messages (the
    // connection string without its password).
    static Result<std::unique_ptr<Connection>> connect(const std::string &conninfo, int statementTimeoutMs = 5000);
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    Result<Rows> query(const std::string &sql, const std::vector<std::optional<std::string>> &params = {}) const;
    // A statement without rows (BEGIN, COMMIT).
    Status command(const std::string &sql) const;
    const std::string &label() const { return m_label; }
    void relabel(std::string label) { m_label = std::move(label); }
    const std::string &conninfo() const { return m_conninfo; }

private:
    Connection() = default;
    std::string failure(PGresult *result) const; // the server's words, and a reset when the connection broke
    bool connectionLost(const PGresult *result) const;
    std::string lastError() const; // libpq's message for the connection, trimmed
    PGconn *m_conn = nullptr;
    std::string m_conninfo, m_label;
    mutable bool m_inSnapshot = false;   // between BEGIN and COMMIT
    mutable bool m_snapshotLost = false; // the connection dropped inside one: its reads fail until COMMIT
};

// A store's connection, made on its first query when it was not given one: a reader opened on the UI thread for a
// worker connects on the worker (libpq's connect can take seconds on a slow network). One thread at a time.
class Session {
public:
    explicit Session(std::unique_ptr<Connection> connected)
        : m_conninfo(connected->conninfo()), m_label(connected->label()), m_connection(std::move(connected)) {}
    Session(std::string conninfo, std::string label) : m_conninfo(std::move(conninfo)), m_label(std::move(label)) {}

    Result<Rows> query(const std::string &sql, const std::vector<std::optional<std::string>> &params = {}) const {
        if (!m_connection) {
            auto connected = Connection::connect(m_conninfo);
            if (!connected.ok()) return connected.status();
            m_connection = std::move(connected.value());
        }
        return m_connection->query(sql, params);
    }
    // The queries until endSnapshot() share one read-only, repeatable-read transaction: one snapshot of the database,
    // so what they say agrees (a summary's counts, its facets, the watermark). Keep it short: an open snapshot holds
    // back the server's vacuum, and the idle-in-transaction timeout ends a forgotten one.
    Status beginSnapshot() const {
        if (auto connected = query("SELECT 1"); !connected.ok()) return connected.status();
        return m_connection->command("BEGIN");
    }
    void endSnapshot() const {
        if (m_connection) (void)m_connection->command("COMMIT"); // read-only: nothing to commit but the snapshot
    }
    const std::string &label() const { return m_label; }
    const std::string &conninfo() const { return m_conninfo; }

private:
    std::string m_conninfo, m_label;
    mutable std::unique_ptr<Connection> m_connection;
};

// A WHERE clause built from filters: add("x = $?", value) numbers the parameter ($? may appear more than once).
struct Where {
    std::string sql = "TRUE";
    std::vector<std::optional<std::string>> params;
    bool impossible = false; // a filter nothing can match: no query needed
    void add(const std::string &condition, const std::string &value);
    // The clause and its values in one string: which query a remembered keyset position belongs to.
    std::string signature() const;
};
// An ILIKE pattern matching `text` anywhere, its wildcards escaped.
std::string likePattern(const std::string &text);

// The connection string without a password (URI user:password@ and password=... pairs), for messages and titles.
std::string withoutPassword(const std::string &conninfo);

} // namespace mnemo::agentmem::pg
