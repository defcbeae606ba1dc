#pragma once
// Thin RAII over the SQLite C API for the agent-memory code: a connection and a prepared statement whose failures
// become Status values naming the file and the statement.

#include "mnemo/core/Status.hpp"
#include "mnemo/core/Utf8.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mnemo::agentmem::sql {

class Db {
public:
    Db() = default;
    Db(const Db &) = delete;
    Db &operator=(const Db &) = delete;
    Db(Db &&o) noexcept : m_db(o.m_db), m_label(std::move(o.m_label)) { o.m_db = nullptr; }
    ~Db() { close(); }

    // `uri` may be a plain path or a file: URI (mode=ro, immutable=1). `label` names the store in messages.
    static Result<Db> open(const std::string &uri, int flags, const std::string &label) {
        Db db;
        db.m_label = label;
        if (sqlite3_open_v2(uri.c_str(), &db.m_db, flags | SQLITE_OPEN_URI, nullptr) != SQLITE_OK) {
            std::string why = db.m_db ? sqlite3_errmsg(db.m_db) : "out of memory";
            return Status(StatusCode::NotFound, "cannot open '" + label + "': " + why);
        }
        sqlite3_extended_result_codes(db.m_db, 1);
        return db;
    }
    void close() {
        if (m_db) sqlite3_close_v2(m_db);
        m_db = nullptr;
    }

    sqlite3 *get() const { return m_db; }
    const std::string &label() const { return m_label; }
    explicit operator bool() const { return m_db != nullptr; }

    Status exec(std::string_view sqlText) const {
        char *msg = nullptr;
        std::string s(sqlText);
        if (sqlite3_exec(m_db, s.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
            Status st(StatusCode::InvalidArgument, "'" + m_label + "': " + (msg ? msg : sqlite3_errmsg(m_db)));
            sqlite3_free(msg);
            return st;
        }
        return {};
    }
    Status error(const std::string &what) const {
        return {StatusCode::InvalidArgument, "'" + m_label + "': " + what + ": " + sqlite3_errmsg(m_db)};
    }

    bool hasTable(const std::string &name) const;
    std::vector<std::string> tables() const;
    std::vector<std::string> columns(const std::string &table) const;
    // Names the first missing table/column so a store we do not understand gets a precise message.
    Status requireColumns(const std::string &table, const std::vector<std::string> &needed) const;

private:
    sqlite3 *m_db = nullptr;
    std::string m_label;
};

class Stmt {
public:
    Stmt(const Db &db, std::string_view sqlText) : m_db(&db) {
        if (sqlite3_prepare_v2(db.get(), sqlText.data(), int(sqlText.size()), &m_s, nullptr) != SQLITE_OK) {
            m_status = db.error("cannot prepare \"" + std::string(sqlText.substr(0, 80)) + "\"");
        }
    }
    Stmt(const Stmt &) = delete;
    Stmt &operator=(const Stmt &) = delete;
    ~Stmt() { sqlite3_finalize(m_s); }

    const Status &status() const { return m_status; }
    bool ok() const { return m_status.ok(); }

    Stmt &bind(int i, int64_t v) { if (m_s) sqlite3_bind_int64(m_s, i, v); return *this; }
    Stmt &bind(int i, int v) { return bind(i, int64_t(v)); }
    Stmt &bind(int i, double v) { if (m_s) sqlite3_bind_double(m_s, i, v); return *this; }
    // Text crosses into SQLite as valid UTF-8 only (mnemo/core/Utf8.hpp): importers pass foreign strings through
    // here, and FTS, JSON output and Qt all expect UTF-8.
    Stmt &bind(int i, const std::string &v) {
        if (!m_s) return *this;
        if (isValidUtf8(v)) {
            sqlite3_bind_text(m_s, i, v.data(), int(v.size()), SQLITE_TRANSIENT);
        } else {
            std::string valid = validUtf8(std::string_view(v));
            sqlite3_bind_text(m_s, i, valid.data(), int(valid.size()), SQLITE_TRANSIENT);
        }
        return *this;
    }
    Stmt &bind(int i, const char *v) { return v ? bind(i, std::string(v)) : bindNull(i); }
    Stmt &bindOrNull(int i, const std::string &v) { return v.empty() ? bindNull(i) : bind(i, v); }
    Stmt &bind(int i, const std::optional<int64_t> &v) { return v ? bind(i, *v) : bindNull(i); }
    Stmt &bindBlob(int i, const void *data, size_t bytes) {
        if (m_s) {
            if (bytes == 0) sqlite3_bind_null(m_s, i);
            else sqlite3_bind_blob64(m_s, i, data, bytes, SQLITE_TRANSIENT);
        }
        return *this;
    }
    Stmt &bindNull(int i) { if (m_s) sqlite3_bind_null(m_s, i); return *this; }

