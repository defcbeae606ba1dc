// Mnemo's own agent-memory store, read in place: every query the inspector makes, including full-text search, time
// travel, diff, access decisions and the IVF neighbour index.
#include "FuzzCommon.hpp"

#include "mnemo/agentmem/AgentStore.hpp"

using namespace mnemo::agentmem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mnemo::fuzz::clearScratch();
    const std::string path = mnemo::fuzz::writeInput(data, size, "store.mnemem");
    AgentStore::OpenOptions options;
    options.kind = StoreKind::Mnemo;
    options.workDir = mnemo::fuzz::scratchDir();
    auto store = AgentStore::open(path, options);
    if (!store.ok()) return 0;
    const AgentStore &s = *store.value();
    (void)s.summary();
    ItemFilter f;
    f.text = "memory";
    (void)s.countItems(f);
    (void)s.items(f, 0, 10);
    f = {};
    f.asOfUs = 1772355600000000;
    auto then = s.items(f, 0, 10);
    (void)s.diff(0, 1800000000000000);
    (void)s.principals();
    (void)s.policies();
    if (then.ok() && !then->empty()) {
        (void)s.explainAccess(then->front(), "alice", std::nullopt);
        (void)s.history(then->front().id);
        (void)s.accesses(then->front().id, 10);
    }
    auto set = s.embeddings(64);
    if (set.ok() && set->dim > 0 && set->dim <= 4096) {
        (void)s.warmNeighbourIndex();
        (void)s.nearest(std::vector<float>(size_t(set->dim), 0.5f), 5);
    }
    (void)s.groupCounts("user", {});
    return 0;
}
