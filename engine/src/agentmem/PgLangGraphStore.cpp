#include "PgLangGraphStore.hpp"

#include "PgCheckpointSql.hpp"
#include "adapters/ImportCommon.hpp"

#include "mnemo/core/JsonText.hpp"

namespace mnemo::agentmem {

using Params = std::vector<std::optional<std::string>>;

std::unique_ptr<AgentStore> PgLangGraphStore::make(std::unique_ptr<pg::Connection> db, std::string namespaceColumn) {
    std::unique_ptr<PgLangGraphStore> store(new PgLangGraphStore());
    store->m_nsColumn = namespaceColumn == "prefix" ? "prefix" : "namespace_path"; // never raw text in SQL
    store->attach(std::move(db), kStoreWatermark);
    return store;
}

// Made on the caller's thread (often the UI's), connected on the worker's first query.
Result<std::unique_ptr<AgentStore>> PgLangGraphStore::openReader() const {
    std::unique_ptr<PgLangGraphStore> store(new PgLangGraphStore());
    shareWith(*store);
    store->m_nsColumn = m_nsColumn;
    store->m_keys = m_keys;
    return std::unique_ptr<AgentStore>(std::move(store));
}

// The separator of namespace parts: JS joins them with ':', Python with '.'.
static std::string separatorOf(const std::string &column) {
    return column == "prefix" ? "." : ":";
}

pg::Where PgLangGraphStore::whereFor(const ItemFilter &f) const {
    pg::Where w;
    w.impossible =
        !f.agentId.empty() || !f.appId.empty() || !f.threadId.empty() || (!f.kind.empty() && f.kind != "memory");
    if (!f.userId.empty()) w.add("split_part(" + ns() + ", '" + separatorOf(m_nsColumn) + "', 2) = $?", f.userId);
    if (!f.tier.empty()) w.add(ns() + " = $?", f.tier);
    if (!f.text.empty()) w.add("s.value::text ILIKE $?", pg::likePattern(f.text));
    if (f.asOfUs) w.add("s.created_at <= to_timestamp($?::float8 / 1e6)", std::to_string(*f.asOfUs));
    return w;
}

Result<std::vector<MemoryItem>> PgLangGraphStore::select(const std::string &where, Params params,
                                                         const std::string &order, int limit, int64_t offset,
                                                         std::vector<std::string> *lastKey) const {
    params.push_back(std::to_string(std::max(0, limit)));
    params.push_back(std::to_string(std::max<int64_t>(0, offset)));
    auto rows = m_db->query("SELECT " + ns() +
                                " AS ns, s.key, s.value::text AS value,"
                                " (extract(epoch FROM s.created_at) * 1e6)::bigint AS created_us,"
                                " coalesce((extract(epoch FROM s.updated_at) * 1e6)::bigint, 0) AS updated_us,"
                                " s.expires_at::text AS"
                                " expires FROM store s WHERE " +
                                where + " ORDER BY " + order + " LIMIT $" + std::to_string(params.size() - 1) +
                                " OFFSET $" + std::to_string(params.size()),
                            params);
    if (!rows.ok()) return rows.status();
    std::vector<MemoryItem> out;
    const std::string sep = separatorOf(m_nsColumn);
    for (int r = 0; r < rows->count(); ++r) {
        MemoryItem it;
        const std::string space = rows->text(r, "ns");
        it.id = space + "/" + rows->text(r, "key");
        it.tier = space;
        it.parentId = "ns:" + space;
        it.scope = "shared";
        it.createdUs = rows->i64(r, "created_us");
        it.updatedUs = rows->i64(r, "updated_us");
        const nlohmann::json value = parseJson(rows->text(r, "value"));
        const std::string text = jsonString(value, {"content", "text", "memory", "data"});
        it.text = text.empty() ? compactJson(value) : text;
        const size_t cut = space.find(sep);
        if (cut != std::string::npos) it.userId = space.substr(cut + 1, space.find(sep, cut + 1) - cut - 1);
        nlohmann::json meta = {{"value", value}};
        if (!rows->isNull(r, rows->column("expires"))) meta["expires_at"] = rows->text(r, "expires");
        it.metadataJson = mnemo::toJson(meta);
        it.kind = "memory";
        it.rowid = rowidOf(it.id);
        {
            std::lock_guard lock(m_keys->mutex);
            m_keys->byId[it.id] = {space, rows->text(r, "key")};
        }
        out.push_back(std::move(it));
    }
    if (lastKey && rows->count() > 0) {
        const int last = rows->count() - 1;
        *lastKey = {rows->text(last, "updated_us"), rows->text(last, "ns"), rows->text(last, "key")};
    }
    return out;
}

Result<int64_t> PgLangGraphStore::countItems(const ItemFilter &filter) const {
    const pg::Where w = whereFor(filter);
    if (w.impossible) return int64_t(0);
    auto rows = m_db->query("SELECT count(*) FROM store s WHERE " + w.sql, w.params);
    if (!rows.ok()) return rows.status();
    return rows->i64(0, 0);
}

Result<std::vector<MemoryItem>> PgLangGraphStore::items(const ItemFilter &filter, int64_t offset, int limit,
                                                        bool) const {
    pg::Where w = whereFor(filter);
    if (w.impossible) return std::vector<MemoryItem>{};
    // Newest update first; each page after the previous page's last (updated, namespace, key) (PgKeyset.hpp).
    const std::vector<std::string> key = {"coalesce((extract(epoch FROM s.updated_at) * 1e6)::bigint, 0)", ns(),
                                          "s.key"};
    const std::string order = key[0] + " DESC, " + ns() + " DESC, s.key DESC";
    return keysetPage(w, key, offset, [&](const pg::Where &page, int64_t skip, std::vector<std::string> *last) {
        return select(page.sql, page.params, order, limit, skip, last);
    });
}

std::optional<std::pair<std::string, std::string>> PgLangGraphStore::keyOf(const std::string &id) const {
    std::lock_guard lock(m_keys->mutex);
    auto it = m_keys->byId.find(id);
    if (it == m_keys->byId.end()) return std::nullopt;
    return it->second;
}

Result<MemoryItem> PgLangGraphStore::item(const std::string &id, std::optional<int64_t> asOfUs) const {
    // An id seen before is looked up by its (namespace, key): the primary key, and no ambiguity.
    const auto key = keyOf(id);
    auto found = key ? select(ns() + " = $1 AND s.key = $2", {key->first, key->second}, ns(), 1, 0)
                     : select(ns() + " || '/' || s.key = $1", {id}, ns(), 1, 0);
    return firstAt(std::move(found), "store item '" + id + "'", asOfUs);
}

Result<std::vector<MemoryItem>> PgLangGraphStore::itemsByRowid(const std::vector<int64_t> &rowids) const {
    std::vector<std::string> spaces, keys;
    for (const std::string &id : idsOf(rowids)) {
        const auto key = keyOf(id);
        if (!key) continue; // a namespace node: not an item of the table
        spaces.push_back(key->first);
        keys.push_back(key->second);
    }
    if (keys.empty()) return std::vector<MemoryItem>{};
    return select("(" + ns() + ", s.key) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
                  {pgsql::textArray(spaces), pgsql::textArray(keys)}, ns(), int(keys.size()), 0);
}

// The namespace tree: "" lists the top-level namespaces; "ns:A" the namespaces one level under A and A's items.
Result<std::vector<MemoryItem>> PgLangGraphStore::children(const std::string &parentId, int limit) const {
    if (!parentId.empty() && parentId.rfind("ns:", 0) != 0) return std::vector<MemoryItem>{}; // items have none
    const std::string sep = separatorOf(m_nsColumn), prefix = parentId.empty() ? "" : parentId.substr(3);
    const std::string next =
        prefix.empty() ? "split_part(" + ns() + ", '" + sep + "', 1)"
                       : "$1 || '" + sep + "' || split_part(substr(" + ns() + ", length($1) + 2), '" + sep + "', 1)";
    const std::string under = prefix.empty() ? "TRUE" : "starts_with(" + ns() + ", $1 || '" + sep + "')";
    Params params;
    if (!prefix.empty()) params.push_back(prefix);
    params.push_back(std::to_string(std::max(0, limit)));
    auto rows = m_db->query("SELECT DISTINCT " + next + " FROM store s WHERE " + under + " ORDER BY 1 LIMIT $" +
                                std::to_string(params.size()),
                            params);
    if (!rows.ok()) return rows.status();
    std::vector<MemoryItem> out;
    for (int r = 0; r < rows->count(); ++r) {
        MemoryItem n;
        n.id = "ns:" + rows->text(r, 0);
        n.kind = "namespace";
        n.text = n.tier = rows->text(r, 0);
        n.scope = "shared";
        n.parentId = parentId;
        n.rowid = rowidOf(n.id);
        out.push_back(std::move(n));
    }
    if (prefix.empty()) return out;
    auto own = select(ns() + " = $1", {prefix}, "s.key", limit, 0);
    if (!own.ok()) return own.status();
    for (auto &it : own.value())
        out.push_back(std::move(it));
    return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> PgLangGraphStore::groupCounts(const std::string &field,
                                                                                   const ItemFilter &filter) const {
    const pg::Where w = whereFor(filter);
    std::string column;
    if (field == "tier")
        column = ns();
    else if (field == "user_id")
        column = "split_part(" + ns() + ", '" + separatorOf(m_nsColumn) + "', 2)";
    else if (field == "kind")
        column = "'memory'";
    else if (field == "scope")
        column = "'shared'";
    if (column.empty()) return std::vector<std::pair<std::string, int64_t>>{};
    return countGroups(column, "store s", w);
}

} // namespace mnemo::agentmem
