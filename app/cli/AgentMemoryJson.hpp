#pragma once
// The common agent-memory model as JSON, shared by `inspect` (summary, export) and `memstore`.

#include "mnemo/agentmem/AgentStore.hpp"
#include "mnemo/agentmem/TimeText.hpp"

#include <nlohmann/json.hpp>

namespace mnemo::cli {

// Times in and out: ISO-8601 (or epoch s/ms/us) in, ISO-8601 UTC with microseconds out.
inline std::string isoTime(int64_t us) { return agentmem::formatTimeUs(us); }
inline std::optional<int64_t> parseTimeArg(const std::string &text) { return agentmem::parseTimeUs(text); }

nlohmann::json itemJson(const agentmem::MemoryItem &item, bool withEmbedding);
nlohmann::json eventJson(const agentmem::MemoryEvent &event);
nlohmann::json summaryJson(const agentmem::StoreSummary &summary);

} // namespace mnemo::cli
