// LangGraph's PostgresSaver read in place: the summary, events (checkpoints and pending writes), parent relations,
// the threads as principals, and the live-tail watermark.
#include "PgCheckpointSql.hpp"
#include "PgCheckpointStore.hpp"

#include "adapters/ImportCommon.hpp"

namespace mnemo::agentmem {

using pgsql::Params;

Result<StoreSummary> PgCheckpointStore::summary() const {
    auto rows = m_db->query(
        "SELECT (SELECT count(*) FROM checkpoints), (SELECT count(*) FROM checkpoint_writes),"
        " (SELECT count(*) FROM checkpoints WHERE parent_checkpoint_id IS NOT NULL),"
        " (SELECT count(DISTINCT thread_id) FROM checkpoints),"
        " (SELECT min(checkpoint->>'ts') FROM checkpoints), (SELECT max(checkpoint->>'ts') FROM checkpoints)");
    if (!rows.ok()) return rows.status();
    StoreSummary s;
    s.kind = storeKindName(StoreKind::LangGraph);
    s.variant = "postgres-checkpointer";
    s.path = m_db->label();
    s.items = s.checkpoints = rows->i64(0, 0);
    const int64_t writes = rows->i64(0, 1);
    s.events = s.items + writes;
    s.relations = rows->i64(0, 2);
    s.threads = rows->i64(0, 3);
    if (auto first = parseTimeUs(rows->text(0, 4))) s.firstUs = *first;
    if (auto last = parseTimeUs(rows->text(0, 5))) s.lastUs = *last;
    s.itemKinds["checkpoint"] = s.items;
    s.eventActions["checkpoint"] = s.items;
    if (writes > 0) s.eventActions["write"] = writes;
    addNotes(s);
    s.notes.push_back(m_newestIndex ? "pages: newest first across threads (an index on checkpoint_id serves them)"
                                    : "pages: thread by thread, newest first in each (the saver's primary key; add "
                                      "README's index on checkpoint_id for newest first across threads)");
    return s;
}

Result<std::vector<MemoryEvent>> PgCheckpointStore::selectEvents(const std::string &where, Params params,
                                                                 int64_t limit) const {
    params.push_back(std::to_string(std::max<int64_t>(0, limit)));
    auto rows = m_db->query(std::string(pgsql::kEvents) + " WHERE " + where + " ORDER BY seq LIMIT $" +
                                std::to_string(params.size()),
                            params);
    if (!rows.ok()) return rows.status();
    std::vector<MemoryEvent> out;
    for (int r = 0; r < rows->count(); ++r) out.push_back(pgsql::eventFromRow(rows.value(), r, m_db->label()));
    return out;
}

Result<std::vector<MemoryEvent>> PgCheckpointStore::events(std::optional<int64_t> fromUs, std::optional<int64_t> toUs,
                                                           int64_t limit) const {
    std::string where = "TRUE";
    Params params;
    if (fromUs) {
        params.push_back(std::to_string(*fromUs));
        where += " AND ts::timestamptz >= to_timestamp($" + std::to_string(params.size()) + "::float8 / 1e6)";
    }
    if (toUs) {
        params.push_back(std::to_string(*toUs));
        where += " AND ts::timestamptz <= to_timestamp($" + std::to_string(params.size()) + "::float8 / 1e6)";
    }
    return selectEvents(where, params, limit);
}

Result<std::vector<MemoryEvent>> PgCheckpointStore::eventsAfter(int64_t seq, int64_t limit) const {
    return selectEvents("seq > $1", {std::to_string(seq)}, limit);
}

Result<std::vector<EventMark>> PgCheckpointStore::eventMarks(int64_t limit) const {
    // The newest `limit`, oldest first (AgentStore's contract: the timeline shows the recent past).
    auto rows = m_db->query("SELECT seq, ts, action, checkpoint_id FROM (" + std::string(pgsql::kEvents) +
                                ") marks ORDER BY seq DESC LIMIT $1",
                            {std::to_string(std::max<int64_t>(0, limit))});
    if (!rows.ok()) return rows.status();
    std::vector<EventMark> out;
    for (int r = rows->count() - 1; r >= 0; --r) {
        out.push_back({rows->i64(r, 0), textTimeUs(rows->text(r, 1), 0), rows->text(r, 2), rows->text(r, 3)});
    }
    return out;
}

Result<std::vector<MemoryEvent>> PgCheckpointStore::history(const std::string &itemId) const {
    return selectEvents("checkpoint_id = $1", {itemId}, 10000);
}

Result<std::vector<Relation>> PgCheckpointStore::relations(int64_t limit, const std::string &itemId) const {
    std::string sql = "SELECT parent_checkpoint_id, checkpoint_id, checkpoint->>'ts' FROM checkpoints"
                      " WHERE parent_checkpoint_id IS NOT NULL";
    Params params;
    if (!itemId.empty()) {
        params.push_back(itemId);
        sql += " AND $1 IN (checkpoint_id, parent_checkpoint_id)";
    }
    params.push_back(std::to_string(std::max<int64_t>(0, limit)));
    auto rows = m_db->query(sql + " ORDER BY checkpoint_id LIMIT $" + std::to_string(params.size()), params);
    if (!rows.ok()) return rows.status();
    std::vector<Relation> out;
    for (int r = 0; r < rows->count(); ++r) {
        out.push_back({rows->text(r, 0), rows->text(r, 1), "parent", "next", textTimeUs(rows->text(r, 2), 0),
                       std::nullopt});
    }
    return out;
}

Result<std::vector<Principal>> PgCheckpointStore::principals() const {
    auto rows = m_db->query("SELECT DISTINCT thread_id FROM checkpoints ORDER BY 1 LIMIT 1000");
    if (!rows.ok()) return rows.status();
    std::vector<Principal> out;
    for (int r = 0; r < rows->count(); ++r) out.push_back({rows->text(r, 0), "thread", rows->text(r, 0)});
    return out;
}

// Checkpoints are never changed or deleted by the saver: what differs between two times is what was added.
Result<StoreDiff> PgCheckpointStore::diff(int64_t fromUs, int64_t toUs, int limit) const {
    StoreDiff d;
    d.fromUs = fromUs;
    d.toUs = toUs;
    auto added = selectItems("(c.checkpoint->>'ts')::timestamptz > to_timestamp($1::float8 / 1e6) AND"
                             " (c.checkpoint->>'ts')::timestamptz <= to_timestamp($2::float8 / 1e6)",
                             "c.checkpoint_id", {std::to_string(fromUs), std::to_string(toUs)}, limit, 0);
    if (!added.ok()) return added.status();
    d.added = std::move(added.value());
    return d;
}

int64_t PgCheckpointStore::lastEventSeq() const {
    auto rows = m_db->query("SELECT (SELECT count(*) FROM checkpoints) + (SELECT count(*) FROM checkpoint_writes)");
    return rows.ok() ? rows->i64(0, 0) : 0;
}

} // namespace mnemo::agentmem
