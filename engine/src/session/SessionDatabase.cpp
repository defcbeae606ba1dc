#include "mnemo/session/SessionDatabase.hpp"

#include "mnemo/core/Utf8.hpp"
#include <sqlite3.h>

#include <cstring>
#include <sstream>

namespace mnemo::session {
namespace {

// Forward-only migrations: entry i upgrades schema i to i + 1. Never edit a released step; append a new one.
const char *const kMigrations[] = {
    // 0 -> 1
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE frames(frame_index INTEGER PRIMARY KEY, step INTEGER, input_us INTEGER, produced_us INTEGER,"
    " recorded_us INTEGER, video_frame INTEGER, c2w BLOB, intrinsics BLOB, keys TEXT, mouse_dx REAL,"
    " mouse_dy REAL, wheel REAL, step_ms REAL);"
    "CREATE TABLE memory_events(seq INTEGER PRIMARY KEY, frame_index INTEGER, kind TEXT, step INTEGER,"
    " entry_id INTEGER, entry_frame INTEGER, score REAL, covered REAL);"
    "CREATE INDEX memory_events_by_frame ON memory_events(frame_index);",
    // 1 -> 2
    "ALTER TABLE frames ADD COLUMN latency_ms REAL DEFAULT 0;"
    "CREATE TABLE timings(frame_index INTEGER, stage TEXT, ms REAL);"
    "CREATE TABLE metrics(frame_index INTEGER, name TEXT, value REAL);"
    "CREATE INDEX timings_by_frame ON timings(frame_index);",
    // 2 -> 3
    "CREATE TABLE between_frames(frame_index INTEGER, part INTEGER, parts INTEGER, video_frame INTEGER, c2w BLOB,"
    " intrinsics BLOB, PRIMARY KEY(frame_index, part, parts));",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion, "one migration per schema version");

Status sqlError(sqlite3 *db, const std::string &path, const std::string &what) {
    const int code = db ? (sqlite3_extended_errcode(db) & 0xff) : SQLITE_ERROR;
    const std::string hint = code == SQLITE_FULL || code == SQLITE_IOERR ? " (disk full, or the disk failed?)" : "";
    return {StatusCode::Internal, "session '" + path + "': " + what + ": " + (db ? sqlite3_errmsg(db) : "?") + hint};
}

Status exec(sqlite3 *db, const std::string &path, const std::string &sql) {
    char *message = nullptr;
    if (const int r = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message); r != SQLITE_OK) {
        const bool disk = (r & 0xff) == SQLITE_FULL || (r & 0xff) == SQLITE_IOERR;
        Status s(StatusCode::Internal, "session '" + path + "': " + (message ? message : "?") +
                                           (disk ? " (disk full, or the disk failed?)" : ""));
        sqlite3_free(message);
        return s;
    }
    return {};
}

int userVersion(sqlite3 *db) {
    sqlite3_stmt *q = nullptr;
    int version = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
        version = sqlite3_column_int(q, 0);
    }
    sqlite3_finalize(q);
    return version;
}

// Applies migrations [from, to) in one transaction, then records the version.
Status migrate(sqlite3 *db, const std::string &path, int from, int to) {
    if (from == to) return {};
    if (Status s = exec(db, path, "BEGIN IMMEDIATE"); !s.ok()) return s;
    for (int v = from; v < to; ++v) {
        if (Status s = exec(db, path, kMigrations[v]); !s.ok()) {
            (void)exec(db, path, "ROLLBACK");
            return s.withContext("migrating schema " + std::to_string(v) + " to " + std::to_string(v + 1));
        }
    }
    if (Status s = exec(db, path, "PRAGMA user_version = " + std::to_string(to)); !s.ok()) return s;
    return exec(db, path, "COMMIT");
}

std::string joinKeys(const std::vector<std::string> &keys) {
    std::string out;
    for (const auto &k : keys) out += (out.empty() ? "" : " ") + k;
    return out;
}

std::vector<std::string> splitKeys(const char *text) {
    std::vector<std::string> keys;
    std::stringstream ss(text ? text : "");
    for (std::string k; ss >> k;) keys.push_back(k);
    return keys;
}

struct Stmt {
    sqlite3_stmt *s = nullptr;
    ~Stmt() { sqlite3_finalize(s); }
    // A text column as valid UTF-8; "" for NULL (a damaged or hand-edited file can hold NULL anywhere).
    std::string text(int column) const {
        const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(s, column));
        return p ? validUtf8(std::string_view(p, size_t(sqlite3_column_bytes(s, column)))) : std::string();
    }
};

