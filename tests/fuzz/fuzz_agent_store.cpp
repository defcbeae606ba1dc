// Any agent-memory store file (Mem0's SQLite files, Chroma's database, LangGraph, Letta, MCP memory JSONL, Mnemo's
// own): detected by content, imported, summarised and paged as the inspector does on opening it.
#include "FuzzCommon.hpp"

#include "mnemo/agentmem/AgentStore.hpp"

using namespace mnemo::agentmem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mnemo::fuzz::clearScratch();
    const std::string path = mnemo::fuzz::writeInput(data, size, "store");
    AgentStore::OpenOptions options;
    options.workDir = mnemo::fuzz::scratchDir();
    auto store = AgentStore::open(path, options);
    if (!store.ok()) return 0;
    (void)store.value()->summary();
    auto page = store.value()->items({}, 0, 20);
    if (page.ok()) {
        for (const MemoryItem &it : page.value()) {
            (void)store.value()->history(it.id);
            (void)store.value()->relations(10, it.id);
        }
    }
    (void)store.value()->events(std::nullopt, std::nullopt, 50);
    (void)store.value()->children("", 20);
    return 0;
}
