// The store's records besides items: events (in a time range, after a sequence number, per item, as timeline
// marks), relations, provenance, the access log and principals.
#include "AgentStoreInternal.hpp"
#include "Sqlite.hpp"

#include <limits>

namespace mnemo::agentmem {

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

} // namespace mnemo::agentmem