Result<sqlite3 *> openDb(const std::string &path, int flags) {
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        Status s(StatusCode::NotFound, "cannot open session '" + path + "': " + (db ? sqlite3_errmsg(db) : "?"));
        sqlite3_close(db);
        return s;
    }
    sqlite3_busy_timeout(db, 2000);
    return db;
}

Status checkIsSession(sqlite3 *db, const std::string &path, int version) {
    if (version < 0) return {StatusCode::InvalidArgument, "'" + path + "' is not a SQLite database"};
    if (version > kSchemaVersion) {
        return {StatusCode::Unsupported, "session '" + path + "' has schema version " + std::to_string(version) +
                                             ", newer than this Mnemo reads (" + std::to_string(kSchemaVersion) +
                                             "): open it with a newer Mnemo"};
    }
    if (version > 0) {
        Stmt q;
        if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'format'", -1, &q.s, nullptr) != SQLITE_OK ||
            sqlite3_step(q.s) != SQLITE_ROW ||
            q.text(0) != "mnemo-session") {
            return {StatusCode::InvalidArgument, "'" + path + "' is not a Mnemo session (table 'meta' has no format 'mnemo-session')"};
        }
    }
    return {};
}

} // namespace

Result<std::unique_ptr<SessionDatabase>> SessionDatabase::openForWriting(const std::string &path) {
    auto db = openDb(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!db.ok()) return db.status();
    std::unique_ptr<SessionDatabase> out(new SessionDatabase(db.value(), path, 0));
    const int version = userVersion(out->m_db);
    if (version < 0) return Status(StatusCode::InvalidArgument, "'" + path + "' is not a SQLite database");
    if (version > 0) {
        if (Status s = checkIsSession(out->m_db, path, version); !s.ok()) return s;
    }
    // WAL: readers (replay, the Sessions panel, Inspect) never block the recorder. synchronous=FULL: a committed
    // batch survives a crash or a power cut, at one fsync per batch (a few per second).
    if (Status s = exec(out->m_db, path, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"); !s.ok()) return s;
    if (Status s = migrate(out->m_db, path, version, kSchemaVersion); !s.ok()) return s;
    out->m_version = kSchemaVersion;
    if (version == 0) {
        if (Status s = out->setMeta({{"format", "mnemo-session"}}); !s.ok()) return s;
    }
    return out;
}

// A session is a WAL database. A read-only connection that is the last to close cannot remove the -wal and -shm files
// it made, so reading a session left them beside it; a read-write connection with query_only on writes nothing and
// tidies up as SQLite's last connection does. A folder the user cannot write falls back to a read-only connection.
namespace {
Result<sqlite3 *> openForReading(const std::string &path) {
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK &&
        sqlite3_exec(db, "PRAGMA query_only=1", nullptr, nullptr, nullptr) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 2000);
        return db;
    }
    sqlite3_close(db);
    return openDb(path, SQLITE_OPEN_READONLY);
}
} // namespace

Result<std::unique_ptr<SessionDatabase>> SessionDatabase::openReadOnly(const std::string &path) {
    auto db = openForReading(path);
    if (!db.ok()) return db.status();
    std::unique_ptr<SessionDatabase> out(new SessionDatabase(db.value(), path, 0));
    out->m_version = userVersion(out->m_db);
    if (out->m_version == 0) return Status(StatusCode::InvalidArgument, "'" + path + "' is an empty database, not a session");
    if (Status s = checkIsSession(out->m_db, path, out->m_version); !s.ok()) return s;
    return out;
}

Status SessionDatabase::createAtVersion(const std::string &path, int version) {
    auto db = openDb(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!db.ok()) return db.status();
    Status s = migrate(db.value(), path, 0, version);
    if (s.ok()) s = exec(db.value(), path, "INSERT INTO meta VALUES('format', 'mnemo-session')");
    sqlite3_close(db.value());
    return s;
}

SessionDatabase::~SessionDatabase() { sqlite3_close(m_db); }

