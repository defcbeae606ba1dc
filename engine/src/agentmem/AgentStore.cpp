#include "mnemo/agentmem/AgentStore.hpp"

#include "Catalogue.hpp"
#include "NativeSchema.hpp"
#include "NeighbourIndex.hpp"
#include "Sqlite.hpp"
#include "StoreImport.hpp"
#include "VectorIndexReader.hpp"
#include "mnemo/agentmem/HashingEmbedder.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <set>
#include <unordered_map>
#include <variant>

namespace fs = std::filesystem;

namespace mnemo::agentmem {

// ---------------------------------------------------------------------------------------------------------------
// Catalogue

FileStamps stampFiles(const std::vector<std::string> &files) {
    FileStamps out;
    for (const std::string &f : files) {
        struct stat st {};
        if (::stat(f.c_str(), &st) == 0) {
            out[f] = {int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, int64_t(st.st_size)};
        }
    }
    return out;
}

Catalogue::~Catalogue() {
    if (!workDir.empty()) {
        std::error_code ec;
        fs::remove_all(workDir, ec);
    }
}

namespace {

std::string uriPath(const std::string &path) {
    std::string out;
    for (char c : path) {
        if (c == '?' || c == '#' || c == '%') {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
            out += buf;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

bool fileExists(const std::string &p) {
    std::error_code ec;
    return fs::exists(p, ec);
}

} // namespace

std::string catalogueUri(const Catalogue &c) {
    if (c.nativeInPlace && !fileExists(c.dbPath + "-wal")) return "file:" + uriPath(c.dbPath) + "?immutable=1";
    return "file:" + uriPath(c.dbPath) + "?mode=ro";
}

namespace {

std::vector<std::string> stampedFiles(const Catalogue &c) {
    std::vector<std::string> files = c.detected.files;
    if (c.nativeInPlace) files.push_back(c.dbPath + "-wal");
    // A Mem0/Letta/LangGraph writer may create a WAL later: watch for it too.
    for (size_t i = 0; i < c.detected.files.size() && i < c.detected.roles.size(); ++i) {
        const std::string &role = c.detected.roles[i];
        if (!role.empty() && role != "mcp-memory") files.push_back(c.detected.files[i] + "-wal");
    }
    return files;
}

Result<fs::path> makeWorkDir(const std::string &base) {
    static std::atomic<int> counter{0};
    std::error_code ec;
    fs::path root = base.empty() ? fs::temp_directory_path(ec) : fs::path(base);
    for (int attempt = 0; attempt < 100; ++attempt) {
        fs::path dir = root / ("mnemo-inspect-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        if (fs::create_directories(dir, ec)) return dir;
    }
    return Status(StatusCode::Internal, "cannot create a working directory under '" + root.string() + "'");
}

// Copies the store's files into the snapshot directory. The user's files are only ever opened for reading, and
// SQLite never sees them, so no lock, journal, -shm or checkpoint can touch them.
Result<std::vector<std::string>> snapshotFiles(const DetectedStore &d, const fs::path &snapshotDir, std::string &root) {
    std::error_code ec;
    fs::path base = fs::is_directory(d.root, ec) ? fs::path(d.root) : fs::path(d.root).parent_path();
    std::vector<std::string> copies;
    for (const std::string &f : d.files) {
        fs::path rel = fs::relative(f, base, ec);
        if (ec || rel.empty()) rel = fs::path(f).filename();
        fs::path dst = snapshotDir / rel;
        fs::create_directories(dst.parent_path(), ec);
        if (!fs::copy_file(f, dst, fs::copy_options::overwrite_existing, ec)) {
            return Status(StatusCode::NotFound, "cannot read '" + f + "': " + ec.message());
        }
        copies.push_back(dst.string());
    }
    root = (fs::is_directory(d.root, ec) ? snapshotDir : snapshotDir / fs::path(d.root).filename()).string();
    return copies;
}

Result<std::shared_ptr<Catalogue>> buildCatalogue(const std::string &path, const AgentStore::OpenOptions &options) {
    auto detected = detectStore(path);
    if (!detected.ok()) return detected.status();
    auto cat = std::make_shared<Catalogue>();
    cat->detected = detected.value();
    if (options.kind != StoreKind::Unknown && options.kind != cat->detected.kind) {
        return Status(StatusCode::InvalidArgument, "'" + path + "' looks like a " +
                                                       std::string(storeKindName(cat->detected.kind)) +
                                                       " store, not " + storeKindName(options.kind));
    }
    cat->sourcePath = path;
    cat->variant = cat->detected.variant;

    if (cat->detected.kind == StoreKind::Mnemo) {
        cat->nativeInPlace = true;
        cat->dbPath = cat->detected.root;
        auto db = sql::Db::open(catalogueUri(*cat), SQLITE_OPEN_READONLY, cat->dbPath);
        if (!db.ok()) return db.status();
        auto meta = readNativeMeta(db.value());
        if (!meta.ok()) return meta.status();
        cat->embedder = meta->embedder;
        cat->stamps = stampFiles(stampedFiles(*cat));
        return cat;
    }

    auto work = makeWorkDir(options.workDir);
    if (!work.ok()) return work.status();
    cat->workDir = work.value();
    cat->stamps = stampFiles(stampedFiles(*cat));
    std::string snapRoot;
    auto copies = snapshotFiles(cat->detected, cat->workDir / "snapshot", snapRoot);
    if (!copies.ok()) return copies.status();

    cat->dbPath = (cat->workDir / "catalogue.db").string();
    NativeStoreWriter::Options wo;
    wo.durable = false;
    wo.sourceKind = storeKindName(cat->detected.kind);
    wo.sourcePath = path;
    auto writer = NativeStoreWriter::create(cat->dbPath, wo);
    if (!writer.ok()) return writer.status();
    ImportContext ctx{snapRoot, path, copies.value(), *writer.value(), *cat};
    if (Status s = writer.value()->begin(); !s.ok()) return s;
    Status imported;
    switch (cat->detected.kind) {
    case StoreKind::Mem0: imported = importMem0(ctx); break;
    case StoreKind::Chroma: imported = importChroma(ctx); break;
    case StoreKind::LangGraph: imported = importLangGraph(ctx); break;
    case StoreKind::Letta: imported = importLetta(ctx); break;
    case StoreKind::McpMemory: imported = importMcpMemory(ctx); break;
    default: imported = Status(StatusCode::Unsupported, "no reader for this store kind");
    }
    if (!imported.ok()) {
        return imported.withContext(std::string("reading the ") + storeKindName(cat->detected.kind) + " store '" +
                                    path + "'");
    }
    if (Status s = writer.value()->setMeta("embedder", cat->embedder); !s.ok()) return s;
    if (Status s = writer.value()->commit(); !s.ok()) return s;
    writer.value().reset();
    // The snapshot has served its purpose; large stores should not sit twice on disk.
    std::error_code ec;
    fs::remove_all(cat->workDir / "snapshot", ec);
    return cat;
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------
// AgentStore

AgentStore::AgentStore() = default;
AgentStore::~AgentStore() = default;

Result<std::unique_ptr<AgentStore>> AgentStore::open(const std::string &path, const OpenOptions &options) {
    auto cat = buildCatalogue(path, options);
    if (!cat.ok()) return cat.status();
    std::unique_ptr<AgentStore> store(new AgentStore());
    store->m_catalogue = cat.value();
    if (Status s = store->attach(); !s.ok()) return s;
    return store;
}

Status AgentStore::attach() {
    auto db = sql::Db::open(catalogueUri(*m_catalogue), SQLITE_OPEN_READONLY, m_catalogue->sourcePath);
    if (!db.ok()) return db.status();
    m_db = std::make_unique<sql::Db>(std::move(db.value()));
    sqlite3_busy_timeout(m_db->get(), 1000);
    m_ivf.reset();
    m_ivfChecked = false;
    return {};
}

Result<std::unique_ptr<AgentStore>> AgentStore::openReader() const {
    std::unique_ptr<AgentStore> store(new AgentStore());
    store->m_catalogue = m_catalogue;
    if (Status s = store->attach(); !s.ok()) return s;
    return store;
}

StoreKind AgentStore::kind() const { return m_catalogue->detected.kind; }
const std::string &AgentStore::path() const { return m_catalogue->sourcePath; }

namespace {

int64_t scalar(const sql::Db &db, const char *q, Status &status) {
    sql::Stmt s(db, q);
    int64_t v = s.step() ? s.i64(0) : 0;
    if (!s.ok() && status.ok()) status = s.status();
    return v;
}

} // namespace

Result<StoreSummary> AgentStore::summary() const {
    StoreSummary out;
    const sql::Db &db = *m_db;
    Status st;
    out.kind = storeKindName(kind());
    out.variant = m_catalogue->variant;
    out.path = m_catalogue->sourcePath;
    out.items = scalar(db, "SELECT count(*) FROM items WHERE deleted_us IS NULL", st);
    out.deletedItems = scalar(db, "SELECT count(*) FROM items WHERE deleted_us IS NOT NULL", st);
    out.events = scalar(db, "SELECT count(*) FROM events", st);
    out.relations = scalar(db, "SELECT count(*) FROM relations", st);
    out.accesses = scalar(db, "SELECT count(*) FROM access_log", st);
    out.policies = scalar(db, "SELECT count(*) FROM policies", st);
    // The writer records every user, agent and app an item is scoped to as a principal.
    out.users = scalar(db, "SELECT count(*) FROM principals WHERE kind='user'", st);
    out.agents = scalar(db, "SELECT count(*) FROM principals WHERE kind='agent'", st);
    out.apps = scalar(db, "SELECT count(*) FROM principals WHERE kind='app'", st);
    out.threads = scalar(db, "SELECT count(DISTINCT thread_id) FROM items WHERE thread_id IS NOT NULL", st);
    out.checkpoints = scalar(db, "SELECT count(*) FROM items WHERE kind='checkpoint'", st);
    out.embeddings = scalar(db, "SELECT count(*) FROM vectors", st);
    out.embeddingDim = int(scalar(db, "SELECT dim FROM vectors LIMIT 1", st));
    {
        // Zero means "no time recorded": it would stretch the range back to 1970.
        // Every change is an event, so events and creation times bound the range (both indexed).
        sql::Stmt q(db, "SELECT min(t), max(t) FROM (SELECT min(time_us) AS t FROM events WHERE time_us > 0 UNION ALL"
                        " SELECT max(time_us) FROM events UNION ALL SELECT min(created_us) FROM items WHERE created_us > 0"
                        " UNION ALL SELECT max(created_us) FROM items) WHERE t > 0");
        if (q.step() && !q.isNull(0)) {
            out.firstUs = q.i64(0);
            out.lastUs = q.i64(1);
        }
        if (!q.ok() && st.ok()) st = q.status();
    }
    {
        sql::Stmt q(db, "SELECT kind, count(*) FROM items GROUP BY kind");
        while (q.step()) out.itemKinds[q.text(0)] = q.i64(1);
        sql::Stmt e(db, "SELECT action, count(*) FROM events GROUP BY action");
        while (e.step()) out.eventActions[e.text(0)] = e.i64(1);
        if (!q.ok() && st.ok()) st = q.status();
        if (!e.ok() && st.ok()) st = e.status();
    }
    if (!st.ok()) return st;
    out.embedder = m_catalogue->embedder;
    out.notes = m_catalogue->notes;
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Item queries

namespace {

using Bind = std::variant<int64_t, std::string>;

struct Where {
    std::vector<std::string> conds;
    std::vector<Bind> binds;
    void add(std::string cond) { conds.push_back(std::move(cond)); }
    void add(std::string cond, Bind b) {
        conds.push_back(std::move(cond));
        binds.push_back(std::move(b));
    }
    std::string sql() const {
        std::string s;
        for (const auto &c : conds) s += (s.empty() ? " WHERE " : " AND ") + c;
        return s;
    }
};

void bindAll(sql::Stmt &q, const std::vector<Bind> &binds, int first = 1) {
    int i = first;
    for (const Bind &b : binds) {
        if (std::holds_alternative<int64_t>(b)) q.bind(i++, std::get<int64_t>(b));
        else q.bind(i++, std::get<std::string>(b));
    }
}

// Turns what a user types into a safe FTS5 query: each word quoted, the last one a prefix.
std::string ftsQuery(const std::string &text) {
    std::vector<std::string> words;
    std::string cur;
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80 || c == '_') {
            cur.push_back(c);
        } else if (!cur.empty()) {
            words.push_back(cur);
            cur.clear();
        }
    }
    if (!cur.empty()) words.push_back(cur);
    std::string q;
    for (size_t i = 0; i < words.size(); ++i) {
        q += (q.empty() ? "" : " ") + ("\"" + words[i] + "\"") + (i + 1 == words.size() ? "*" : "");
    }
    return q;
}

const char *objectColumn(const std::string &kind) {
    if (kind == "item") return "i.id";
    if (kind == "user") return "i.user_id";
    if (kind == "agent") return "i.agent_id";
    if (kind == "app") return "i.app_id";
    if (kind == "tier") return "i.tier";
    if (kind == "scope") return "i.scope";
    if (kind == "kind") return "i.kind";
    if (kind == "thread") return "i.thread_id";
    return nullptr;
}

bool policyApplies(const Policy &p, const std::string &principal, int64_t t) {
    return (p.subjectId == principal || p.subjectId == "*") && p.validFromUs <= t &&
           (!p.validToUs || *p.validToUs > t);
}

// The read rule as SQL: not denied, and own, shared or explicitly allowed.
void addAccessCondition(Where &w, const std::vector<Policy> &policies, const std::string &principal, int64_t t) {
    std::string allow, deny;
    std::vector<Bind> allowBinds, denyBinds;
    for (const Policy &p : policies) {
        if (!policyApplies(p, principal, t)) continue;
        const char *col = objectColumn(p.objectKind);
        if (!col) continue;
        std::string cond = p.objectId == "*" ? std::string(col) + " IS NOT NULL" : std::string(col) + " = ?";
        std::string &target = p.effect == "deny" ? deny : allow;
        std::vector<Bind> &binds = p.effect == "deny" ? denyBinds : allowBinds;
        target += (target.empty() ? "" : " OR ") + cond;
        if (p.objectId != "*") binds.push_back(p.objectId);
    }
    std::string visible = "(i.user_id = ? OR i.agent_id = ? OR i.app_id = ? OR i.scope = 'shared'";
    if (!allow.empty()) visible += " OR " + allow;
    visible += ")";
    std::string cond = visible;
    if (!deny.empty()) cond = "NOT (" + deny + ") AND " + visible;
    w.conds.push_back("(" + cond + ")");
    for (const Bind &b : denyBinds) w.binds.push_back(b);
    w.binds.push_back(principal);
    w.binds.push_back(principal);
    w.binds.push_back(principal);
    for (const Bind &b : allowBinds) w.binds.push_back(b);
}

constexpr const char *kItemColumns =
    "i.item_seq, i.id, i.kind, %TEXT%, i.user_id, i.agent_id, i.app_id, i.thread_id, i.tier, i.scope, i.parent_id,"
    " i.created_us, i.updated_us, %DELETED%, i.metadata";
constexpr const char *kTextAsOf =
    "COALESCE((SELECT e.new_text FROM events e WHERE e.item_id = i.id AND e.action IN ('add','update')"
    " AND e.time_us <= ?1 ORDER BY e.time_us DESC, e.seq DESC LIMIT 1), i.text)";

std::string itemColumns(bool asOf) {
    std::string s = kItemColumns;
    s.replace(s.find("%TEXT%"), 6, asOf ? kTextAsOf : "i.text");
    s.replace(s.find("%DELETED%"), 9, asOf ? "CASE WHEN i.deleted_us <= ?1 THEN i.deleted_us END" : "i.deleted_us");
    return s;
}

MemoryItem readItem(const sql::Stmt &q) {
    MemoryItem it;
    it.rowid = q.i64(0);
    it.id = q.text(1);
    it.kind = q.text(2);
    it.text = q.text(3);
    it.userId = q.text(4);
    it.agentId = q.text(5);
    it.appId = q.text(6);
    it.threadId = q.text(7);
    it.tier = q.text(8);
    it.scope = q.text(9);
    it.parentId = q.text(10);
    it.createdUs = q.i64(11);
    it.updatedUs = q.i64(12);
    it.deletedUs = q.optI64(13);
    it.metadataJson = q.text(14);
    return it;
}

} // namespace

// Builds the WHERE clause shared by items() and countItems(). With asOf, ?1 is the time (bound by the caller).
static Status buildWhere(const AgentStore &store, const ItemFilter &f, Where &w, std::vector<Policy> *policiesOut) {
    if (f.asOfUs) {
        w.add("i.created_us <= ?1");
        w.add("(i.deleted_us IS NULL OR i.deleted_us > ?1)");
    } else if (!f.includeDeleted) {
        w.add("i.deleted_us IS NULL");
    }
    if (!f.text.empty()) {
        std::string q = ftsQuery(f.text);
        if (q.empty()) q = "\"\"";
        w.add("i.item_seq IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)", q);
    }
    if (!f.userId.empty()) w.add("i.user_id = ?", f.userId);
    if (!f.agentId.empty()) w.add("i.agent_id = ?", f.agentId);
    if (!f.appId.empty()) w.add("i.app_id = ?", f.appId);
    if (!f.threadId.empty()) w.add("i.thread_id = ?", f.threadId);
    if (!f.tier.empty()) w.add("i.tier = ?", f.tier);
    if (!f.kind.empty()) w.add("i.kind = ?", f.kind);
    if (!f.visibleTo.empty()) {
        auto policies = store.policies();
        if (!policies.ok()) return policies.status();
        int64_t t = f.asOfUs ? *f.asOfUs : std::numeric_limits<int64_t>::max() - 1;
        addAccessCondition(w, policies.value(), f.visibleTo, t);
        if (policiesOut) *policiesOut = policies.value();
    }
    return {};
}

Result<int64_t> AgentStore::countItems(const ItemFilter &filter) const {
    Where w;
    if (Status s = buildWhere(*this, filter, w, nullptr); !s.ok()) return s;
    sql::Stmt q(*m_db, "SELECT count(*) FROM items i" + w.sql());
    if (filter.asOfUs) q.bind(1, *filter.asOfUs);
    bindAll(q, w.binds, filter.asOfUs ? 2 : 1);
    int64_t n = q.step() ? q.i64(0) : 0;
    if (!q.ok()) return q.status();
    return n;
}

Result<std::vector<MemoryItem>> AgentStore::items(const ItemFilter &filter, int64_t offset, int limit,
                                                  bool withEmbeddings) const {
    Where w;
    if (Status s = buildWhere(*this, filter, w, nullptr); !s.ok()) return s;
    std::string sqlText = "SELECT " + itemColumns(filter.asOfUs.has_value()) +
                          (withEmbeddings ? ", v.embedding FROM items i LEFT JOIN vectors v ON v.item_seq = i.item_seq"
                                          : " FROM items i") +
                          w.sql() +
                          // Time travel pages back from the chosen time along the creation index instead of
                          // walking every newer row first.
                          (filter.asOfUs ? " ORDER BY i.created_us DESC, i.item_seq DESC LIMIT ? OFFSET ?"
                                         : " ORDER BY i.item_seq DESC LIMIT ? OFFSET ?");
    sql::Stmt q(*m_db, sqlText);
    if (filter.asOfUs) q.bind(1, *filter.asOfUs);
    int next = filter.asOfUs ? 2 : 1;
    bindAll(q, w.binds, next);
    next += int(w.binds.size());
    q.bind(next, int64_t(limit)).bind(next + 1, offset);
    std::vector<MemoryItem> out;
    while (q.step()) {
        out.push_back(readItem(q));
        if (withEmbeddings && !q.isNull(15)) {
            if (auto v = sql::floatsFromBlob(q.blob(15), q.blobBytes(15))) out.back().embedding = std::move(*v);
        }
    }
    if (!q.ok()) return q.status();
    return out;
}

Result<MemoryItem> AgentStore::item(const std::string &id, std::optional<int64_t> asOfUs) const {
    sql::Stmt q(*m_db, "SELECT " + itemColumns(asOfUs.has_value()) +
                           ", v.embedding FROM items i LEFT JOIN vectors v ON v.item_seq = i.item_seq WHERE i.id = ?2");
    q.bind(1, asOfUs.value_or(0)).bind(2, id);
    if (!q.step()) {
        if (!q.ok()) return q.status();
        return Status(StatusCode::NotFound, "no item '" + id + "' in '" + path() + "'");
    }
    MemoryItem it = readItem(q);
    if (!q.isNull(15)) {
        if (auto v = sql::floatsFromBlob(q.blob(15), q.blobBytes(15))) it.embedding = std::move(*v);
    }
    return it;
}

Result<std::vector<MemoryItem>> AgentStore::itemsByRowid(const std::vector<int64_t> &rowids) const {
    sql::Stmt q(*m_db, "SELECT " + itemColumns(false) + " FROM items i WHERE i.item_seq = ?");
    std::vector<MemoryItem> out;
    for (int64_t r : rowids) {
        q.reset();
        q.bind(1, r);
        if (q.step()) out.push_back(readItem(q));
        if (!q.ok()) return q.status();
    }
    return out;
}

Result<std::vector<MemoryItem>> AgentStore::children(const std::string &parentId, int limit) const {
    std::string where = parentId.empty() ? "(i.parent_id IS NULL OR i.parent_id = '')" : "i.parent_id = ?2";
    sql::Stmt q(*m_db, "SELECT " + itemColumns(false) + " FROM items i WHERE " + where +
                           " AND i.deleted_us IS NULL ORDER BY i.created_us, i.item_seq LIMIT ?1");
    q.bind(1, int64_t(limit));
    if (!parentId.empty()) q.bind(2, parentId);
    std::vector<MemoryItem> out;
    while (q.step()) out.push_back(readItem(q));
    if (!q.ok()) return q.status();
    return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> AgentStore::groupCounts(const std::string &field,
                                                                            const ItemFilter &filter) const {
    static const std::set<std::string> allowed = {"user_id", "agent_id", "app_id", "thread_id", "tier", "kind", "scope"};
    if (!allowed.count(field)) return Status(StatusCode::InvalidArgument, "cannot group by '" + field + "'");
    Where w;
    if (Status s = buildWhere(*this, filter, w, nullptr); !s.ok()) return s;
    sql::Stmt q(*m_db, "SELECT COALESCE(i." + field + ", ''), count(*) FROM items i" + w.sql() + " GROUP BY 1 ORDER BY 2 DESC");
    if (filter.asOfUs) q.bind(1, *filter.asOfUs);
    bindAll(q, w.binds, filter.asOfUs ? 2 : 1);
    std::vector<std::pair<std::string, int64_t>> out;
    while (q.step()) out.emplace_back(q.text(0), q.i64(1));
    if (!q.ok()) return q.status();
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Events, relations, provenance, access

namespace {

MemoryEvent readEvent(const sql::Stmt &q) {
    return {q.i64(0), q.text(1), q.text(2), q.i64(3), q.text(4), q.text(5), q.text(6), q.text(7)};
}

constexpr const char *kEventColumns = "seq, item_id, action, time_us, actor_id, old_text, new_text, detail";

} // namespace

Result<std::vector<MemoryEvent>> AgentStore::events(std::optional<int64_t> fromUs, std::optional<int64_t> toUs,
                                                    int64_t limit) const {
    sql::Stmt q(*m_db, std::string("SELECT ") + kEventColumns +
                           " FROM events WHERE time_us >= ?1 AND time_us <= ?2 ORDER BY time_us, seq LIMIT ?3");
    q.bind(1, fromUs.value_or(std::numeric_limits<int64_t>::min()));
    q.bind(2, toUs.value_or(std::numeric_limits<int64_t>::max())).bind(3, limit);
    std::vector<MemoryEvent> out;
    while (q.step()) out.push_back(readEvent(q));
    if (!q.ok()) return q.status();
    return out;
}

Result<std::vector<EventMark>> AgentStore::eventMarks(int64_t limit) const {
    // The newest `limit` events, oldest first: what a timeline needs, without the texts.
    sql::Stmt q(*m_db, "SELECT seq, time_us, action, item_id FROM (SELECT seq, time_us, action, item_id FROM events"
                       " ORDER BY time_us DESC, seq DESC LIMIT ?) ORDER BY time_us, seq");
    q.bind(1, limit);
    std::vector<EventMark> out;
    while (q.step()) out.push_back({q.i64(0), q.i64(1), q.text(2), q.text(3)});
    if (!q.ok()) return q.status();
    return out;
}

Result<std::vector<MemoryEvent>> AgentStore::eventsAfter(int64_t seq, int64_t limit) const {
    sql::Stmt q(*m_db, std::string("SELECT ") + kEventColumns + " FROM events WHERE seq > ? ORDER BY seq LIMIT ?");
    q.bind(1, seq).bind(2, limit);
    std::vector<MemoryEvent> out;
    while (q.step()) out.push_back(readEvent(q));
    if (!q.ok()) return q.status();
    return out;
}

Result<std::vector<MemoryEvent>> AgentStore::history(const std::string &itemId) const {
    sql::Stmt q(*m_db, std::string("SELECT ") + kEventColumns + " FROM events WHERE item_id = ? ORDER BY time_us, seq");
    q.bind(1, itemId);
    std::vector<MemoryEvent> out;
    while (q.step()) out.push_back(readEvent(q));
    if (!q.ok()) return q.status();
    return out;
}

Result<std::vector<Relation>> AgentStore::relations(int64_t limit, const std::string &itemId) const {
    std::string where = itemId.empty() ? "" : " WHERE src = ?2 OR dst = ?2";
    sql::Stmt q(*m_db, "SELECT src, dst, kind, label, created_us, deleted_us FROM relations" + where + " ORDER BY id LIMIT ?1");
    q.bind(1, limit);
    if (!itemId.empty()) q.bind(2, itemId);
    std::vector<Relation> out;
    while (q.step()) out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.i64(4), q.optI64(5)});
    if (!q.ok()) return q.status();
    return out;
}

Result<std::vector<Provenance>> AgentStore::provenance(const std::string &itemId) const {
    sql::Stmt q(*m_db, "SELECT item_id, principal_id, role, time_us, detail FROM provenance WHERE item_id = ? ORDER BY time_us");
    q.bind(1, itemId);
    std::vector<Provenance> out;
    while (q.step()) out.push_back({q.text(0), q.text(1), q.text(2), q.i64(3), q.text(4)});
    if (!q.ok()) return q.status();
    return out;
}

Result<std::vector<AccessRecord>> AgentStore::accesses(const std::string &itemId, int64_t limit) const {
    std::string where = itemId.empty() ? "" : " WHERE item_id = ?2";
    sql::Stmt q(*m_db, "SELECT seq, item_id, principal_id, query, kind, score, rank, time_us FROM access_log" + where +
                           " ORDER BY time_us DESC, seq DESC LIMIT ?1");
    q.bind(1, limit);
    if (!itemId.empty()) q.bind(2, itemId);
    std::vector<AccessRecord> out;
    while (q.step()) {
        AccessRecord a;
        a.seq = q.i64(0);
        a.itemId = q.text(1);
        a.principalId = q.text(2);
        a.query = q.text(3);
        a.kind = q.text(4);
        a.score = q.f64(5);
        a.rank = int(q.i64(6));
        a.timeUs = q.i64(7);
        out.push_back(std::move(a));
    }
    if (!q.ok()) return q.status();
    return out;
}

Result<std::vector<Principal>> AgentStore::principals() const {
    // The writer registers every user, agent and app an item is scoped to, so this table is complete.
    sql::Stmt q(*m_db, "SELECT id, kind, COALESCE(name, id) FROM principals ORDER BY kind, id");
    std::vector<Principal> out;
    while (q.step()) out.push_back({q.text(0), q.text(1), q.text(2)});
    if (!q.ok()) return q.status();
    return out;
}

Result<std::vector<Policy>> AgentStore::policies() const {
    sql::Stmt q(*m_db, "SELECT seq, subject_id, object_kind, object_id, effect, valid_from_us, valid_to_us FROM policies ORDER BY seq");
    std::vector<Policy> out;
    while (q.step()) out.push_back({q.i64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.i64(5), q.optI64(6)});
    if (!q.ok()) return q.status();
    return out;
}

Result<AccessDecision> AgentStore::explainAccess(const MemoryItem &it, const std::string &principal,
                                                 std::optional<int64_t> atUs) const {
    auto policies = this->policies();
    if (!policies.ok()) return policies.status();
    return explainAccess(it, principal, atUs, policies.value());
}

AccessDecision AgentStore::explainAccess(const MemoryItem &it, const std::string &principal,
                                         std::optional<int64_t> atUs, const std::vector<Policy> &policies) const {
    int64_t t = atUs.value_or(std::numeric_limits<int64_t>::max() - 1);
    auto matches = [&](const Policy &p) {
        std::string value;
        if (p.objectKind == "item") value = it.id;
        else if (p.objectKind == "user") value = it.userId;
        else if (p.objectKind == "agent") value = it.agentId;
        else if (p.objectKind == "app") value = it.appId;
        else if (p.objectKind == "tier") value = it.tier;
        else if (p.objectKind == "scope") value = it.scope;
        else if (p.objectKind == "kind") value = it.kind;
        else if (p.objectKind == "thread") value = it.threadId;
        else return false;
        return p.objectId == "*" ? !value.empty() : value == p.objectId;
    };
    for (const Policy &p : policies) {
        if (p.effect == "deny" && policyApplies(p, principal, t) && matches(p)) {
            return AccessDecision{false, "denied by policy #" + std::to_string(p.seq) + " (" + p.subjectId + " -/-> " +
                                             p.objectKind + ":" + p.objectId + ")"};
        }
    }
    if (!principal.empty() && (it.userId == principal || it.agentId == principal || it.appId == principal)) {
        return AccessDecision{true, "own"};
    }
    if (it.scope == "shared") return AccessDecision{true, "shared"};
    for (const Policy &p : policies) {
        if (p.effect == "allow" && policyApplies(p, principal, t) && matches(p)) {
            return AccessDecision{true, "allowed by policy #" + std::to_string(p.seq) + " (" + p.subjectId + " -> " +
                                            p.objectKind + ":" + p.objectId + ")"};
        }
    }
    std::string owner = !it.userId.empty() ? it.userId : !it.agentId.empty() ? it.agentId : it.appId;
    return AccessDecision{false, owner.empty() ? "private, no policy grants it" : "private to " + owner};
}

Result<StoreDiff> AgentStore::diff(int64_t fromUs, int64_t toUs, int limit) const {
    StoreDiff d;
    d.fromUs = std::min(fromUs, toUs);
    d.toUs = std::max(fromUs, toUs);
    sql::Stmt q(*m_db, "SELECT DISTINCT item_id FROM events WHERE time_us > ? AND time_us <= ? AND action IN"
                       " ('add','update','delete') LIMIT ?");
    q.bind(1, d.fromUs).bind(2, d.toUs).bind(3, int64_t(limit));
    std::vector<std::string> ids;
    while (q.step()) ids.push_back(q.text(0));
    if (!q.ok()) return q.status();
    for (const std::string &id : ids) {
        auto before = item(id, d.fromUs);
        auto after = item(id, d.toUs);
        if (!before.ok() || !after.ok()) continue;
        auto alive = [](const MemoryItem &it, int64_t t) {
            return it.createdUs <= t && (!it.deletedUs || *it.deletedUs > t);
        };
        bool a = alive(before.value(), d.fromUs), b = alive(after.value(), d.toUs);
        if (!a && b) d.added.push_back(after.value());
        else if (a && !b) d.removed.push_back(before.value());
        else if (a && b && before->text != after->text) {
            MemoryItem changed = after.value();
            changed.metadataJson = before->text; // the text at `from`, for the diff view
            d.changed.push_back(std::move(changed));
        }
    }
    return d;
}

// ---------------------------------------------------------------------------------------------------------------
// Embeddings and neighbours

Result<EmbeddingSet> AgentStore::embeddings(int64_t maxPoints) const {
    EmbeddingSet set;
    Status st;
    set.total = scalar(*m_db, "SELECT count(*) FROM vectors v JOIN items i ON i.item_seq = v.item_seq WHERE i.deleted_us IS NULL", st);
    if (!st.ok()) return st;
    int64_t stride = maxPoints > 0 && set.total > maxPoints ? (set.total + maxPoints - 1) / maxPoints : 1;
    // A sample visits every stride-th row by primary key instead of filtering a scan of every vector.
    int64_t maxSeq = scalar(*m_db, "SELECT COALESCE(max(item_seq), 0) FROM vectors", st);
    sql::Stmt q(*m_db, stride == 1
                           ? "SELECT v.item_seq, v.embedding FROM vectors v JOIN items i ON i.item_seq = v.item_seq"
                             " WHERE i.deleted_us IS NULL AND ?1 = 1 AND ?2 >= 0 ORDER BY v.item_seq"
                           : "WITH RECURSIVE s(x) AS (SELECT ?1 UNION ALL SELECT x + ?1 FROM s WHERE x + ?1 <= ?2)"
                             " SELECT v.item_seq, v.embedding FROM s JOIN vectors v ON v.item_seq = s.x"
                             " JOIN items i ON i.item_seq = v.item_seq WHERE i.deleted_us IS NULL");
    q.bind(1, stride).bind(2, maxSeq);
    while (q.step()) {
        size_t bytes = q.blobBytes(1);
        if (bytes == 0 || bytes % 4 != 0) {
            return Status(StatusCode::InvalidArgument, "'" + path() + "': item #" + std::to_string(q.i64(0)) +
                                                           " has a malformed embedding (" + std::to_string(bytes) + " bytes)");
        }
        int dim = int(bytes / 4);
        if (set.dim == 0) set.dim = dim;
        if (dim != set.dim) continue; // mixed dimensions: the map shows the first one's space
        set.rowids.push_back(q.i64(0));
        size_t at = set.data.size();
        set.data.resize(at + size_t(dim));
        std::memcpy(set.data.data() + at, q.blob(1), bytes);
        std::vector<float> view(set.data.begin() + long(at), set.data.end());
        normalise(view);
        std::copy(view.begin(), view.end(), set.data.begin() + long(at));
    }
    if (!q.ok()) return q.status();
    return set;
}

Result<std::vector<Neighbour>> AgentStore::nearest(const std::vector<float> &query, int k,
                                                   const std::string &excludeId) const {
    std::vector<float> qv = query;
    normalise(qv);
    std::shared_ptr<NeighbourIndex> exact; // keeps the shared exact index alive for this search
    const NeighbourIndex *index = m_catalogue->nativeIndex.get();
    if (!index) index = ivf();
    if (!index) {
        auto built = exactIndex();
        if (!built.ok()) return built.status();
        exact = built.value();
        index = exact.get();
    }
    // Ask for extra so excluded and since-deleted items do not shorten the list.
    auto found = index->search(qv, k + 8);
    if (!found.ok()) return found.status();
    // Resolve and check liveness in one query for results known by row, one lookup each for those known by id.
    std::vector<Neighbour> candidates = std::move(found.value());
    std::string inList;
    for (const Neighbour &n : candidates) {
        if (n.rowid != 0) inList += (inList.empty() ? "" : ",") + std::to_string(n.rowid);
    }
    std::unordered_map<int64_t, std::string> liveById;
    if (!inList.empty()) {
        sql::Stmt q(*m_db, "SELECT item_seq, id FROM items WHERE deleted_us IS NULL AND item_seq IN (" + inList + ")");
        while (q.step()) liveById[q.i64(0)] = q.text(1);
        if (!q.ok()) return q.status();
    }
    sql::Stmt byId(*m_db, "SELECT item_seq FROM items WHERE id = ? AND deleted_us IS NULL");
    std::vector<Neighbour> out;
    for (Neighbour n : candidates) {
        if (int(out.size()) >= k) break;
        if (n.rowid != 0) {
            auto it = liveById.find(n.rowid);
            if (it == liveById.end()) continue;
            n.id = it->second;
        } else {
            byId.reset();
            byId.bind(1, n.id);
            if (!byId.step()) continue;
            n.rowid = byId.i64(0);
        }
        if (!excludeId.empty() && n.id == excludeId) continue;
        out.push_back(std::move(n));
    }
    return out;
}

const NeighbourIndex *AgentStore::ivf() const {
    if (!m_ivfChecked) {
        m_ivfChecked = true;
        std::shared_ptr<IvfListCache> cache;
        {
            std::lock_guard lock(m_catalogue->indexMutex);
            if (!m_catalogue->ivfLists) m_catalogue->ivfLists = std::make_shared<IvfListCache>();
            cache = m_catalogue->ivfLists;
        }
        m_ivf = IvfIndexReader::load(*m_db, cache);
    }
    return m_ivf.get();
}

namespace {
// A damaged store can hold embeddings whose item is gone (itemsByRowid skips those): keep only the rows that have an
// item, in order, so the set and `items` stay parallel.
EmbeddingSet withItemsOnly(EmbeddingSet set, const std::vector<MemoryItem> &items) {
    if (items.size() == set.rowids.size()) return set;
    const size_t dim = size_t(set.dim);
    size_t kept = 0;
    for (size_t i = 0; i < set.rowids.size() && kept < items.size(); ++i) {
        if (set.rowids[i] != items[kept].rowid) continue;
        set.rowids[kept] = set.rowids[i];
        std::copy_n(set.data.begin() + std::ptrdiff_t(i * dim), dim, set.data.begin() + std::ptrdiff_t(kept * dim));
        ++kept;
    }
    set.rowids.resize(kept);
    set.data.resize(kept * dim);
    return set;
}

std::vector<std::string> idsOf(const std::vector<MemoryItem> &items) {
    std::vector<std::string> out;
    out.reserve(items.size());
    for (const MemoryItem &it : items) out.push_back(it.id);
    return out;
}
} // namespace

Result<std::shared_ptr<NeighbourIndex>> AgentStore::exactIndex() const {
    std::lock_guard lock(m_catalogue->indexMutex);
    if (m_catalogue->exact) return m_catalogue->exact;
    auto set = embeddings(0);
    if (!set.ok()) return set.status();
    auto rows = itemsByRowid(set->rowids);
    if (!rows.ok()) return rows.status();
    m_catalogue->exact = std::make_shared<ExactIndex>(withItemsOnly(std::move(set.value()), rows.value()), idsOf(rows.value()));
    return m_catalogue->exact;
}

Status AgentStore::warmNeighbourIndex() const {
    if (m_catalogue->nativeIndex) return {}; // loaded with the store
    if (const NeighbourIndex *index = ivf()) return static_cast<const IvfIndexReader *>(index)->loadAllLists();
    auto exact = exactIndex();
    return exact.ok() ? Status() : exact.status();
}

std::string AgentStore::nearestMethod() const {
    if (m_catalogue->nativeIndex) return m_catalogue->nativeIndex->describe();
    if (const NeighbourIndex *index = ivf()) return index->describe();
    return "exact cosine over all embeddings";
}

bool AgentStore::canEmbedText() const { return HashingEmbedder::dimForName(m_catalogue->embedder) > 0; }

std::string AgentStore::embedderDescription() const {
    if (canEmbedText()) return m_catalogue->embedder + " (local, deterministic)";
    if (m_catalogue->embedder.empty()) return "unknown embedding model: no local embedder; pick an item as the query";
    return m_catalogue->embedder + ": not available locally; pick an item as the query";
}

Result<std::vector<float>> AgentStore::embedText(const std::string &text) const {
    int dim = HashingEmbedder::dimForName(m_catalogue->embedder);
    if (dim <= 0) return Status(StatusCode::Unsupported, "cannot embed text for this store: " + embedderDescription());
    return HashingEmbedder(dim).embed(text);
}

// ---------------------------------------------------------------------------------------------------------------
// Live tail

Result<bool> AgentStore::refreshIfChanged() {
    FileStamps now = stampFiles(stampedFiles(*m_catalogue));
    if (now == m_catalogue->stamps) return false;
    if (m_catalogue->nativeInPlace) {
        m_catalogue->stamps = now;
        {
            // New rows (and perhaps a rebuilt index): the exact index is stale; IVF lists check their build.
            std::lock_guard lock(m_catalogue->indexMutex);
            m_catalogue->exact.reset();
        }
        if (Status s = attach(); !s.ok()) return s;
        return true;
    }
    OpenOptions o;
    o.kind = kind();
    o.workDir = m_catalogue->workDir.parent_path().string();
    auto fresh = buildCatalogue(m_catalogue->sourcePath, o);
    if (!fresh.ok()) {
        // A writer mid-transaction can leave a snapshot half-written; keep showing the last good import.
        return fresh.status();
    }
    m_catalogue = fresh.value();
    if (Status s = attach(); !s.ok()) return s;
    return true;
}

bool AgentStore::sourceChanged() const { return stampFiles(stampedFiles(*m_catalogue)) != m_catalogue->stamps; }
bool AgentStore::isImported() const { return !m_catalogue->nativeInPlace; }

int64_t AgentStore::lastEventSeq() const {
    Status st;
    return scalar(*m_db, "SELECT COALESCE(max(seq), 0) FROM events", st);
}

} // namespace mnemo::agentmem
