// MemoryBank persistence: one SQLite file, documented in docs/memory-bank.md.
#include "mnemo/memory/MemoryBank.hpp"
#include "mnemo/core/Utf8.hpp"
#include "mnemo/core/NumberText.hpp"

#include <sqlite3.h>

#include <cstring>
#include <map>

namespace mnemo::memory {
namespace {

constexpr int kSchemaVersion = 1;

// Owns a database handle and turns SQLite failures into Status naming the file.
class Db {
public:
    Db(const std::string &path, int flags) : m_path(path) {
        if (sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr) != SQLITE_OK) {
            m_error = "cannot open memory bank '" + path + "': " + (m_db ? sqlite3_errmsg(m_db) : "out of memory");
        }
    }
    ~Db() { sqlite3_close(m_db); }
    sqlite3 *get() const { return m_db; }
    const std::string &error() const { return m_error; }
    Status exec(const char *sql) {
        char *msg = nullptr;
        if (sqlite3_exec(m_db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
            Status s(StatusCode::Internal, "memory bank '" + m_path + "': " + (msg ? msg : "?"));
            sqlite3_free(msg);
            return s;
        }
        return {};
    }
    Status fail(const char *what) const {
        return {StatusCode::InvalidArgument, "memory bank '" + m_path + "': " + what + ": " + sqlite3_errmsg(m_db)};
    }

private:
    sqlite3 *m_db = nullptr;
    std::string m_path;
    std::string m_error;
};

struct Stmt {
    sqlite3_stmt *s = nullptr;
    ~Stmt() { sqlite3_finalize(s); }
    // A text column as valid UTF-8; "" for NULL (a damaged or hand-edited file can hold NULL anywhere).
    std::string text(int column) const {
        const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(s, column));
        return p ? validUtf8(std::string_view(p, size_t(sqlite3_column_bytes(s, column)))) : std::string();
    }
};

// The meta table as key -> value. A file without one is not a memory bank.
Status readMeta(const Db &db, std::map<std::string, std::string> &meta) {
    Stmt q;
    if (sqlite3_prepare_v2(db.get(), "SELECT key, value FROM meta", -1, &q.s, nullptr) != SQLITE_OK) {
        return db.fail("not a memory bank (no 'meta' table)");
    }
    while (sqlite3_step(q.s) == SQLITE_ROW) {
        meta[q.text(0)] = q.text(1);
    }
    return {};
}

// What the meta table says: the bank's configuration and counters, once its format and schema version are checked.
struct BankMeta {
    MemoryBankConfig config;
    uint64_t nextId = 1;
    uint64_t evicted = 0;
};

Result<BankMeta> parseMeta(std::map<std::string, std::string> &meta, const std::string &path) {
    if (meta["format"] != "mnemo-memory-bank") {
        return Status(StatusCode::InvalidArgument, "'" + path + "' is not a memory bank (meta.format)");
    }
    const int version = std::atoi(meta["schema_version"].c_str());
    if (version != kSchemaVersion) {
        return Status(StatusCode::Unsupported, "memory bank '" + path + "' has schema version " +
                                                   std::to_string(version) + "; this build reads version " +
                                                   std::to_string(kSchemaVersion));
    }
    BankMeta out;
    out.config.policy = evictionPolicyFromName(meta["policy"]).value_or(EvictionPolicy::KeepAll);
    const auto byteBudget = parseUnsigned(meta["byte_budget"].empty() ? "0" : meta["byte_budget"]);
    const auto nextId = parseUnsigned(meta["next_id"].empty() ? "1" : meta["next_id"]);
    const auto evicted = parseUnsigned(meta["evicted"].empty() ? "0" : meta["evicted"]);
    if (!byteBudget || !nextId || !evicted) {
        return Status(StatusCode::InvalidArgument, "memory bank '" + path + "': malformed byte_budget, next_id or "
                                                   "evicted in its meta table");
    }
    out.config.byteBudget = size_t(*byteBudget);
    out.config.thumbnailWidth = uint32_t(std::atoi(meta["thumbnail_width"].c_str()));
    out.nextId = *nextId;
    out.evicted = *evicted;
    return out;
}

// One row of `entries`. A camera or thumbnail blob of the wrong size is an error naming the entry.
Result<MemoryEntry> readEntry(const Stmt &q, const std::string &path) {
    MemoryEntry e;
    e.id = uint64_t(sqlite3_column_int64(q.s, 0));
    e.frameIndex = uint64_t(sqlite3_column_int64(q.s, 1));
    e.timeUs = sqlite3_column_int64(q.s, 2);
    e.step = uint64_t(sqlite3_column_int64(q.s, 3));
    if (sqlite3_column_bytes(q.s, 4) != int(sizeof(float) * 16) || sqlite3_column_bytes(q.s, 5) != 16) {
        return Status(StatusCode::InvalidArgument,
                      "memory bank '" + path + "': entry " + std::to_string(e.id) + " has a malformed camera");
    }
    std::memcpy(e.camera.c2w.data(), sqlite3_column_blob(q.s, 4), sizeof(float) * 16);
    float k[4];
    std::memcpy(k, sqlite3_column_blob(q.s, 5), sizeof k);
    e.camera.intrinsics = {k[0], k[1], k[2], k[3]};
    e.thumbWidth = uint32_t(sqlite3_column_int(q.s, 6));
    e.thumbHeight = uint32_t(sqlite3_column_int(q.s, 7));
    if (const int n = sqlite3_column_bytes(q.s, 8); n > 0) {
        if (size_t(n) != size_t(e.thumbWidth) * e.thumbHeight * 4) {
            return Status(StatusCode::InvalidArgument,
                          "memory bank '" + path + "': entry " + std::to_string(e.id) + " thumbnail size mismatch");
        }
        const auto *p = static_cast<const uint8_t *>(sqlite3_column_blob(q.s, 8));
        e.thumbnail = std::make_shared<const std::vector<uint8_t>>(p, p + n);
    }
    if (const int n = sqlite3_column_bytes(q.s, 9); n > 0) {
        const auto *p = static_cast<const uint8_t *>(sqlite3_column_blob(q.s, 9));
        e.latent.assign(p, p + n);
    }
    e.readCount = uint32_t(sqlite3_column_int(q.s, 10));
    e.lastReadStep = uint64_t(sqlite3_column_int64(q.s, 11));
    return e;
}

// One row of `events`; an unknown kind reads as an eviction.
MemoryEvent readEvent(const Stmt &ev) {
    const std::string kind = ev.text(0);
    MemoryEvent e;
    e.kind = kind == "write" ? MemoryEventKind::Write : kind == "retrieve" ? MemoryEventKind::Retrieve
                                                                            : MemoryEventKind::Evict;
    e.step = uint64_t(sqlite3_column_int64(ev.s, 1));
    e.entryId = uint64_t(sqlite3_column_int64(ev.s, 2));
    e.frameIndex = uint64_t(sqlite3_column_int64(ev.s, 3));
    e.score = float(sqlite3_column_double(ev.s, 4));
    e.covered = float(sqlite3_column_double(ev.s, 5));
    return e;
}

} // namespace

