// LangGraph's PostgresStore read in place: the summary, and each row's creation and last update as events (the store
// keeps only the latest value, so an update shows its time, not the old text).
#include "PgLangGraphStore.hpp"

#include "adapters/ImportCommon.hpp"

namespace mnemo::agentmem {

namespace {
using Params = std::vector<std::optional<std::string>>;
}

Result<StoreSummary> PgLangGraphStore::summary() const {
    const std::string sep = m_nsColumn == "prefix" ? "." : ":";
    auto rows = m_db->query("SELECT count(*), count(*) FILTER (WHERE updated_at > created_at), count(DISTINCT " + ns() +
                            "), count(DISTINCT NULLIF(split_part(" + ns() + ", '" + sep + "', 2), '')),"
                            " (extract(epoch FROM min(created_at)) * 1e6)::bigint,"
                            " (extract(epoch FROM max(updated_at)) * 1e6)::bigint FROM store s");
    if (!rows.ok()) return rows.status();
    StoreSummary s;
    s.kind = storeKindName(StoreKind::LangGraph);
    s.variant = "postgres-store";
    s.path = m_db->label();
    s.items = rows->i64(0, 0);
    const int64_t updates = rows->i64(0, 1);
    s.events = s.items + updates;
    s.users = rows->i64(0, 3);
    if (s.items > 0) {
        s.firstUs = rows->i64(0, 4);
        s.lastUs = rows->i64(0, 5);
    }
    s.itemKinds["memory"] = s.items;
    s.eventActions["add"] = s.items;
    if (updates > 0) s.eventActions["update"] = updates;
    addNotes(s);
    s.notes.push_back(std::to_string(rows->i64(0, 2)) + " namespaces; the store keeps only the latest value: updates "
                      "show their time, not the old text");
    return s;
}

Result<std::vector<MemoryEvent>> PgLangGraphStore::selectEvents(const std::string &where, Params params,
                                                                int64_t limit) const {
    params.push_back(std::to_string(std::max<int64_t>(0, limit)));
    const std::string id = ns() + " || '/' || s.key";
    auto rows = m_db->query(
        "SELECT * FROM (SELECT row_number() OVER (ORDER BY t, id, action) AS seq, e.* FROM ("
        " SELECT " + id + " AS id, 'add' AS action, (extract(epoch FROM s.created_at) * 1e6)::bigint AS t,"
        " s.value::text AS value FROM store s UNION ALL SELECT " + id + ", 'update',"
        " (extract(epoch FROM s.updated_at) * 1e6)::bigint, s.value::text FROM store s"
        " WHERE s.updated_at > s.created_at) e) numbered WHERE " + where + " ORDER BY seq LIMIT $" +
            std::to_string(params.size()),
        params);
    if (!rows.ok()) return rows.status();
    std::vector<MemoryEvent> out;
    for (int r = 0; r < rows->count(); ++r) {
        MemoryEvent e;
        e.seq = rows->i64(r, "seq");
        e.itemId = rows->text(r, "id");
        e.action = rows->text(r, "action");
        e.timeUs = rows->i64(r, "t");
        e.newText = compactJson(parseJson(rows->text(r, "value")), 2000);
        if (e.action == "update") e.detailJson = R"({"previous_value_unknown":true})";
        out.push_back(std::move(e));
    }
    return out;
}

Result<std::vector<MemoryEvent>> PgLangGraphStore::events(std::optional<int64_t> fromUs, std::optional<int64_t> toUs,
                                                          int64_t limit) const {
    std::string where = "TRUE";
    Params params;
    if (fromUs) {
        params.push_back(std::to_string(*fromUs));
        where += " AND t >= $" + std::to_string(params.size()) + "::bigint";
    }
    if (toUs) {
        params.push_back(std::to_string(*toUs));
        where += " AND t <= $" + std::to_string(params.size()) + "::bigint";
    }
    return selectEvents(where, params, limit);
}

Result<std::vector<MemoryEvent>> PgLangGraphStore::eventsAfter(int64_t seq, int64_t limit) const {
    return selectEvents("seq > $1", {std::to_string(seq)}, limit);
}

Result<std::vector<EventMark>> PgLangGraphStore::eventMarks(int64_t limit) const {
    // The newest `limit`, oldest first (AgentStore's contract).
    auto last = m_db->query("SELECT count(*) + count(*) FILTER (WHERE updated_at > created_at) FROM store");
    if (!last.ok()) return last.status();
    auto events = selectEvents("seq > $1", {std::to_string(std::max<int64_t>(0, last->i64(0, 0) - limit))}, limit);
    if (!events.ok()) return events.status();
    std::vector<EventMark> out;
    for (const MemoryEvent &e : events.value()) out.push_back({e.seq, e.timeUs, e.action, e.itemId});
    return out;
}

Result<std::vector<MemoryEvent>> PgLangGraphStore::history(const std::string &itemId) const {
    return selectEvents("id = $1", {itemId}, 100);
}

Result<StoreDiff> PgLangGraphStore::diff(int64_t fromUs, int64_t toUs, int limit) const {
    StoreDiff d;
    d.fromUs = fromUs;
    d.toUs = toUs;
    const std::string created = "(extract(epoch FROM s.created_at) * 1e6)::bigint";
    const std::string updated = "(extract(epoch FROM s.updated_at) * 1e6)::bigint";
    auto added = select(created + " > $1::bigint AND " + created + " <= $2::bigint",
                        {std::to_string(fromUs), std::to_string(toUs)}, "s.created_at", limit, 0);
    if (!added.ok()) return added.status();
    auto changed = select(created + " <= $1::bigint AND " + updated + " > $1::bigint AND " + updated + " <= $2::bigint",
                          {std::to_string(fromUs), std::to_string(toUs)}, "s.updated_at", limit, 0);
    if (!changed.ok()) return changed.status();
    d.added = std::move(added.value());
    d.changed = std::move(changed.value());
    return d;
}

int64_t PgLangGraphStore::lastEventSeq() const {
    auto rows = m_db->query("SELECT count(*) + count(*) FILTER (WHERE updated_at > created_at) FROM store");
    return rows.ok() ? rows->i64(0, 0) : 0;
}

} // namespace mnemo::agentmem
