// Mem0: the TypeScript layout (memory.db: memory_history; vector_store.db: vectors; vector_store_entities.db), the
// Python history.db (history), and OpenMemory's openmemory.db (users, apps, memories, access controls, state
// history and the access log of which memory was returned for which query). Formats: docs/agent-memory-store.md
// and the research note's section 1.1-1.3.
#include "ImportCommon.hpp"

#include <map>
#include <set>

namespace mnemo::agentmem {
namespace {

struct Mem0State {
    std::map<std::string, MemoryItem> items;          // by memory id
    std::map<std::string, bool> hasAdd;
    std::vector<MemoryEvent> events;
    std::map<std::string, std::vector<std::string>> links; // entity -> linked memory ids
};

std::string lower(std::string s) {
    for (char &c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// vectors(id, vector BLOB, payload JSON): the live memories (or, in the _entities file, the entities).
Status readVectors(ImportContext &ctx, const std::string &file, bool entities, Mem0State &st, int &dim) {
    auto db = openSnapshot(file, originalLabel(ctx, file));
    if (!db.ok()) return db.status();
    if (Status s = db->requireColumns("vectors", {"id", "vector", "payload"}); !s.ok()) return s;
    sql::Stmt q(db.value(), "SELECT id, vector, payload FROM vectors");
    while (q.step()) {
        MemoryItem it;
        it.id = q.text(0);
        auto vec = sql::floatsFromBlob(q.blob(1), q.blobBytes(1));
        if (!vec) {
            return Status(StatusCode::InvalidArgument, "'" + db->label() + "': vectors row '" + it.id + "' has a " +
                                                           std::to_string(q.blobBytes(1)) +
                                                           "-byte vector, not a whole number of float32 values");
        }
        if (dim == 0) dim = int(vec->size());
        if (int(vec->size()) == dim) it.embedding = std::move(*vec);
        nlohmann::json payload = parseJson(q.text(2));
        if (!payload.is_object()) {
            return Status(StatusCode::InvalidArgument, "'" + db->label() + "': vectors row '" + it.id +
                                                           "' has a payload that is not a JSON object");
        }
        it.text = jsonString(payload, {"data", "memory", "text"});
        it.userId = jsonString(payload, {"user_id", "userId"});
        it.agentId = jsonString(payload, {"agent_id", "agentId"});
        it.threadId = jsonString(payload, {"run_id", "runId"});
        it.createdUs = jsonTimeUs(payload, {"createdAt", "created_at"}, 0);
        it.updatedUs = jsonTimeUs(payload, {"updatedAt", "updated_at"}, it.createdUs);
        if (entities) {
            it.kind = "entity";
            it.tier = jsonString(payload, {"entityType", "entity_type"});
            it.scope = "shared";
            if (payload.contains("linkedMemoryIds") && payload["linkedMemoryIds"].is_array()) {
                for (const auto &m : payload["linkedMemoryIds"]) {
                    if (!m.is_string()) continue;
                    st.links[it.id].push_back(m.get<std::string>());
                    Relation r{it.id, m.get<std::string>(), "mentions", it.text, it.createdUs, std::nullopt};
                    if (Status s = ctx.out.putRelation(r); !s.ok()) return s;
                }
            }
        } else {
            it.tier = "memory";
        }
        nlohmann::json meta = payload;
        for (const char *k : {"data", "user_id", "agent_id", "run_id", "userId", "agentId", "runId", "linkedMemoryIds"}) {
            meta.erase(k);
        }
        it.metadataJson = mnemo::toJson(meta);
        st.items[it.id] = std::move(it);
    }
    return q.status();
}

// memory_history (TS) or history (Python): ADD/UPDATE/DELETE rows with the old and new text.
Status readHistory(ImportContext &ctx, const std::string &file, bool python, Mem0State &st) {
    auto db = openSnapshot(file, originalLabel(ctx, file));
    if (!db.ok()) return db.status();
    const char *table = python ? "history" : "memory_history";
    std::vector<std::string> need = python ? std::vector<std::string>{"memory_id", "old_memory", "new_memory", "event", "created_at"}
                                           : std::vector<std::string>{"memory_id", "previous_value", "new_value", "action", "created_at"};
    if (Status s = db->requireColumns(table, need); !s.ok()) return s;
    sql::Stmt q(db.value(), std::string("SELECT * FROM ") + table + " ORDER BY rowid");
    sql::Row row(q);
    int64_t lastTime = 0;
    while (q.step()) {
        MemoryEvent e;
        e.itemId = row.str("memory_id");
        e.action = lower(row.str(python ? "event" : "action"));
        if (e.action != "add" && e.action != "update" && e.action != "delete") {
            return Status(StatusCode::InvalidArgument, "'" + db->label() + "': " + table + " has an unknown action '" +
                                                           e.action + "' for memory '" + e.itemId + "'");
        }
        e.oldText = row.str(python ? "old_memory" : "previous_value");
        e.newText = row.str(python ? "new_memory" : "new_value");
        int64_t created = textTimeUs(row.str("created_at"), 0);
        int64_t updated = textTimeUs(row.str("updated_at"), 0);
        e.timeUs = std::max(created, updated);
        e.actorId = row.str("actor_id");
        nlohmann::json detail = nlohmann::json::object();
        if (e.timeUs == 0) {
            // Mem0 TS writes DELETE rows without times. Rows are appended in order, so the change happened after
            // the row before it: place it just after, and say the time is inferred.
            e.timeUs = lastTime + 1;
            detail["time"] = "inferred from row order (the store recorded none)";
        }
        lastTime = std::max(lastTime, e.timeUs);
        if (row.has("role") && !row.str("role").empty()) detail["role"] = row.str("role");
        e.detailJson = mnemo::toJson(detail);
        if (e.action == "add") st.hasAdd[e.itemId] = true;
        st.events.push_back(std::move(e));
    }
    if (!q.ok()) return q.status();
    // Python's session messages and TS's last-ten messages are context, shown as message items.
    if (db->hasTable("messages")) {
        sql::Stmt m(db.value(), "SELECT * FROM messages");
        sql::Row mr(m);
        while (m.step()) {
            MemoryItem it;
            it.id = "message:" + mr.str("id");
            it.kind = "message";
            it.text = mr.str("content");
            it.threadId = mr.str("session_scope");
            it.tier = "messages";
            it.createdUs = it.updatedUs = textTimeUs(mr.str("created_at"), 0);
            nlohmann::json meta = {{"role", mr.str("role")}, {"name", mr.str("name")}};
            it.metadataJson = mnemo::toJson(meta);
            if (Status s = ctx.out.putItem(it); !s.ok()) return s;
            if (Status s = ctx.out.putEvent({0, it.id, "add", it.createdUs, mr.str("role"), {}, it.text, "{}"}); !s.ok()) return s;
        }
        if (!m.ok()) return m.status();
    }
    return {};
}

// OpenMemory's own ids for users and apps, mapped to the principal ids shown (user_id, "app:<name>").
struct OpenMemoryNames {
    std::map<std::string, std::string> users, apps;
};

// The principal id behind an OpenMemory id, or the id itself when the table did not name it.
std::string principalOf(const std::map<std::string, std::string> &names, const std::string &id) {
    auto it = names.find(id);
    return it == names.end() ? id : it->second;
}

Status requireOpenMemoryTables(const sql::Db &db) {
    for (auto &[table, cols] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"users", {"id", "user_id"}},
             {"apps", {"id", "owner_id", "name", "is_active"}},
             {"memories", {"id", "user_id", "app_id", "content", "state", "created_at"}}}) {
        if (Status s = db.requireColumns(table, cols); !s.ok()) return s;
    }
    return {};
}

Status readUsers(ImportContext &ctx, const sql::Db &db, OpenMemoryNames &names) {
    sql::Stmt q(db, "SELECT * FROM users");
    sql::Row r(q);
    while (q.step()) {
        names.users[r.str("id")] = r.str("user_id");
        if (Status s = notePrincipal(ctx, r.str("user_id"), "user", r.str("name")); !s.ok()) return s;
    }
    return q.status();
}

Status readApps(ImportContext &ctx, const sql::Db &db, OpenMemoryNames &names) {
    sql::Stmt q(db, "SELECT * FROM apps");
    sql::Row r(q);
    while (q.step()) {
        std::string id = "app:" + r.str("name");
        names.apps[r.str("id")] = id;
        if (Status s = notePrincipal(ctx, id, "app", r.str("name")); !s.ok()) return s;
        if (r.i64("is_active", 1) == 0) {
            // A paused app's memories are hidden from everyone (OpenMemory's permission check).
            Policy p{0, "*", "app", id, "deny", textTimeUs(r.str("updated_at"), 0), std::nullopt};
            if (Status s = ctx.out.putPolicy(p); !s.ok()) return s;
        }
    }
    return q.status();
}

// memory id -> the names of its categories.
std::map<std::string, std::vector<std::string>> readCategories(const sql::Db &db) {
    std::map<std::string, std::vector<std::string>> categories;
    if (db.hasTable("memory_categories") && db.hasTable("categories")) {
        sql::Stmt q(db, "SELECT mc.memory_id, c.name FROM memory_categories mc JOIN categories c ON c.id = mc.category_id");
        while (q.step()) categories[q.text(0)].push_back(q.text(1));
    }
    return categories;
}

// One memory; its state (active, paused, archived, deleted) is its tier.
MemoryItem memoryItem(const sql::Row &r, const OpenMemoryNames &names,
                      const std::map<std::string, std::vector<std::string>> &categories) {
    MemoryItem it;
    it.id = r.str("id");
    it.text = r.str("content");
    it.userId = principalOf(names.users, r.str("user_id"));
    it.appId = principalOf(names.apps, r.str("app_id"));
    std::string state = r.str("state");
    it.tier = state.empty() ? "active" : lower(state);
    it.createdUs = textTimeUs(r.str("created_at"), 0);
    it.updatedUs = textTimeUs(r.str("updated_at"), it.createdUs);
    if (it.tier == "deleted") it.deletedUs = textTimeUs(r.str("deleted_at"), it.updatedUs);
    nlohmann::json meta = parseJson(r.str("metadata"));
    if (!meta.is_object()) meta = nlohmann::json::object();
    meta["state"] = it.tier;
    if (!r.str("archived_at").empty()) meta["archived_at"] = r.str("archived_at");
    if (auto c = categories.find(it.id); c != categories.end()) meta["categories"] = c->second;
    it.metadataJson = mnemo::toJson(meta);
    return it;
}

// The memory, its add (and delete) event, and who wrote and who owns it.
Status writeMemory(ImportContext &ctx, const MemoryItem &it) {
    if (Status s = ctx.out.putItem(it); !s.ok()) return s;
    if (Status s = ctx.out.putEvent({0, it.id, "add", it.createdUs, it.appId, {}, it.text, "{}"}); !s.ok()) return s;
    if (it.deletedUs) {
        if (Status s = ctx.out.putEvent({0, it.id, "delete", *it.deletedUs, it.appId, it.text, {}, "{}"}); !s.ok()) return s;
    }
    if (Status s = ctx.out.putProvenance({it.id, it.appId, "author", it.createdUs, "app"}); !s.ok()) return s;
    if (Status s = ctx.out.putProvenance({it.id, it.userId, "owner", it.createdUs, "user"}); !s.ok()) return s;
    return {};
}

Status readMemories(ImportContext &ctx, const sql::Db &db, const OpenMemoryNames &names) {
    const auto categories = readCategories(db);
    sql::Stmt q(db, "SELECT * FROM memories");
    sql::Row r(q);
    while (q.step()) {
        if (Status s = writeMemory(ctx, memoryItem(r, names, categories)); !s.ok()) return s;
    }
    return q.status();
}

// State changes (paused, archived, deleted ...) as "state" events.
Status readStatusHistory(ImportContext &ctx, const sql::Db &db, const OpenMemoryNames &names) {
    if (!db.hasTable("memory_status_history")) return {};
    sql::Stmt q(db, "SELECT * FROM memory_status_history ORDER BY changed_at");
    sql::Row r(q);
    while (q.step()) {
        nlohmann::json d = {{"old_state", r.str("old_state")}, {"new_state", r.str("new_state")}};
        MemoryEvent e{0, r.str("memory_id"), "state", textTimeUs(r.str("changed_at"), 0),
                      principalOf(names.users, r.str("changed_by")), r.str("old_state"), r.str("new_state"),
                      mnemo::toJson(d)};
        if (Status s = ctx.out.putEvent(e); !s.ok()) return s;
    }
    return q.status();
}

// access_controls: allow and deny rules for a user or app over a memory, an app, or everything.
Status readAccessControls(ImportContext &ctx, const sql::Db &db, const OpenMemoryNames &names) {
    if (!db.hasTable("access_controls")) return {};
    sql::Stmt q(db, "SELECT * FROM access_controls");
    sql::Row r(q);
    while (q.step()) {
        std::string subject = r.str("subject_id");
        if (r.str("subject_type") == "app") subject = principalOf(names.apps, subject);
        if (r.str("subject_type") == "user") subject = principalOf(names.users, subject);
        std::string objectKind = r.str("object_type") == "memory" ? "item" : r.str("object_type");
        std::string object = r.str("object_id").empty() ? "*" : r.str("object_id");
        if (objectKind == "app") object = principalOf(names.apps, object);
        std::string effect = lower(r.str("effect"));
        if (effect != "allow" && effect != "deny") continue;
        Policy p{0, subject, objectKind, object, effect, textTimeUs(r.str("created_at"), 0), std::nullopt};
        if (Status s = ctx.out.putPolicy(p); !s.ok()) return s;
    }
    return q.status();
}

// The retrieval log: which memory an app was given for which query, as access records and "access" events.
Status readAccessLogs(ImportContext &ctx, const sql::Db &db, const OpenMemoryNames &names) {
    if (!db.hasTable("memory_access_logs")) return {};
    sql::Stmt q(db, "SELECT * FROM memory_access_logs ORDER BY accessed_at");
    sql::Row r(q);
    while (q.step()) {
        nlohmann::json meta = parseJson(r.str("metadata"));
        AccessRecord a;
        a.itemId = r.str("memory_id");
        a.principalId = principalOf(names.apps, r.str("app_id"));
        a.kind = r.str("access_type");
        a.query = jsonString(meta, {"query"});
        a.score = meta.is_object() && meta.contains("score") && meta["score"].is_number() ? meta["score"].get<double>() : 0.0;
        a.timeUs = textTimeUs(r.str("accessed_at"), 0);
        if (Status s = ctx.out.putAccess(a); !s.ok()) return s;
        if (Status s = ctx.out.putEvent({0, a.itemId, "access", a.timeUs, a.principalId, {}, {},
                                         nlohmann::json{{"query", a.query}, {"score", a.score}, {"kind", a.kind}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
            !s.ok()) {
            return s;
        }
    }
    return q.status();
}

// OpenMemory: users/apps/memories plus permissions, state history and the retrieval log.
Status readOpenMemory(ImportContext &ctx, const std::string &file) {
    auto db = openSnapshot(file, originalLabel(ctx, file));
    if (!db.ok()) return db.status();
    if (Status s = requireOpenMemoryTables(db.value()); !s.ok()) return s;
    OpenMemoryNames names;
    if (Status s = readUsers(ctx, db.value(), names); !s.ok()) return s;
    if (Status s = readApps(ctx, db.value(), names); !s.ok()) return s;
    if (Status s = readMemories(ctx, db.value(), names); !s.ok()) return s;
    if (Status s = readStatusHistory(ctx, db.value(), names); !s.ok()) return s;
    if (Status s = readAccessControls(ctx, db.value(), names); !s.ok()) return s;
    if (Status s = readAccessLogs(ctx, db.value(), names); !s.ok()) return s;
    ctx.catalogue.notes.push_back("OpenMemory keeps its vectors in the configured Mem0 vector store, not in openmemory.db");
    return {};
}

// Memories known only from history (deleted ones, or a history without its vector store) become items, and every
// item's creation, update and deletion times follow its history.
void foldHistoryIntoItems(Mem0State &st) {
    for (const MemoryEvent &e : st.events) {
        auto it = st.items.find(e.itemId);
        if (it == st.items.end()) {
            MemoryItem m;
            m.id = e.itemId;
            m.tier = "memory";
            m.createdUs = e.timeUs;
            m.updatedUs = e.timeUs;
            m.text = e.newText.empty() ? e.oldText : e.newText;
            it = st.items.emplace(e.itemId, std::move(m)).first;
        }
        MemoryItem &m = it->second;
        if (e.action == "delete") {
            m.deletedUs = e.timeUs;
            if (m.text.empty()) m.text = e.oldText;
        }
        if (m.createdUs == 0 || (e.action == "add" && e.timeUs < m.createdUs)) m.createdUs = e.timeUs;
        if (e.timeUs > m.updatedUs) m.updatedUs = e.timeUs;
    }
}

// The memories with their principals and author, and an add event where the history has none.
Status writeMemories(ImportContext &ctx, Mem0State &st) {
    for (auto &[id, m] : st.items) {
        if (Status s = ctx.out.putItem(m); !s.ok()) return s;
        if (!m.userId.empty()) if (Status s = notePrincipal(ctx, m.userId, "user"); !s.ok()) return s;
        if (!m.agentId.empty()) if (Status s = notePrincipal(ctx, m.agentId, "agent"); !s.ok()) return s;
        std::string author = !m.agentId.empty() ? m.agentId : m.userId;
        if (!author.empty()) {
            if (Status s = ctx.out.putProvenance({m.id, author, "author", m.createdUs, {}}); !s.ok()) return s;
        }
        if (!st.hasAdd[id] && m.kind == "memory") {
            // The history may have been trimmed or absent: the vector store's own creation time stands in.
            if (Status s = ctx.out.putEvent({0, id, "add", m.createdUs, author, {}, m.text, R"({"synthesised":true})"}); !s.ok()) return s;
        }
    }
    return {};
}

// The history's events; one without an actor is credited to its memory's agent or user.
Status writeHistoryEvents(ImportContext &ctx, Mem0State &st) {
    for (const MemoryEvent &e : st.events) {
        MemoryEvent copy = e;
        if (copy.actorId.empty()) {
            const MemoryItem &m = st.items[e.itemId];
            copy.actorId = !m.agentId.empty() ? m.agentId : m.userId;
        }
        if (Status s = ctx.out.putEvent(copy); !s.ok()) return s;
    }
    return {};
}

// The TS graph's entities (vector_store_entities.db), with the memories' vector space only.
Status readEntities(ImportContext &ctx, const std::string &file, const Mem0State &st, int dim) {
    Mem0State ent;
    int entDim = dim;
    if (Status s = readVectors(ctx, file, true, ent, entDim); !s.ok()) return s;
    for (auto &[id, m] : ent.items) {
        if (int(m.embedding.size()) != dim) m.embedding.clear();
        if (m.createdUs == 0) {
            // Entities carry no times; they are upserted when a linked memory is written, so the latest write
            // of a linked memory stands in.
            for (const std::string &memoryId : ent.links[id]) {
                auto linked = st.items.find(memoryId);
                if (linked != st.items.end()) m.createdUs = std::max(m.createdUs, linked->second.updatedUs);
            }
            m.updatedUs = m.createdUs;
        }
        if (Status s = ctx.out.putItem(m); !s.ok()) return s;
        if (Status s = ctx.out.putEvent({0, id, "add", m.createdUs, {}, {}, m.text, "{}"}); !s.ok()) return s;
    }
    return {};
}

} // namespace

Status importMem0(ImportContext &ctx) {
    Mem0State st;
    int dim = 0;
    std::vector<std::string> variants;
    // Each file's role comes from its tables (and, for the two vector files, their payloads), never its name:
    // users name these files freely (historyDbPath, vectorStore.config.dbPath).
    std::string vectors = snapshotFileWithRole(ctx, "mem0-vectors");
    std::string entities = snapshotFileWithRole(ctx, "mem0-entities");
    std::string tsHistory = snapshotFileWithRole(ctx, "mem0-ts-history");
    std::string pyHistory = snapshotFileWithRole(ctx, "mem0-python-history");
    std::string openMemory = snapshotFileWithRole(ctx, "openmemory");
    if (!vectors.empty()) {
        if (Status s = readVectors(ctx, vectors, false, st, dim); !s.ok()) return s;
        variants.push_back("ts");
    }
    if (!tsHistory.empty()) {
        if (Status s = readHistory(ctx, tsHistory, false, st); !s.ok()) return s;
        if (variants.empty()) variants.push_back("ts");
    }
    if (!pyHistory.empty()) {
        if (Status s = readHistory(ctx, pyHistory, true, st); !s.ok()) return s;
        variants.push_back("python");
        ctx.catalogue.notes.push_back("Mem0 Python keeps vectors in Qdrant local mode as Python pickles; only the "
                                      "history is shown");
    }
    foldHistoryIntoItems(st);
    if (Status s = writeMemories(ctx, st); !s.ok()) return s;
    if (Status s = writeHistoryEvents(ctx, st); !s.ok()) return s;
    if (!entities.empty()) {
        if (Status s = readEntities(ctx, entities, st, dim); !s.ok()) return s;
    }
    if (!openMemory.empty()) {
        if (Status s = readOpenMemory(ctx, openMemory); !s.ok()) return s;
        variants.push_back("openmemory");
    }
    std::string variant;
    for (const auto &v : variants) variant += (variant.empty() ? "" : "+") + v;
    ctx.catalogue.variant = variant;
    if (dim > 0) ctx.catalogue.notes.push_back("embedding model unknown (Mem0 does not record it in its files)");
    return {};
}

} // namespace mnemo::agentmem