    // true while a row is available; a failure ends the loop and is kept in status().
    bool step() {
        if (!m_s || !m_status.ok()) return false;
        int rc = sqlite3_step(m_s);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) m_status = m_db->error("query failed");
        return false;
    }
    Status run() {
        step();
        return m_status;
    }
    void reset() {
        if (m_s) {
            sqlite3_reset(m_s);
            sqlite3_clear_bindings(m_s);
        }
    }

    bool isNull(int c) const { return sqlite3_column_type(m_s, c) == SQLITE_NULL; }
    int type(int c) const { return sqlite3_column_type(m_s, c); }
    int64_t i64(int c) const { return sqlite3_column_int64(m_s, c); }
    double f64(int c) const { return sqlite3_column_double(m_s, c); }
    // A foreign store's TEXT may hold any bytes: they come out as valid UTF-8 (U+FFFD for ill-formed subparts).
    std::string text(int c) const {
        const unsigned char *t = sqlite3_column_text(m_s, c);
        if (!t) return {};
        return validUtf8(std::string(reinterpret_cast<const char *>(t), size_t(sqlite3_column_bytes(m_s, c))));
    }
    std::optional<int64_t> optI64(int c) const { return isNull(c) ? std::nullopt : std::optional<int64_t>(i64(c)); }
    const void *blob(int c) const { return sqlite3_column_blob(m_s, c); }
    size_t blobBytes(int c) const { return size_t(sqlite3_column_bytes(m_s, c)); }
    sqlite3_stmt *get() const { return m_s; }

private:
    const Db *m_db;
    sqlite3_stmt *m_s = nullptr;
    Status m_status;
};

// Reads a `SELECT *` row by column name, so importers tolerate column order and optional columns.
class Row {
public:
    explicit Row(const Stmt &s) : m_s(s) {
        int n = sqlite3_column_count(s.get());
        for (int i = 0; i < n; ++i) m_names.emplace_back(sqlite3_column_name(s.get(), i));
    }
    int index(std::string_view name) const {
        for (size_t i = 0; i < m_names.size(); ++i) if (m_names[i] == name) return int(i);
        return -1;
    }
    bool has(std::string_view name) const { return index(name) >= 0; }
    std::string str(std::string_view name) const { int i = index(name); return i < 0 || m_s.isNull(i) ? std::string() : m_s.text(i); }
    int64_t i64(std::string_view name, int64_t fallback = 0) const {
        int i = index(name);
        return i < 0 || m_s.isNull(i) ? fallback : m_s.i64(i);
    }
    double f64(std::string_view name) const { int i = index(name); return i < 0 ? 0.0 : m_s.f64(i); }
    bool isNull(std::string_view name) const { int i = index(name); return i < 0 || m_s.isNull(i); }
    const void *blob(std::string_view name, size_t &bytes) const {
        int i = index(name);
        bytes = i < 0 ? 0 : m_s.blobBytes(i);
        return i < 0 ? nullptr : m_s.blob(i);
    }

private:
    const Stmt &m_s;
    std::vector<std::string> m_names;
};

// float32 little-endian blob <-> vector; nullopt when the byte count is not a whole number of floats.
std::optional<std::vector<float>> floatsFromBlob(const void *data, size_t bytes);

} // namespace mnemo::agentmem::sql
