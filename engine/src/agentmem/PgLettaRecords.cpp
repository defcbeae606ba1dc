// Letta in PostgreSQL read in place: events (block versions, adds, deletes), relations, provenance, principals and
// read grants, the summary, the diff between two times, and the passages' embeddings.
#include "PgLettaStore.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace mnemo::agentmem {

Result<std::vector<MemoryEvent>> PgLettaStore::selectEvents(pg::Where w, int64_t limit, bool newestFirst) const {
    w.params.push_back(std::to_string(std::max<int64_t>(0, limit)));
    auto rows =
        m_db->query("SELECT * FROM " + lettasql::eventsRelation(m_tables) + " WHERE " + w.sql + " ORDER BY seq" +
                        (newestFirst ? " DESC" : "") + " LIMIT $" + std::to_string(w.params.size()),
                    w.params);
    if (!rows.ok()) return rows.status();
    std::vector<MemoryEvent> out;
    for (int r = 0; r < rows->count(); ++r)
        out.push_back(lettasql::eventFromRow(rows.value(), r));
    if (newestFirst) std::reverse(out.begin(), out.end());
    return out;
}

Result<std::vector<MemoryEvent>> PgLettaStore::events(std::optional<int64_t> fromUs, std::optional<int64_t> toUs,
                                                      int64_t limit) const {
    pg::Where w;
    if (fromUs) w.add("time_us >= $?::int8", std::to_string(*fromUs));
    if (toUs) w.add("time_us <= $?::int8", std::to_string(*toUs));
    return selectEvents(w, limit);
}

Result<std::vector<MemoryEvent>> PgLettaStore::eventsAfter(int64_t seq, int64_t limit) const {
    pg::Where w;
    w.add("seq > $?::int8", std::to_string(seq));
    return selectEvents(w, limit);
}

// The newest marks, oldest first, as the timeline draws them.
Result<std::vector<EventMark>> PgLettaStore::eventMarks(int64_t limit) const {
    auto events = selectEvents({}, limit, true);
    if (!events.ok()) return events.status();
    std::vector<EventMark> out;
    for (const MemoryEvent &e : events.value())
        out.push_back({e.seq, e.timeUs, e.action, e.itemId});
    return out;
}

Result<std::vector<MemoryEvent>> PgLettaStore::history(const std::string &itemId) const {
    pg::Where w;
    w.add("item_id = $?", itemId);
    return selectEvents(w, 10000);
}

int64_t PgLettaStore::lastEventSeq() const {
    auto rows = m_db->query("SELECT count(*) FROM " + lettasql::eventsRelation(m_tables));
    return rows.ok() ? rows->i64(0, 0) : 0;
}

Result<std::vector<Relation>> PgLettaStore::relations(int64_t limit, const std::string &itemId) const {
    pg::Where w;
    if (!itemId.empty()) w.add("(r.src = $? OR r.dst = $?)", itemId);
    w.params.push_back(std::to_string(std::max<int64_t>(0, limit)));
    auto rows = m_db->query("SELECT * FROM " + lettasql::relationsRelation(m_tables) + " WHERE " + w.sql +
                                " ORDER BY r.created_us, r.src, r.dst LIMIT $" + std::to_string(w.params.size()),
                            w.params);
    if (!rows.ok()) return rows.status();
    std::vector<Relation> out;
    for (int r = 0; r < rows->count(); ++r) {
        out.push_back({rows->text(r, "src"), rows->text(r, "dst"), rows->text(r, "kind"), rows->text(r, "label"),
                       rows->i64(r, "created_us"), std::nullopt});
    }
    return out;
}

// A block's authors from its history (the first version's author, then contributors); a passage's agent.
Result<std::vector<Provenance>> PgLettaStore::provenance(const std::string &itemId) const {
    std::string sql = "SELECT p.id AS item, a.agent_id AS who, 'author' AS role, (extract(epoch FROM p.created_at) *"
                      " 1e6)::int8 AS us, 'archival insert' AS source FROM archival_passages p JOIN archives_agents a"
                      " ON a.archive_id = p.archive_id AND a.is_owner WHERE p.id = $1";
    if (m_tables.history) {
        sql += " UNION ALL SELECT h.block_id, h.actor_id, CASE WHEN h.sequence_number = (SELECT min(x.sequence_number)"
               " FROM block_history x WHERE x.block_id = h.block_id) THEN 'author' ELSE 'contributor' END,"
               " (extract(epoch FROM h.created_at) * 1e6)::int8, 'block_history' FROM block_history h WHERE"
               " h.block_id = $1 AND coalesce(h.actor_id, '') <> ''";
    }
    auto rows = m_db->query(sql + " ORDER BY us", {itemId});
    if (!rows.ok()) return rows.status();
    std::vector<Provenance> out;
    for (int r = 0; r < rows->count(); ++r) {
        out.push_back({rows->text(r, "item"), rows->text(r, "who"), rows->text(r, "role"), rows->i64(r, "us"),
                       rows->text(r, "source")});
    }
    return out;
}

