#include "PgLettaSql.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

namespace mnemo::agentmem::lettasql {
namespace {

// Microseconds since the epoch; 0 for a missing time, so a page's sort key is never NULL (keyset comparisons).
std::string us(const std::string &column) {
    return "coalesce((extract(epoch FROM " + column + ") * 1e6)::int8, 0)";
}

// A passage's agent: the owner of its archive (archives are shared through archives_agents).
const std::string kPassageAgent = "coalesce((SELECT aa.agent_id FROM archives_agents aa WHERE aa.archive_id ="
                                  " p.archive_id ORDER BY aa.is_owner DESC, aa.agent_id LIMIT 1), '')";
// A message's text: its text column, else the text parts of its content.
const std::string kMessageText =
    "coalesce(m.text, (SELECT string_agg(e->>'text', E'\\n') FROM json_array_elements(CASE WHEN json_typeof(m.content)"
    " = 'array' THEN m.content ELSE '[]'::json END) e), '')";
// The agents a block is attached to.
const std::string kAttached = "(SELECT ba.agent_id FROM blocks_agents ba WHERE ba.block_id = b.id)";

} // namespace

const char *const kMissingColumns =
    "SELECT t, c FROM (VALUES ('agents', 'id'), ('agents', 'name'), ('agents', 'message_ids'), ('block', 'id'),"
    " ('block', 'label'), ('block', 'value'), ('block', 'limit'), ('block', 'version'), ('block', 'is_deleted'),"
    " ('block', 'created_at'), ('block', 'updated_at'), ('archival_passages', 'id'), ('archival_passages', 'text'),"
    " ('archival_passages', 'embedding'), ('archival_passages', 'archive_id'), ('archival_passages', 'is_deleted'),"
    " ('messages', 'id'), ('messages', 'agent_id'), ('messages', 'role'), ('messages', 'text'),"
    " ('messages', 'content'), ('messages', 'sequence_id'), ('messages', 'conversation_id'),"
    " ('messages', 'created_at')) AS need(t, c) WHERE NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid ="
    " to_regclass(t) AND attname = c AND NOT attisdropped) LIMIT 1";

const char *const kWatermark =
    "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::text FROM pg_stat_user_tables WHERE relid IN"
    " (to_regclass('agents'), to_regclass('block'), to_regclass('block_history'), to_regclass('blocks_agents'),"
    " to_regclass('archival_passages'), to_regclass('messages'), to_regclass('identities'))";

std::string itemsRelation() {
    const std::string block =
        "SELECT b.id, 'block'::text AS kind, b.value AS text, 'core:' || b.label AS tier, CASE WHEN (SELECT count(*)"
        " FROM " +
        kAttached + " x) = 1 THEN " + kAttached + " ELSE '' END AS agent_id, CASE WHEN (SELECT count(*) FROM " +
        kAttached + " x) > 1 THEN 'shared' ELSE 'private' END AS scope, ''::text AS thread_id, " + us("b.created_at") +
        " AS created_us, " + us("b.updated_at") +
        " AS updated_us, b.is_deleted, json_build_object('label', b.label,"
        " 'limit', b.\"limit\", 'version', b.version, 'attached_to', (SELECT coalesce(json_agg(ba.agent_id ORDER BY"
        " ba.agent_id), '[]'::json) FROM blocks_agents ba WHERE ba.block_id = b.id))::text AS meta, NULL::text AS"
        " embedding FROM block b";
    const std::string passage =
        "SELECT p.id, 'passage', p.text, 'archival', " + kPassageAgent + ", 'private', '', " + us("p.created_at") +
        ", " + us("p.updated_at") +
        ", p.is_deleted, json_build_object('tags', p.tags, 'metadata', p.metadata_, 'archive_id',"
        " p.archive_id)::text, p.embedding::text FROM archival_passages p";
    const std::string message =
        "SELECT m.id, 'message', " + kMessageText +
        ", 'messages', m.agent_id, 'private', coalesce(nullif("
        "m.conversation_id, ''), m.agent_id), " +
        us("m.created_at") + ", " + us("m.created_at") +
        ", m.is_deleted,"
        " json_build_object('role', m.role, 'sequence_id', m.sequence_id, 'in_context_window', EXISTS (SELECT 1 FROM"
        " agents a, json_array_elements_text(CASE WHEN json_typeof(a.message_ids) = 'array' THEN a.message_ids ELSE"
        " '[]'::json END) x WHERE a.id = m.agent_id AND x = m.id))::text, NULL FROM messages m";
    return "(" + block + " UNION ALL " + passage + " UNION ALL " + message + ") i";
}

std::string eventsRelation(const Tables &t) {
    std::string e;
    if (t.history) {
        e += "SELECT h.block_id AS item_id, h.sequence_number AS n, CASE WHEN row_number() OVER (PARTITION BY"
             " h.block_id ORDER BY h.sequence_number) = 1 THEN 'add' ELSE 'update' END AS action, " +
             us("h.created_at") +
             " AS time_us, coalesce(h.actor_id, '') AS actor, coalesce(lag(h.value) OVER"
             " (PARTITION BY h.block_id ORDER BY h.sequence_number), '') AS old_text, h.value AS new_text,"
             " json_build_object('sequence_number', h.sequence_number, 'actor_type', h.actor_type, 'history_id',"
             " h.id)::text AS detail FROM block_history h UNION ALL ";
    }
    // The first branch names the columns (without block_history, this one is first).
    e += "SELECT b.id AS item_id, 0 AS n, 'add' AS action, " + us("b.created_at") +
         " AS time_us, '' AS actor, '' AS"
         " old_text, b.value AS new_text, '{}' AS detail FROM block b";
    if (t.history) e += " WHERE NOT EXISTS (SELECT 1 FROM block_history h WHERE h.block_id = b.id)";
    e += " UNION ALL SELECT b.id, 2147483647, 'delete', " + us("b.updated_at") +
         ", '', b.value, '', '{}' FROM block b"
         " WHERE b.is_deleted UNION ALL SELECT p.id, 0, 'add', " +
         us("p.created_at") + ", " + kPassageAgent +
         ", '', p.text, '{}' FROM archival_passages p UNION ALL SELECT p.id, 1, 'delete', " + us("p.updated_at") +
         ", " + kPassageAgent +
         ", p.text, '', '{}' FROM archival_passages p WHERE p.is_deleted UNION ALL SELECT m.id,"
         " 0, 'add', " +
         us("m.created_at") + ", CASE WHEN m.role = 'user' THEN '' ELSE m.agent_id END, '', " + kMessageText +
         ", json_build_object('role', m.role)::text FROM messages m";
    return "(SELECT row_number() OVER (ORDER BY e.time_us, e.item_id, e.n) AS seq, e.* FROM (" + e + ") e) numbered";
}

std::string relationsRelation(const Tables &t) {
    std::string r = "SELECT ba.block_id AS src, ba.agent_id AS dst, 'attached' AS kind, ba.block_label AS label, " +
                    us("b.created_at") + " AS created_us FROM blocks_agents ba JOIN block b ON b.id = ba.block_id";
    if (t.identities) {
        r += " UNION ALL SELECT ia.identity_id, ia.agent_id, 'uses', 'identity', 0 FROM identities_agents ia";
    }
    return "(" + r + ") r";
}

std::string textAsOf(const Tables &t, const std::string &param) {
    if (!t.history) return "i.text";
    return "CASE WHEN i.kind = 'block' THEN coalesce((SELECT h.value FROM block_history h WHERE h.block_id = i.id"
           " AND " +
           us("h.created_at") + " <= " + param +
           "::int8 ORDER BY h.sequence_number DESC LIMIT 1), i.text)"
           " ELSE i.text END";
}

pg::Where whereFor(const ItemFilter &f) {
    pg::Where w;
    w.impossible = !f.userId.empty() || !f.appId.empty(); // Letta's items belong to agents
    if (!f.agentId.empty()) w.add("i.agent_id = $?", f.agentId);
    if (!f.threadId.empty()) w.add("i.thread_id = $?", f.threadId);
    if (!f.tier.empty()) w.add("i.tier = $?", f.tier);
    if (!f.kind.empty()) w.add("i.kind = $?", f.kind);
    if (!f.text.empty()) w.add("i.text ILIKE $?", pg::likePattern(f.text));
    if (f.asOfUs) {
        w.add("i.created_us <= $?::int8 AND (NOT i.is_deleted OR i.updated_us > $?::int8)", std::to_string(*f.asOfUs));
    } else if (!f.includeDeleted) {
        w.sql += " AND NOT i.is_deleted";
    }
    if (!f.visibleTo.empty()) { // own, shared, or attached to it (the read grants policies() lists)
        w.add("(i.agent_id = $? OR i.scope = 'shared' OR EXISTS (SELECT 1 FROM blocks_agents ba WHERE ba.block_id ="
              " i.id AND ba.agent_id = $?))",
              f.visibleTo);
    }
    return w;
}

std::vector<float> floatsFromText(const std::string &text) {
    std::vector<float> out;
    const char *p = text.data(), *end = text.data() + text.size();
    while (p < end) {
        while (p < end && (*p == '[' || *p == ']' || *p == '{' || *p == '}' || *p == ',' || *p == ' '))
            ++p;
        if (p >= end) break;
        float v = 0;
        auto [next, ec] = std::from_chars(p, end, v);
        if (ec != std::errc()) return {}; // not a vector's text: no embedding rather than a wrong one
        out.push_back(v);
        p = next;
    }
    return out;
}

MemoryItem itemFromRow(const pg::Rows &rows, int r, bool withEmbedding) {
    MemoryItem it;
    it.id = rows.text(r, "id");
    it.kind = rows.text(r, "kind");
    it.text = rows.text(r, "text");
    it.tier = rows.text(r, "tier");
    it.agentId = rows.text(r, "agent_id");
    it.scope = rows.text(r, "scope");
    it.threadId = rows.text(r, "thread_id");
    it.createdUs = rows.i64(r, "created_us");
    it.updatedUs = rows.i64(r, "updated_us");
    if (rows.text(r, "is_deleted") == "t") it.deletedUs = it.updatedUs;
    const nlohmann::json meta = nlohmann::json::parse(rows.text(r, "meta"), nullptr, false); // compact, as elsewhere
    it.metadataJson = meta.is_discarded() ? "{}" : meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (withEmbedding) it.embedding = floatsFromText(rows.text(r, "embedding"));
    return it;
}

MemoryEvent eventFromRow(const pg::Rows &rows, int r) {
    MemoryEvent e;
    e.seq = rows.i64(r, "seq");
    e.itemId = rows.text(r, "item_id");
    e.action = rows.text(r, "action");
    e.timeUs = rows.i64(r, "time_us");
    e.actorId = rows.text(r, "actor");
    e.oldText = rows.text(r, "old_text");
    e.newText = rows.text(r, "new_text");
    e.detailJson = rows.text(r, "detail");
    return e;
}

} // namespace mnemo::agentmem::lettasql
