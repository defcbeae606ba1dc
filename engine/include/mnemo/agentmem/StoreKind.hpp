#pragma once
// Which agent-memory system wrote a store, recognised from the content of its files (tables, columns, first lines),
// never from their names.

#include "mnemo/core/Status.hpp"

#include <string>
#include <vector>

namespace mnemo::agentmem {

enum class StoreKind { Unknown, Mnemo, Mem0, Chroma, LangGraph, Letta, McpMemory };

const char *storeKindName(StoreKind kind);        // "mnemo", "mem0", "chroma", "langgraph", "letta", "mcp-memory"
StoreKind storeKindFromName(const std::string &name);

// What one file holds, from its content. Roles: "mnemo", "chroma", "langgraph-checkpointer", "langgraph-store",
// "letta", "mem0-vectors", "mem0-entities", "mem0-ts-history", "mem0-python-history", "openmemory", "mcp-memory";
// empty for a file we do not recognise (then `what` says what it is: "SQLite with tables a, b", "not SQLite", ...).
struct FileRole {
    StoreKind kind = StoreKind::Unknown;
    std::string role;
    std::string what;
};
FileRole classifyStoreFile(const std::string &path);

struct DetectedStore {
    StoreKind kind = StoreKind::Unknown;
    std::string root;                 // the store's directory or main file
    std::vector<std::string> files;   // every file that belongs to it (snapshotted together)
    std::vector<std::string> roles;   // roles[i] is files[i]'s role; empty for side files (WAL, HNSW segments)
    std::string variant;
};

// Looks at a directory or file and says which store it is, or why it is none we know (naming what was found).
Result<DetectedStore> detectStore(const std::string &path);

} // namespace mnemo::agentmem