Status SessionDatabase::setMeta(const std::map<std::string, std::string> &values) {
    Stmt q;
    if (sqlite3_prepare_v2(m_db, "INSERT OR REPLACE INTO meta VALUES(?, ?)", -1, &q.s, nullptr) != SQLITE_OK) {
        return sqlError(m_db, m_path, "writing meta");
    }
    for (const auto &[k, v] : values) {
        sqlite3_bind_text(q.s, 1, k.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q.s, 2, v.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(q.s) != SQLITE_DONE) return sqlError(m_db, m_path, "writing meta '" + k + "'");
        sqlite3_reset(q.s);
    }
    return {};
}

std::map<std::string, std::string> SessionDatabase::meta() const {
    std::map<std::string, std::string> out;
    Stmt q;
    if (sqlite3_prepare_v2(m_db, "SELECT key, value FROM meta", -1, &q.s, nullptr) != SQLITE_OK) return out;
    while (sqlite3_step(q.s) == SQLITE_ROW) {
        out[q.text(0)] = q.text(1);
    }
    return out;
}

Status SessionDatabase::append(const std::vector<FrameRow> &frames, const std::vector<MemoryEventRow> &events,
                               const std::vector<std::tuple<uint64_t, std::string, double>> &timings) {
    if (Status s = exec(m_db, m_path, "BEGIN"); !s.ok()) return s;
    auto rollback = [&](const std::string &what) {
        Status s = sqlError(m_db, m_path, what); // read the message before ROLLBACK replaces it
        (void)exec(m_db, m_path, "ROLLBACK");
        return s;
    };
    Stmt f;
    if (sqlite3_prepare_v2(m_db, "INSERT OR REPLACE INTO frames(frame_index, step, input_us, produced_us, recorded_us,"
                                 " video_frame, c2w, intrinsics, keys, mouse_dx, mouse_dy, wheel, step_ms, latency_ms)"
                                 " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &f.s, nullptr) != SQLITE_OK) {
        return rollback("preparing frame rows");
    }
    for (const FrameRow &r : frames) {
        const float k[4] = {r.camera.intrinsics.fx, r.camera.intrinsics.fy, r.camera.intrinsics.cx,
                            r.camera.intrinsics.cy};
        const std::string keys = joinKeys(r.controller.keys);
        sqlite3_bind_int64(f.s, 1, int64_t(r.frameIndex));
        sqlite3_bind_int64(f.s, 2, int64_t(r.step));
        sqlite3_bind_int64(f.s, 3, r.inputUs);
        sqlite3_bind_int64(f.s, 4, r.producedUs);
        sqlite3_bind_int64(f.s, 5, r.recordedUs);
        sqlite3_bind_int64(f.s, 6, r.videoFrame);
        sqlite3_bind_blob(f.s, 7, r.camera.c2w.data(), int(sizeof(float) * 16), SQLITE_TRANSIENT);
        sqlite3_bind_blob(f.s, 8, k, int(sizeof k), SQLITE_TRANSIENT);
        sqlite3_bind_text(f.s, 9, keys.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(f.s, 10, r.controller.mouseDx);
        sqlite3_bind_double(f.s, 11, r.controller.mouseDy);
        sqlite3_bind_double(f.s, 12, r.controller.wheel);
        sqlite3_bind_double(f.s, 13, r.stepMs);
        sqlite3_bind_double(f.s, 14, r.latencyMs);
        if (sqlite3_step(f.s) != SQLITE_DONE) return rollback("writing frame " + std::to_string(r.frameIndex));
        sqlite3_reset(f.s);
    }
    Stmt e;
    if (sqlite3_prepare_v2(m_db, "INSERT INTO memory_events(frame_index, kind, step, entry_id, entry_frame, score,"
                                 " covered) VALUES(?,?,?,?,?,?,?)", -1, &e.s, nullptr) != SQLITE_OK) {
        return rollback("preparing memory events");
    }
    for (const MemoryEventRow &r : events) {
        sqlite3_bind_int64(e.s, 1, int64_t(r.frameIndex));
        sqlite3_bind_text(e.s, 2, r.kind.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(e.s, 3, int64_t(r.step));
        sqlite3_bind_int64(e.s, 4, int64_t(r.entryId));
        sqlite3_bind_int64(e.s, 5, int64_t(r.entryFrame));
        sqlite3_bind_double(e.s, 6, r.score);
        sqlite3_bind_double(e.s, 7, r.covered);
        if (sqlite3_step(e.s) != SQLITE_DONE) return rollback("writing memory events");
        sqlite3_reset(e.s);
    }
    Stmt t;
    if (sqlite3_prepare_v2(m_db, "INSERT INTO timings VALUES(?,?,?)", -1, &t.s, nullptr) != SQLITE_OK) {
        return rollback("preparing timings");
    }
    for (const auto &[frame, stage, ms] : timings) {
        sqlite3_bind_int64(t.s, 1, int64_t(frame));
        sqlite3_bind_text(t.s, 2, stage.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(t.s, 3, ms);
        if (sqlite3_step(t.s) != SQLITE_DONE) return rollback("writing timings");
        sqlite3_reset(t.s);
    }
    return exec(m_db, m_path, "COMMIT");
}

Status SessionDatabase::appendBetween(const std::vector<BetweenFrameRow> &rows) {
    if (rows.empty()) return {};
    if (Status s = exec(m_db, m_path, "BEGIN"); !s.ok()) return s;
    Stmt q;
    if (sqlite3_prepare_v2(m_db, "INSERT OR REPLACE INTO between_frames(frame_index, part, parts, video_frame, c2w,"
                                 " intrinsics) VALUES(?,?,?,?,?,?)", -1, &q.s, nullptr) != SQLITE_OK) {
        Status s = sqlError(m_db, m_path, "preparing between-frame rows");
        (void)exec(m_db, m_path, "ROLLBACK");
        return s;
    }
    for (const BetweenFrameRow &r : rows) {
        const float k[4] = {r.camera.intrinsics.fx, r.camera.intrinsics.fy, r.camera.intrinsics.cx,
                            r.camera.intrinsics.cy};
        sqlite3_bind_int64(q.s, 1, int64_t(r.frameIndex));
        sqlite3_bind_int64(q.s, 2, r.part);
        sqlite3_bind_int64(q.s, 3, r.parts);
        sqlite3_bind_int64(q.s, 4, r.videoFrame);
        sqlite3_bind_blob(q.s, 5, r.camera.c2w.data(), int(sizeof(float) * 16), SQLITE_TRANSIENT);
        sqlite3_bind_blob(q.s, 6, k, int(sizeof k), SQLITE_TRANSIENT);
        if (sqlite3_step(q.s) != SQLITE_DONE) {
            Status s = sqlError(m_db, m_path, "writing a frame before frame " + std::to_string(r.frameIndex));
            (void)exec(m_db, m_path, "ROLLBACK");
            return s;
        }
        sqlite3_reset(q.s);
    }
    return exec(m_db, m_path, "COMMIT");
}

Result<std::vector<BetweenFrameRow>> SessionDatabase::betweenFrames() const {
    if (m_version < 3) return std::vector<BetweenFrameRow>{};
    Stmt q;
    if (sqlite3_prepare_v2(m_db, "SELECT frame_index, part, parts, video_frame, c2w, intrinsics FROM between_frames"
                                 " ORDER BY frame_index, part", -1, &q.s, nullptr) != SQLITE_OK) {
        return sqlError(m_db, m_path, "reading table 'between_frames'");
    }
    std::vector<BetweenFrameRow> rows;
    while (sqlite3_step(q.s) == SQLITE_ROW) {
        BetweenFrameRow r;
        r.frameIndex = uint64_t(sqlite3_column_int64(q.s, 0));
        const int64_t part = sqlite3_column_int64(q.s, 1), parts = sqlite3_column_int64(q.s, 2);
        if (parts < 2 || parts > 1024 || part < 0 || part >= parts - 1 || sqlite3_column_bytes(q.s, 4) != 64 ||
            sqlite3_column_bytes(q.s, 5) != 16) {
            return Status(StatusCode::InvalidArgument, "session '" + m_path + "': the frame made before frame " +
                                                           std::to_string(r.frameIndex) + " is malformed");
        }
        r.part = uint32_t(part);
        r.parts = uint32_t(parts);
        r.videoFrame = sqlite3_column_int64(q.s, 3);
        std::memcpy(r.camera.c2w.data(), sqlite3_column_blob(q.s, 4), sizeof(float) * 16);
        float k[4];
        std::memcpy(k, sqlite3_column_blob(q.s, 5), sizeof k);
        r.camera.intrinsics = {k[0], k[1], k[2], k[3]};
        rows.push_back(r);
    }
    return rows;
}

Result<std::vector<FrameRow>> SessionDatabase::frames() const {
    Stmt q;
    const bool hasLatency = m_version >= 2;
    const std::string sql = std::string("SELECT frame_index, step, input_us, produced_us, recorded_us, video_frame, c2w,"
                                        " intrinsics, keys, mouse_dx, mouse_dy, wheel, step_ms") +
                            (hasLatency ? ", latency_ms" : "") + " FROM frames ORDER BY frame_index";
    if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &q.s, nullptr) != SQLITE_OK) {
        return sqlError(m_db, m_path, "reading table 'frames'");
    }
    std::vector<FrameRow> rows;
    while (sqlite3_step(q.s) == SQLITE_ROW) {
        FrameRow r;
        r.frameIndex = uint64_t(sqlite3_column_int64(q.s, 0));
        r.step = uint64_t(sqlite3_column_int64(q.s, 1));
        r.inputUs = sqlite3_column_int64(q.s, 2);
        r.producedUs = sqlite3_column_int64(q.s, 3);
        r.recordedUs = sqlite3_column_int64(q.s, 4);
        r.videoFrame = sqlite3_column_int64(q.s, 5);
        if (sqlite3_column_bytes(q.s, 6) != int(sizeof(float) * 16) || sqlite3_column_bytes(q.s, 7) != 16) {
            return Status(StatusCode::InvalidArgument, "session '" + m_path + "': frame " +
                                                           std::to_string(r.frameIndex) + " has a malformed camera");
        }
        std::memcpy(r.camera.c2w.data(), sqlite3_column_blob(q.s, 6), sizeof(float) * 16);
        float k[4];
        std::memcpy(k, sqlite3_column_blob(q.s, 7), sizeof k);
        r.camera.intrinsics = {k[0], k[1], k[2], k[3]};
        r.controller.keys = splitKeys(q.text(8).c_str());
        r.controller.mouseDx = float(sqlite3_column_double(q.s, 9));
        r.controller.mouseDy = float(sqlite3_column_double(q.s, 10));
        r.controller.wheel = float(sqlite3_column_double(q.s, 11));
        r.controller.tUs = r.inputUs;
        r.stepMs = sqlite3_column_double(q.s, 12);
        if (hasLatency) r.latencyMs = sqlite3_column_double(q.s, 13);
        rows.push_back(std::move(r));
    }
    return rows;
}

Result<std::vector<MemoryEventRow>> SessionDatabase::memoryEvents() const {
    Stmt q;
    if (sqlite3_prepare_v2(m_db, "SELECT frame_index, kind, step, entry_id, entry_frame, score, covered FROM"
                                 " memory_events ORDER BY seq", -1, &q.s, nullptr) != SQLITE_OK) {
        return sqlError(m_db, m_path, "reading table 'memory_events'");
    }
    std::vector<MemoryEventRow> rows;
    while (sqlite3_step(q.s) == SQLITE_ROW) {
        MemoryEventRow r;
        r.frameIndex = uint64_t(sqlite3_column_int64(q.s, 0));
        r.kind = q.text(1);
        r.step = uint64_t(sqlite3_column_int64(q.s, 2));
        r.entryId = uint64_t(sqlite3_column_int64(q.s, 3));
        r.entryFrame = uint64_t(sqlite3_column_int64(q.s, 4));
        r.score = sqlite3_column_double(q.s, 5);
        r.covered = sqlite3_column_double(q.s, 6);
        rows.push_back(std::move(r));
    }
    return rows;
}

uint64_t SessionDatabase::frameCount() const {
    Stmt q;
    if (sqlite3_prepare_v2(m_db, "SELECT COUNT(*) FROM frames", -1, &q.s, nullptr) != SQLITE_OK) return 0;
    return sqlite3_step(q.s) == SQLITE_ROW ? uint64_t(sqlite3_column_int64(q.s, 0)) : 0;
}

} // namespace mnemo::session