Status MemoryBank::save(const std::string &path) const {
    Db db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!db.error().empty()) return {StatusCode::NotFound, db.error()};
    Status s = db.exec("PRAGMA journal_mode=WAL;"
                       "BEGIN;"
                       "DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS entries; DROP TABLE IF EXISTS events;"
                       "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
                       "CREATE TABLE entries(id INTEGER PRIMARY KEY, frame_index INTEGER, time_us INTEGER,"
                       " step INTEGER, c2w BLOB, intrinsics BLOB, thumb_width INTEGER, thumb_height INTEGER,"
                       " thumbnail BLOB, latent BLOB, read_count INTEGER, last_read_step INTEGER);"
                       "CREATE TABLE events(seq INTEGER PRIMARY KEY, kind TEXT, step INTEGER, entry_id INTEGER,"
                       " frame_index INTEGER, score REAL, covered REAL);");
    if (!s.ok()) return s;
    {
        Stmt meta;
        sqlite3_prepare_v2(db.get(), "INSERT INTO meta VALUES(?, ?)", -1, &meta.s, nullptr);
        const std::pair<std::string, std::string> rows[] = {
            {"format", "mnemo-memory-bank"},
            {"schema_version", std::to_string(kSchemaVersion)},
            {"policy", evictionPolicyName(m_config.policy)},
            {"byte_budget", std::to_string(m_config.byteBudget)},
            {"thumbnail_width", std::to_string(m_config.thumbnailWidth)},
            {"next_id", std::to_string(m_nextId)},
            {"evicted", std::to_string(m_evicted)},
        };
        for (const auto &[k, v] : rows) {
            sqlite3_bind_text(meta.s, 1, k.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(meta.s, 2, v.c_str(), -1, SQLITE_TRANSIENT);
            if (sqlite3_step(meta.s) != SQLITE_DONE) return db.fail("writing meta");
            sqlite3_reset(meta.s);
        }
    }
    Stmt ins;
    sqlite3_prepare_v2(db.get(), "INSERT INTO entries VALUES(?,?,?,?,?,?,?,?,?,?,?,?)", -1, &ins.s, nullptr);
    for (const auto &e : m_entries) {
        const float k[4] = {e.camera.intrinsics.fx, e.camera.intrinsics.fy, e.camera.intrinsics.cx,
                            e.camera.intrinsics.cy};
        sqlite3_bind_int64(ins.s, 1, int64_t(e.id));
        sqlite3_bind_int64(ins.s, 2, int64_t(e.frameIndex));
        sqlite3_bind_int64(ins.s, 3, e.timeUs);
        sqlite3_bind_int64(ins.s, 4, int64_t(e.step));
        sqlite3_bind_blob(ins.s, 5, e.camera.c2w.data(), int(sizeof(float) * 16), SQLITE_STATIC);
        sqlite3_bind_blob(ins.s, 6, k, int(sizeof k), SQLITE_TRANSIENT);
        sqlite3_bind_int(ins.s, 7, int(e.thumbWidth));
        sqlite3_bind_int(ins.s, 8, int(e.thumbHeight));
        if (e.thumbnail) {
            sqlite3_bind_blob(ins.s, 9, e.thumbnail->data(), int(e.thumbnail->size()), SQLITE_STATIC);
        } else {
            sqlite3_bind_null(ins.s, 9);
        }
        sqlite3_bind_blob(ins.s, 10, e.latent.data(), int(e.latent.size()), SQLITE_STATIC);
        sqlite3_bind_int(ins.s, 11, int(e.readCount));
        sqlite3_bind_int64(ins.s, 12, int64_t(e.lastReadStep));
        if (sqlite3_step(ins.s) != SQLITE_DONE) return db.fail("writing entries");
        sqlite3_reset(ins.s);
    }
    Stmt ev;
    sqlite3_prepare_v2(db.get(), "INSERT INTO events(kind, step, entry_id, frame_index, score, covered)"
                                 " VALUES(?,?,?,?,?,?)", -1, &ev.s, nullptr);
    for (const auto &e : m_events) {
        sqlite3_bind_text(ev.s, 1, memoryEventKindName(e.kind), -1, SQLITE_STATIC);
        sqlite3_bind_int64(ev.s, 2, int64_t(e.step));
        sqlite3_bind_int64(ev.s, 3, int64_t(e.entryId));
        sqlite3_bind_int64(ev.s, 4, int64_t(e.frameIndex));
        sqlite3_bind_double(ev.s, 5, e.score);
        sqlite3_bind_double(ev.s, 6, e.covered);
        if (sqlite3_step(ev.s) != SQLITE_DONE) return db.fail("writing events");
        sqlite3_reset(ev.s);
    }
    return db.exec("COMMIT;");
}