Result<std::vector<Principal>> PgLettaStore::principals() const {
    std::string sql = "SELECT id, 'agent' AS kind, coalesce(name, id) AS name FROM agents WHERE NOT is_deleted";
    if (m_tables.identities) {
        sql += " UNION ALL SELECT id, CASE WHEN identity_type = 'org' THEN 'resource' ELSE 'user' END, name FROM"
               " identities WHERE NOT is_deleted";
    }
    auto rows = m_db->query(sql + " ORDER BY 2, 3");
    if (!rows.ok()) return rows.status();
    std::vector<Principal> out;
    for (int r = 0; r < rows->count(); ++r)
        out.push_back({rows->text(r, 0), rows->text(r, 1), rows->text(r, 2)});
    return out;
}

// An agent reads the blocks attached to it, shared or not: one grant per attachment.
Result<std::vector<Policy>> PgLettaStore::policies() const {
    auto rows = m_db->query("SELECT ba.agent_id, ba.block_id, (extract(epoch FROM b.created_at) * 1e6)::int8 FROM"
                            " blocks_agents ba JOIN block b ON b.id = ba.block_id ORDER BY ba.agent_id, ba.block_id");
    if (!rows.ok()) return rows.status();
    std::vector<Policy> out;
    for (int r = 0; r < rows->count(); ++r) {
        out.push_back({r + 1, rows->text(r, 0), "item", rows->text(r, 1), "allow", rows->i64(r, 2), std::nullopt});
    }
    return out;
}

Result<AccessDecision> PgLettaStore::explainAccess(const MemoryItem &item, const std::string &principal,
                                                   std::optional<int64_t> atUs) const {
    auto grants = policies();
    if (!grants.ok()) return grants.status();
    return AgentStore::explainAccess(item, principal, atUs, grants.value());
}

Result<StoreSummary> PgLettaStore::summary() const {
    auto rows = m_db->query("SELECT i.kind, count(*) FILTER (WHERE NOT i.is_deleted), count(*) FILTER (WHERE"
                            " i.is_deleted), min(i.created_us), max(i.updated_us), count(i.embedding) FILTER (WHERE NOT"
                            " i.is_deleted) FROM " +
                            lettasql::itemsRelation() + " GROUP BY 1");
    if (!rows.ok()) return rows.status();
    StoreSummary s;
    s.kind = storeKindName(StoreKind::Letta);
    s.variant = "postgres";
    s.path = m_db->label();
    for (int r = 0; r < rows->count(); ++r) {
        s.itemKinds[rows->text(r, 0)] = rows->i64(r, 1);
        s.items += rows->i64(r, 1);
        s.deletedItems += rows->i64(r, 2);
        s.embeddings += rows->i64(r, 5);
        if (!rows->isNull(r, 3)) s.firstUs = std::min(s.firstUs.value_or(INT64_MAX), rows->i64(r, 3));
        if (!rows->isNull(r, 4)) s.lastUs = std::max(s.lastUs.value_or(INT64_MIN), rows->i64(r, 4));
    }
    auto events = m_db->query("SELECT action, count(*) FROM " + lettasql::eventsRelation(m_tables) + " GROUP BY 1");
    auto relations = m_db->query("SELECT count(*) FROM " + lettasql::relationsRelation(m_tables));
    auto who = principals();
    if (!events.ok() || !relations.ok() || !who.ok()) {
        return !events.ok() ? events.status() : !relations.ok() ? relations.status() : who.status();
    }
    for (int r = 0; r < events->count(); ++r)
        s.events += s.eventActions[events->text(r, 0)] = events->i64(r, 1);
    s.relations = relations->i64(0, 0);
    s.policies = s.relations;
    for (const Principal &p : who.value())
        (p.kind == "agent" ? s.agents : s.users) += 1;
    if (s.embeddings > 0) {
        auto one = embeddings(1);
        if (one.ok()) s.embeddingDim = one->dim;
    }
    s.embedder = m_embedder;
    addNotes(s);
    return s;
}

