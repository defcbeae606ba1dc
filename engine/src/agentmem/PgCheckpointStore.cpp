// LangGraph's PostgresSaver read in place: items (checkpoints) and the queries the views page through. Events,
// relations and the summary are in PgCheckpointRecords.cpp.
#include "PgCheckpointStore.hpp"

#include "PgCheckpointSql.hpp"
#include "adapters/ImportCommon.hpp"

#include "mnemo/core/JsonText.hpp"

namespace mnemo::agentmem {

using pgsql::Params;

Result<std::unique_ptr<AgentStore>> PgCheckpointStore::make(std::unique_ptr<pg::Connection> db) {
    auto columns = db->query(pgsql::kMissingColumns);
    if (!columns.ok()) return columns.status();
    if (columns->count() > 0) {
        return Status(StatusCode::InvalidArgument, db->label() + ": the checkpoints table has no '" +
                                                       columns->text(0, 0) + "' column (an unknown schema version)");
    }
    auto newest = db->query(pgsql::kHasNewestIndex);
    if (!newest.ok()) return newest.status();
    std::unique_ptr<PgCheckpointStore> store(new PgCheckpointStore());
    store->m_newestIndex = newest->text(0, 0) == "t";
    store->attach(std::move(db), pgsql::kWatermark);
    return std::unique_ptr<AgentStore>(std::move(store));
}

// Made on the caller's thread (often the UI's), connected on the worker's first query.
Result<std::unique_ptr<AgentStore>> PgCheckpointStore::openReader() const {
    std::unique_ptr<PgCheckpointStore> store(new PgCheckpointStore());
    shareWith(*store);
    store->m_newestIndex = m_newestIndex;
    return std::unique_ptr<AgentStore>(std::move(store));
}

const std::vector<std::string> &PgCheckpointStore::pageKey() const {
    static const std::vector<std::string> newest{"c.checkpoint_id", "c.thread_id", "c.checkpoint_ns"};
    static const std::vector<std::string> primary{"c.thread_id", "c.checkpoint_ns", "c.checkpoint_id"};
    return m_newestIndex ? newest : primary;
}

Result<std::vector<MemoryItem>> PgCheckpointStore::selectItems(const std::string &where, const std::string &order,
                                                               Params params, int limit, int64_t offset,
                                                               std::vector<std::string> *lastKey,
                                                               const pgsql::TextSearch *search) const {
    params.push_back(std::to_string(std::max(0, limit)));
    params.push_back(std::to_string(std::max<int64_t>(0, offset)));
    const std::string n = "$" + std::to_string(params.size() - 1), o = "$" + std::to_string(params.size());
    std::string page =
        "SELECT * FROM checkpoints c WHERE " + where + " ORDER BY " + order + " LIMIT " + n + " OFFSET " + o;
    if (search) { // the newest limit + offset matches of each condition, merged (pgsql::TextSearch)
        const std::string arm = "(SELECT * FROM checkpoints c WHERE " + where + " AND %s ORDER BY " + order +
                                " LIMIT " + n + "::int8 + " + o + "::int8)";
        std::string rows = arm, blobs = arm;
        rows.replace(rows.find("%s"), 2, search->row);
        blobs.replace(blobs.find("%s"), 2, search->blob);
        page = "SELECT * FROM (" + rows + " UNION " + blobs + ") c ORDER BY " + order + " LIMIT " + n + " OFFSET " + o;
    }
    std::string sql = pgsql::kItemPage;
    sql.replace(sql.find("%PAGE%"), 6, page);
    sql += " ORDER BY " + order;
    auto rows = m_db->query(sql, params);
    if (!rows.ok()) return rows.status();
    std::vector<MemoryItem> out;
    for (int r = 0; r < rows->count(); ++r) {
        auto item = pgsql::itemFromRow(rows.value(), r, m_db->label());
        if (!item.ok()) return item.status();
        item->rowid = rowidOf(item->id);
        out.push_back(std::move(item.value()));
    }
    if (lastKey && rows->count() > 0) {
        lastKey->clear();
        const int last = rows->count() - 1;
        for (const std::string &column : pageKey()) { // "c.thread_id" is the row's "thread_id"
            lastKey->push_back(rows->text(last, column.substr(2).c_str()));
        }
    }
    return out;
}

Result<int64_t> PgCheckpointStore::countItems(const ItemFilter &filter) const {
    pg::Where w = pgsql::whereFor(filter);
    if (w.impossible) return int64_t(0);
    if (!filter.text.empty()) {
        const pgsql::TextSearch search = pgsql::textSearch(filter.text, w);
        w.sql += " AND (" + search.row + " OR " + search.blob + ")";
    }
    auto rows = m_db->query("SELECT count(*) FROM checkpoints c WHERE " + w.sql, w.params);
    if (!rows.ok()) return rows.status();
    return rows->i64(0, 0);
}

Result<std::vector<MemoryItem>> PgCheckpointStore::items(const ItemFilter &filter, int64_t offset, int limit,
                                                         bool) const {
    pg::Where w = pgsql::whereFor(filter);
    if (w.impossible) return std::vector<MemoryItem>{};
    std::optional<pgsql::TextSearch> search;
    if (!filter.text.empty()) search = pgsql::textSearch(filter.text, w);
    // Descending on the page key: the index that leads with its first column serves it backwards.
    std::string order;
    for (const std::string &column : pageKey())
        order += (order.empty() ? "" : ", ") + column + " DESC";
    return keysetPage(w, pageKey(), offset, [&](const pg::Where &page, int64_t skip, std::vector<std::string> *last) {
        return selectItems(page.sql, order, page.params, limit, skip, last, search ? &*search : nullptr);
    });
}

Result<MemoryItem> PgCheckpointStore::item(const std::string &id, std::optional<int64_t> asOfUs) const {
    return firstAt(selectItems("c.checkpoint_id = $1", "c.thread_id", {id}, 1, 0), "checkpoint '" + id + "'", asOfUs);
}

Result<std::vector<MemoryItem>> PgCheckpointStore::itemsByRowid(const std::vector<int64_t> &rowids) const {
    const std::vector<std::string> ids = idsOf(rowids);
    if (ids.empty()) return std::vector<MemoryItem>{};
    return selectItems("c.checkpoint_id = ANY($1::text[])", "c.checkpoint_id DESC", {pgsql::textArray(ids)},
                       int(ids.size()), 0);
}

Result<std::vector<MemoryItem>> PgCheckpointStore::children(const std::string &parentId, int limit) const {
    if (parentId.empty()) return selectItems("c.parent_checkpoint_id IS NULL", "c.checkpoint_id", {}, limit, 0);
    return selectItems("c.parent_checkpoint_id = $1", "c.checkpoint_id", {parentId}, limit, 0);
}

Result<std::vector<std::pair<std::string, int64_t>>> PgCheckpointStore::groupCounts(const std::string &field,
                                                                                    const ItemFilter &filter) const {
    pg::Where w = pgsql::whereFor(filter);
    if (!filter.text.empty()) {
        const pgsql::TextSearch search = pgsql::textSearch(filter.text, w);
        w.sql += " AND (" + search.row + " OR " + search.blob + ")";
    }
    std::string column;
    if (field == "thread_id")
        column = "c.thread_id";
    else if (field == "tier")
        column = "COALESCE(NULLIF(c.checkpoint_ns, ''), 'checkpoint')";
    else if (field == "kind")
        column = "'checkpoint'";
    else if (field == "scope")
        column = "'shared'";
    if (column.empty()) return std::vector<std::pair<std::string, int64_t>>{}; // users, agents, apps: none here
    return countGroups(column, "checkpoints c", w);
}

} // namespace mnemo::agentmem
