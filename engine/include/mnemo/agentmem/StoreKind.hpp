#pragma once
// Which agent-memory system wrote a store, detected from its path.

#include "mnemo/core/Status.hpp"

#include <string>
#include <vector>

namespace mnemo::agentmem {

enum class StoreKind { Unknown, Mnemo, Mem0, Chroma, LangGraph, Letta, McpMemory };

const char *storeKindName(StoreKind kind);        // "mnemo", "mem0", "chroma", "langgraph", "letta", "mcp-memory"
StoreKind storeKindFromName(const std::string &name);

struct DetectedStore {
    StoreKind kind = StoreKind::Unknown;
    std::string root;                 // the store's directory or main file
    std::vector<std::string> files;   // every file that belongs to it (snapshotted together)
    std::string variant;
};

// Looks at a directory or file and says which store it is, or why it is none we know (naming what was found).
Result<DetectedStore> detectStore(const std::string &path);

} // namespace mnemo::agentmem