Result<StoreDiff> PgLettaStore::diff(int64_t fromUs, int64_t toUs, int limit) const {
    StoreDiff d{fromUs, toUs, {}, {}, {}};
    ItemFilter at;
    at.asOfUs = toUs;
    pg::Where added = lettasql::whereFor(at);
    added.add("i.created_us > $?::int8", std::to_string(fromUs));
    auto a = select(added, toUs, limit, 0, false);
    pg::Where removed;
    removed.add("i.is_deleted AND i.updated_us > $?::int8", std::to_string(fromUs));
    removed.add("i.updated_us <= $?::int8", std::to_string(toUs));
    auto r = select(removed, fromUs, limit, 0, false);
    if (!a.ok() || !r.ok()) return a.ok() ? r.status() : a.status();
    d.added = std::move(a.value());
    d.removed = std::move(r.value());
    if (!m_tables.history) return d;
    auto changed = m_db->query("SELECT DISTINCT h.block_id FROM block_history h JOIN block b ON b.id = h.block_id WHERE"
                               " (extract(epoch FROM h.created_at) * 1e6)::int8 BETWEEN $1::int8 + 1 AND $2::int8 AND"
                               " (extract(epoch FROM b.created_at) * 1e6)::int8 <= $1::int8 LIMIT $3",
                               {std::to_string(fromUs), std::to_string(toUs), std::to_string(limit)});
    if (!changed.ok()) return changed.status();
    for (int i = 0; i < changed->count(); ++i) {
        auto now = item(changed->text(i, 0), toUs), before = item(changed->text(i, 0), fromUs);
        if (!now.ok() || !before.ok()) continue; // deleted in between: listed as removed
        MemoryItem it = now.value();
        it.metadataJson = nlohmann::json{{"before", before->text}}.dump();
        d.changed.push_back(std::move(it));
    }
    return d;
}

// An even sample is the store's first maxPoints passages by id: a fixed set from call to call.
Result<EmbeddingSet> PgLettaStore::embeddings(int64_t maxPoints) const {
    auto rows = m_db->query("SELECT p.id, p.embedding::text, count(*) OVER () FROM archival_passages p WHERE NOT"
                            " p.is_deleted AND p.embedding IS NOT NULL ORDER BY p.id LIMIT $1",
                            {std::to_string(std::max<int64_t>(0, maxPoints))});
    if (!rows.ok()) return rows.status();
    EmbeddingSet set;
    for (int r = 0; r < rows->count(); ++r) {
        std::vector<float> v = lettasql::floatsFromText(rows->text(r, 1));
        if (v.empty() || (set.dim && int(v.size()) != set.dim)) continue; // another model's vectors: not comparable
        set.dim = int(v.size());
        double norm = 0;
        for (float x : v)
            norm += double(x) * x;
        const float scale = norm > 0 ? float(1.0 / std::sqrt(norm)) : 0.f;
        for (float x : v)
            set.data.push_back(x * scale);
        set.rowids.push_back(rowidOf(rows->text(r, 0)));
        set.total = rows->i64(r, 2);
    }
    return set;
}

Result<std::vector<Neighbour>> PgLettaStore::nearest(const std::vector<float> &query, int k,
                                                     const std::string &excludeId) const {
    auto set = embeddings(200000);
    if (!set.ok()) return set.status();
    if (set->dim == 0 || int(query.size()) != set->dim) return std::vector<Neighbour>{};
    double norm = 0;
    for (float x : query)
        norm += double(x) * x;
    const double scale = norm > 0 ? 1.0 / std::sqrt(norm) : 0;
    const std::vector<std::string> ids = idsOf(set->rowids);
    std::vector<Neighbour> all;
    for (size_t i = 0; i < set->rowids.size(); ++i) {
        if (ids[i] == excludeId) continue;
        double dot = 0;
        for (int j = 0; j < set->dim; ++j)
            dot += double(query[size_t(j)]) * set->data[i * size_t(set->dim) + size_t(j)];
        all.push_back({set->rowids[i], ids[i], float(dot * scale)});
    }
    const size_t n = std::min(all.size(), size_t(std::max(0, k)));
    std::partial_sort(all.begin(), all.begin() + long(n), all.end(),
                      [](const Neighbour &a, const Neighbour &b) { return a.score > b.score; });
    all.resize(n);
    return all;
}

} // namespace mnemo::agentmem
