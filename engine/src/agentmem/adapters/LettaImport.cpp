// Letta (V1 server SQLite): agents, core-memory blocks with their full version history (block_history), blocks
// shared between agents (blocks_agents), archival passages with embeddings, messages and identities.
#include "ImportCommon.hpp"

#include <map>
#include <set>

namespace mnemo::agentmem {
namespace {

bool deleted(const sql::Row &r) { return r.i64("is_deleted", 0) != 0; }

std::string messageText(const sql::Row &r) {
    std::string text = r.str("text");
    if (!text.empty()) return text;
    nlohmann::json parts = parseJson(r.str("content"));
    std::string out;
    if (parts.is_array()) {
        for (const auto &p : parts) {
            std::string t = jsonString(p, {"text"});
            if (!t.empty()) out += (out.empty() ? "" : "\n") + t;
        }
    }
    return out;
}

using BlockAgents = std::map<std::string, std::vector<std::string>>;  // block id -> agents it is attached to
using BlockHistory = std::map<std::string, std::vector<MemoryEvent>>; // block id -> its versions, in order
using ContextWindows = std::map<std::string, std::set<std::string>>;  // agent -> message ids in its context window

// Agents become principals; each one's message_ids says which messages are in its context window.
Status readAgents(ImportContext &ctx, const sql::Db &db, ContextWindows &inContext) {
    sql::Stmt q(db, "SELECT * FROM agents");
    sql::Row r(q);
    while (q.step()) {
        if (Status s = ctx.out.putPrincipal({r.str("id"), "agent", r.str("name")}); !s.ok()) return s;
        nlohmann::json ids = parseJson(r.str("message_ids"));
        if (ids.is_array()) for (const auto &m : ids) if (m.is_string()) inContext[r.str("id")].insert(m.get<std::string>());
    }
    return q.status();
}

// Identities (users and organisations) as principals, linked to the agents they use.
Status readIdentities(ImportContext &ctx, const sql::Db &db) {
    if (!db.hasTable("identities")) return {};
    sql::Stmt q(db, "SELECT * FROM identities");
    sql::Row r(q);
    while (q.step()) {
        std::string kind = r.str("identity_type") == "org" ? "resource" : "user";
        if (Status s = ctx.out.putPrincipal({r.str("id"), kind, r.str("name")}); !s.ok()) return s;
    }
    if (db.hasTable("identities_agents")) {
        sql::Stmt a(db, "SELECT identity_id, agent_id FROM identities_agents");
        while (a.step()) {
            if (Status s = ctx.out.putRelation({a.text(0), a.text(1), "uses", "identity", 0, std::nullopt}); !s.ok()) return s;
        }
    }
    return {};
}

Status readBlockAgents(const sql::Db &db, BlockAgents &blockAgents) {
    if (!db.hasTable("blocks_agents")) return {};
    sql::Stmt q(db, "SELECT agent_id, block_id FROM blocks_agents");
    while (q.step()) blockAgents[q.text(1)].push_back(q.text(0));
    return q.status();
}

// block_history: every version of a block, with who wrote it.
Status readBlockHistory(const sql::Db &db, BlockHistory &blockHistory) {
    if (!db.hasTable("block_history")) return {};
    if (Status s = db.requireColumns("block_history", {"block_id", "sequence_number", "value"}); !s.ok()) return s;
    sql::Stmt q(db, "SELECT * FROM block_history ORDER BY block_id, sequence_number");
    sql::Row r(q);
    while (q.step()) {
        MemoryEvent e;
        e.itemId = r.str("block_id");
        e.newText = r.str("value");
        e.timeUs = textTimeUs(r.str("created_at"), 0);
        e.actorId = r.str("actor_id");
        e.detailJson = nlohmann::json{{"sequence_number", r.i64("sequence_number")}, {"actor_type", r.str("actor_type")},
                                      {"history_id", r.str("id")}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        blockHistory[e.itemId].push_back(std::move(e));
    }
    return q.status();
}

// One block: owned by its agent when it has one, shared when attached to several.
MemoryItem blockItem(const sql::Row &r, const std::vector<std::string> &agents) {
    MemoryItem it;
    it.id = r.str("id");
    it.kind = "block";
    it.text = r.str("value");
    it.tier = "core:" + r.str("label");
    if (agents.size() == 1) it.agentId = agents.front();
    it.scope = agents.size() > 1 ? "shared" : "private";
    it.createdUs = textTimeUs(r.str("created_at"), 0);
    it.updatedUs = textTimeUs(r.str("updated_at"), it.createdUs);
    if (deleted(r)) it.deletedUs = it.updatedUs;
    nlohmann::json meta = {{"label", r.str("label")}, {"limit", r.i64("limit")}, {"read_only", r.i64("read_only")},
                           {"version", r.i64("version")}, {"description", r.str("description")},
                           {"attached_to", agents}};
    it.metadataJson = mnemo::toJson(meta);
    return it;
}

// A block's events: its history as an add and updates (with their authors), or a single add without history.
Status writeBlockEvents(ImportContext &ctx, const MemoryItem &it, const std::vector<MemoryEvent> &hist) {
    std::string previous;
    if (hist.empty()) {
        if (Status s = ctx.out.putEvent({0, it.id, "add", it.createdUs, {}, {}, it.text, "{}"}); !s.ok()) return s;
    }
    for (size_t i = 0; i < hist.size(); ++i) {
        MemoryEvent e = hist[i];
        e.action = i == 0 ? "add" : "update";
        e.oldText = previous;
        previous = e.newText;
        if (Status s = ctx.out.putEvent(e); !s.ok()) return s;
        if (!e.actorId.empty()) {
            if (Status s = ctx.out.putProvenance({it.id, e.actorId, i == 0 ? "author" : "contributor", e.timeUs, "block_history"}); !s.ok()) return s;
        }
    }
    if (it.deletedUs) {
        if (Status s = ctx.out.putEvent({0, it.id, "delete", *it.deletedUs, {}, it.text, {}, "{}"}); !s.ok()) return s;
    }
    return {};
}

// Core-memory blocks: one item each, attached to its agents, with its version history.
Status readBlocks(ImportContext &ctx, const sql::Db &db, BlockAgents &blockAgents, BlockHistory &blockHistory) {
    sql::Stmt q(db, "SELECT * FROM block");
    sql::Row r(q);
    while (q.step()) {
        const auto &agents = blockAgents[r.str("id")];
        MemoryItem it = blockItem(r, agents);
        if (Status s = ctx.out.putItem(it); !s.ok()) return s;
        for (const std::string &a : agents) {
            if (Status s = ctx.out.putRelation({it.id, a, "attached", r.str("label"), it.createdUs, std::nullopt}); !s.ok()) return s;
            // An agent reads the blocks attached to it, shared or not.
            if (Status s = ctx.out.putPolicy({0, a, "item", it.id, "allow", it.createdUs, std::nullopt}); !s.ok()) return s;
        }
        if (Status s = writeBlockEvents(ctx, it, blockHistory[it.id]); !s.ok()) return s;
    }
    return q.status();
}

// One archival passage, its embedding kept when it has the first passage's dimension.
Result<MemoryItem> passageItem(const ImportContext &ctx, const sql::Row &r,
                               std::map<std::string, std::string> &archiveAgent, int &dim) {
    MemoryItem it;
    it.id = r.str("id");
    it.kind = "passage";
    it.text = r.str("text");
    it.tier = "archival";
    it.agentId = archiveAgent.count(r.str("archive_id")) ? archiveAgent[r.str("archive_id")] : r.str("agent_id");
    it.createdUs = textTimeUs(r.str("created_at"), 0);
    it.updatedUs = textTimeUs(r.str("updated_at"), it.createdUs);
    if (deleted(r)) it.deletedUs = it.updatedUs;
    size_t bytes = 0;
    const void *blob = r.blob("embedding", bytes);
    if (bytes > 0) {
        auto v = sql::floatsFromBlob(blob, bytes);
        if (!v) {
            return Status(StatusCode::InvalidArgument, "'" + ctx.originalRoot + "': archival_passages row '" + it.id +
                                                           "' has a " + std::to_string(bytes) + "-byte embedding, not float32 values");
        }
        if (dim == 0) dim = int(v->size());
        if (int(v->size()) == dim) it.embedding = std::move(*v);
    }
    nlohmann::json meta = {{"tags", parseJson(r.str("tags"))}, {"metadata", parseJson(r.str("metadata_"))},
                           {"archive_id", r.str("archive_id")}};
    it.metadataJson = mnemo::toJson(meta);
    return it;
}

Status writePassage(ImportContext &ctx, const MemoryItem &it) {
    if (Status s = ctx.out.putItem(it); !s.ok()) return s;
    if (Status s = ctx.out.putEvent({0, it.id, "add", it.createdUs, it.agentId, {}, it.text, "{}"}); !s.ok()) return s;
    if (it.deletedUs) {
        if (Status s = ctx.out.putEvent({0, it.id, "delete", *it.deletedUs, it.agentId, it.text, {}, "{}"}); !s.ok()) return s;
    }
    if (!it.agentId.empty()) {
        if (Status s = ctx.out.putProvenance({it.id, it.agentId, "author", it.createdUs, "archival insert"}); !s.ok()) return s;
    }
    return {};
}

// Archival passages: the agent's long-term memory, with embeddings (and the embedding model, when configured).
Status readArchivalPassages(ImportContext &ctx, const sql::Db &db) {
    std::map<std::string, std::string> archiveAgent;
    if (db.hasTable("archives_agents")) {
        sql::Stmt q(db, "SELECT archive_id, agent_id FROM archives_agents");
        while (q.step()) archiveAgent[q.text(0)] = q.text(1);
    }
    if (!db.hasTable("archival_passages")) return {};
    if (Status s = db.requireColumns("archival_passages", {"id", "text", "embedding"}); !s.ok()) return s;
    int dim = 0;
    sql::Stmt q(db, "SELECT * FROM archival_passages");
    sql::Row r(q);
    while (q.step()) {
        auto it = passageItem(ctx, r, archiveAgent, dim);
        if (!it.ok()) return it.status();
        if (Status s = writePassage(ctx, it.value()); !s.ok()) return s;
    }
    if (!q.ok()) return q.status();
    if (dim > 0) {
        nlohmann::json cfg;
        sql::Stmt c(db, "SELECT embedding_config FROM archival_passages WHERE embedding_config IS NOT NULL LIMIT 1");
        if (c.step()) cfg = parseJson(c.text(0));
        std::string model = jsonString(cfg, {"embedding_model"});
        ctx.catalogue.embedder = model;
    }
    return {};
}

// Messages, each marked with whether it is in its agent's context window.
Status readMessages(ImportContext &ctx, const sql::Db &db, ContextWindows &inContext) {
    if (!db.hasTable("messages")) return {};
    sql::Stmt q(db, "SELECT * FROM messages");
    sql::Row r(q);
    while (q.step()) {
        MemoryItem it;
        it.id = r.str("id");
        it.kind = "message";
        it.text = messageText(r);
        it.agentId = r.str("agent_id");
        it.threadId = r.has("conversation_id") && !r.str("conversation_id").empty() ? r.str("conversation_id") : it.agentId;
        it.tier = "messages";
        it.createdUs = it.updatedUs = textTimeUs(r.str("created_at"), 0);
        if (deleted(r)) it.deletedUs = it.updatedUs;
        bool context = inContext[it.agentId].count(it.id) > 0;
        it.metadataJson = nlohmann::json{{"role", r.str("role")}, {"in_context_window", context},
                                         {"sequence_id", r.i64("sequence_id")}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        if (Status s = ctx.out.putItem(it); !s.ok()) return s;
        if (Status s = ctx.out.putEvent({0, it.id, "add", it.createdUs, r.str("role") == "user" ? std::string() : it.agentId,
                                         {}, it.text, nlohmann::json{{"role", r.str("role")}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
            !s.ok()) {
            return s;
        }
    }
    return q.status();
}

} // namespace

Status importLetta(ImportContext &ctx) {
    if (ctx.files.empty()) return {StatusCode::NotFound, "no sqlite.db"};
    auto opened = openSnapshot(ctx.files.front(), originalLabel(ctx, ctx.files.front()));
    if (!opened.ok()) return opened.status();
    const sql::Db &db = opened.value();
    if (Status s = db.requireColumns("agents", {"id", "name"}); !s.ok()) return s;
    if (Status s = db.requireColumns("block", {"id", "label", "value"}); !s.ok()) return s;

    ContextWindows inContext;
    if (Status s = readAgents(ctx, db, inContext); !s.ok()) return s;
    if (Status s = readIdentities(ctx, db); !s.ok()) return s;
    BlockAgents blockAgents;
    if (Status s = readBlockAgents(db, blockAgents); !s.ok()) return s;
    BlockHistory blockHistory;
    if (Status s = readBlockHistory(db, blockHistory); !s.ok()) return s;
    if (Status s = readBlocks(ctx, db, blockAgents, blockHistory); !s.ok()) return s;
    if (Status s = readArchivalPassages(ctx, db); !s.ok()) return s;
    if (Status s = readMessages(ctx, db, inContext); !s.ok()) return s;
    ctx.catalogue.variant = "v1-sqlite";
    return {};
}

} // namespace mnemo::agentmem
