#include "AgentMemoryJson.hpp"
#include "mnemo/core/Utf8.hpp"
#include "mnemo/core/JsonText.hpp"


namespace mnemo::cli {

nlohmann::json itemJson(const agentmem::MemoryItem &it, bool withEmbedding) {
    nlohmann::json j = {{"type", "item"},      {"id", it.id},          {"kind", it.kind},
                        {"text", it.text},     {"tier", it.tier},      {"scope", it.scope},
                        {"created", isoTime(it.createdUs)}, {"updated", isoTime(it.updatedUs)}};
    auto opt = [&](const char *key, const std::string &v) { j[key] = v.empty() ? nlohmann::json() : nlohmann::json(v); };
    opt("user_id", it.userId);
    opt("agent_id", it.agentId);
    opt("app_id", it.appId);
    opt("thread_id", it.threadId);
    opt("parent_id", it.parentId);
    j["deleted"] = it.deletedUs ? nlohmann::json(isoTime(*it.deletedUs)) : nlohmann::json();
    auto meta = mnemo::parseJsonText(mnemo::validUtf8(std::string_view(it.metadataJson)));
    j["metadata"] = meta.is_discarded() ? nlohmann::json(it.metadataJson) : meta;
    if (withEmbedding && !it.embedding.empty()) j["embedding"] = it.embedding;
    return j;
}

nlohmann::json eventJson(const agentmem::MemoryEvent &e) {
    nlohmann::json j = {{"seq", e.seq}, {"item_id", e.itemId}, {"action", e.action}, {"time", isoTime(e.timeUs)}};
    if (!e.actorId.empty()) j["actor"] = e.actorId;
    if (!e.oldText.empty()) j["old"] = e.oldText;
    if (!e.newText.empty()) j["new"] = e.newText;
    auto detail = mnemo::parseJsonText(mnemo::validUtf8(std::string_view(e.detailJson)));
    if (!detail.is_discarded() && !detail.empty()) j["detail"] = detail;
    return j;
}

nlohmann::json summaryJson(const agentmem::StoreSummary &s) {
    nlohmann::json j = {{"kind", s.kind},          {"variant", s.variant},
                        {"path", s.path},          {"items", s.items},
                        {"deleted_items", s.deletedItems}, {"events", s.events},
                        {"event_actions", s.eventActions}, {"item_kinds", s.itemKinds},
                        {"users", s.users},        {"agents", s.agents},
                        {"apps", s.apps},          {"relations", s.relations},
                        {"accesses", s.accesses},  {"policies", s.policies},
                        {"embedding_dim", s.embeddingDim}, {"embeddings", s.embeddings},
                        {"embedder", s.embedder.empty() ? nlohmann::json() : nlohmann::json(s.embedder)},
                        {"notes", s.notes}};
    if (s.threads > 0) j["threads"] = s.threads;
    if (s.checkpoints > 0) j["checkpoints"] = s.checkpoints;
    j["time_range"] = s.firstUs ? nlohmann::json{{"first", isoTime(*s.firstUs)}, {"last", isoTime(*s.lastUs)}}
                                : nlohmann::json();
    return j;
}

} // namespace mnemo::cli
