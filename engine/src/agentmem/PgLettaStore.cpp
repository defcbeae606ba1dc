// Letta in PostgreSQL read in place: opening, and the item queries the views page through. Events, relations,
// principals, the summary and embeddings are in PgLettaRecords.cpp.
#include "PgLettaStore.hpp"

#include "PgCheckpointSql.hpp"

namespace mnemo::agentmem {

Result<std::unique_ptr<AgentStore>> PgLettaStore::make(std::unique_ptr<pg::Connection> db, lettasql::Tables tables) {
    auto missing = db->query(lettasql::kMissingColumns);
    if (!missing.ok()) return missing.status();
    if (missing->count() > 0) {
        return Status(StatusCode::InvalidArgument, db->label() + ": the " + missing->text(0, 0) + " table has no '" +
                                                       missing->text(0, 1) +
                                                       "' column (an unknown Letta schema version)");
    }
    auto embedder = db->query("SELECT embedding_config->>'embedding_model' FROM archival_passages WHERE"
                              " embedding_config IS NOT NULL LIMIT 1");
    std::unique_ptr<PgLettaStore> store(new PgLettaStore());
    store->m_tables = tables;
    if (embedder.ok() && embedder->count() > 0) store->m_embedder = embedder->text(0, 0);
    store->attach(std::move(db), lettasql::kWatermark);
    return std::unique_ptr<AgentStore>(std::move(store));
}

// Made on the caller's thread (often the UI's), connected on the worker's first query.
Result<std::unique_ptr<AgentStore>> PgLettaStore::openReader() const {
    std::unique_ptr<PgLettaStore> store(new PgLettaStore());
    shareWith(*store);
    store->m_tables = m_tables;
    store->m_embedder = m_embedder;
    return std::unique_ptr<AgentStore>(std::move(store));
}

Result<std::vector<MemoryItem>> PgLettaStore::select(pg::Where w, std::optional<int64_t> asOf, int limit,
                                                     int64_t offset, bool withEmbeddings,
                                                     std::vector<std::string> *lastKey) const {
    std::string text = "i.text";
    if (asOf && m_tables.history) { // a block's text of the time comes from its history; without one, it is the row's
        w.params.push_back(std::to_string(*asOf));
        text = lettasql::textAsOf(m_tables, "$" + std::to_string(w.params.size()));
    }
    w.params.push_back(std::to_string(std::max(0, limit)));
    w.params.push_back(std::to_string(std::max<int64_t>(0, offset)));
    const std::string n = std::to_string(w.params.size());
    auto rows = m_db->query("SELECT i.id, i.kind, " + text +
                                " AS text, i.tier, i.agent_id, i.scope, i.thread_id,"
                                " i.created_us, i.updated_us, i.is_deleted, i.meta, i.embedding FROM " +
                                lettasql::itemsRelation() + " WHERE " + w.sql +
                                " ORDER BY i.created_us DESC, i.id DESC"
                                " LIMIT $" +
                                std::to_string(w.params.size() - 1) + " OFFSET $" + n,
                            w.params);
    if (!rows.ok()) return rows.status();
    std::vector<MemoryItem> out;
    for (int r = 0; r < rows->count(); ++r) {
        out.push_back(lettasql::itemFromRow(rows.value(), r, withEmbeddings));
        out.back().rowid = rowidOf(out.back().id);
    }
    if (lastKey && !out.empty()) *lastKey = {std::to_string(out.back().createdUs), out.back().id};
    return out;
}

Result<int64_t> PgLettaStore::countItems(const ItemFilter &filter) const {
    const pg::Where w = lettasql::whereFor(filter);
    if (w.impossible) return int64_t(0);
    auto rows = m_db->query("SELECT count(*) FROM " + lettasql::itemsRelation() + " WHERE " + w.sql, w.params);
    if (!rows.ok()) return rows.status();
    return rows->i64(0, 0);
}

// Newest first; each page after the previous page's last (created, id), as for the checkpointer (PgKeyset.hpp).
Result<std::vector<MemoryItem>> PgLettaStore::items(const ItemFilter &filter, int64_t offset, int limit,
                                                    bool withEmbeddings) const {
    const pg::Where w = lettasql::whereFor(filter);
    if (w.impossible) return std::vector<MemoryItem>{};
    return keysetPage(w, {"i.created_us", "i.id"}, offset,
                      [&](const pg::Where &page, int64_t skip, std::vector<std::string> *last) {
                          return select(page, filter.asOfUs, limit, skip, withEmbeddings, last);
                      });
}

Result<MemoryItem> PgLettaStore::item(const std::string &id, std::optional<int64_t> asOfUs) const {
    pg::Where w;
    w.add("i.id = $?", id);
    return firstAt(select(w, asOfUs, 1, 0, true), "item '" + id + "'", asOfUs);
}

Result<std::vector<MemoryItem>> PgLettaStore::itemsByRowid(const std::vector<int64_t> &rowids) const {
    const std::vector<std::string> ids = idsOf(rowids);
    if (ids.empty()) return std::vector<MemoryItem>{};
    pg::Where w;
    w.add("i.id = ANY($?::text[])", pgsql::textArray(ids));
    return select(w, {}, int(ids.size()), 0, false);
}

// Letta keeps no parent links: the roots are the newest items, and nothing has children.
Result<std::vector<MemoryItem>> PgLettaStore::children(const std::string &parentId, int limit) const {
    if (!parentId.empty()) return std::vector<MemoryItem>{};
    return items({}, 0, limit);
}

Result<std::vector<std::pair<std::string, int64_t>>> PgLettaStore::groupCounts(const std::string &field,
                                                                               const ItemFilter &filter) const {
    static const std::map<std::string, std::string> columns = {{"agent_id", "i.agent_id"},
                                                               {"thread_id", "i.thread_id"},
                                                               {"tier", "i.tier"},
                                                               {"kind", "i.kind"},
                                                               {"scope", "i.scope"}};
    const pg::Where w = lettasql::whereFor(filter);
    auto column = columns.find(field);
    if (column == columns.end()) return std::vector<std::pair<std::string, int64_t>>{}; // users, apps: Letta has none
    return countGroups(column->second, lettasql::itemsRelation(), w);
}

} // namespace mnemo::agentmem