Result<MemoryBank> MemoryBank::load(const std::string &path) {
    Db db(path, SQLITE_OPEN_READONLY);
    if (!db.error().empty()) return Status(StatusCode::NotFound, db.error());
    std::map<std::string, std::string> metaRows;
    if (Status s = readMeta(db, metaRows); !s.ok()) return s;
    auto meta = parseMeta(metaRows, path);
    if (!meta.ok()) return meta.status();
    MemoryBank bank(meta->config);
    Stmt q;
    if (sqlite3_prepare_v2(db.get(), "SELECT id, frame_index, time_us, step, c2w, intrinsics, thumb_width,"
                                     " thumb_height, thumbnail, latent, read_count, last_read_step FROM entries"
                                     " ORDER BY id", -1, &q.s, nullptr) != SQLITE_OK) {
        return db.fail("reading table 'entries'");
    }
    while (sqlite3_step(q.s) == SQLITE_ROW) {
        auto e = readEntry(q, path);
        if (!e.ok()) return e.status();
        bank.m_bytes += e->bytes();
        bank.indexInsert(e.value());
        bank.m_entries.push_back(std::move(e.value()));
    }
    Stmt ev;
    if (sqlite3_prepare_v2(db.get(), "SELECT kind, step, entry_id, frame_index, score, covered FROM events ORDER BY seq",
                           -1, &ev.s, nullptr) != SQLITE_OK) {
        return db.fail("reading table 'events'");
    }
    while (sqlite3_step(ev.s) == SQLITE_ROW) bank.m_events.push_back(readEvent(ev));
    bank.m_nextId = std::max<uint64_t>(meta->nextId, bank.m_entries.empty() ? 1 : bank.m_entries.back().id + 1);
    bank.m_evicted = meta->evicted;
    return bank;
}

} // namespace mnemo::memory
