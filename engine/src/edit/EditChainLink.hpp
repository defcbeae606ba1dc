#pragma once
// One link of an EditChain as the chain runs it (shared by EditChain.cpp and EditChainGpu.cpp).

#include "mnemo/edit/EditChain.hpp"

namespace mnemo::edit {

struct EditChain::Link {
    ChainLink spec;
    std::unique_ptr<modules::ModuleInstance> instance;
    uint32_t chunk = 1;
    std::vector<FramePtr> held; // frames waiting for a full chunk
    LinkStats stats;
};

} // namespace mnemo::edit
