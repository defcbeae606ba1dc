#pragma once
// The common agent-memory model as JSON, shared by `inspect` (summary, export) and `memstore`.

#include "mnemo/agentmem/AgentStore.hpp"

#include <nlohmann/json.hpp>

namespace mnemo::cli {

std::string isoTime(int64_t us);
// ISO-8601 or epoch seconds/ms/us; nothing when unreadable.
std::optional<int64_t> parseTimeArg(const std::string &text);

nlohmann::json itemJson(const agentmem::MemoryItem &item, bool withEmbedding);
nlohmann::json eventJson(const agentmem::MemoryEvent &event);
nlohmann::json summaryJson(const agentmem::StoreSummary &summary);

} // namespace mnemo::cli
