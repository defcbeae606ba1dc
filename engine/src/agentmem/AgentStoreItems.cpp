// Item queries: filtered pages and counts (with full text, scopes, time travel and the read rule), single items,
// children and group counts.
#include "AgentStoreInternal.hpp"
#include "Sqlite.hpp"

#include <cctype>
#include <limits>
#include <set>

namespace mnemo::agentmem {

void bindAll(sql::Stmt &q, const std::vector<Bind> &binds, int first) {
    int i = first;
    for (const Bind &b : binds) {
        if (std::holds_alternative<int64_t>(b)) q.bind(i++, std::get<int64_t>(b));
        else q.bind(i++, std::get<std::string>(b));
    }
}

namespace {

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

} // namespace mnemo::agentmem
