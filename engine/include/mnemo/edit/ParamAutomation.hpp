#pragma once
// Per-frame parameter values for one link of an edit chain: a camera path (CameraPath) is one. The chain asks for the
// values at the first frame of each chunk the link processes and sets, before the module runs, those that differ from
// the link's current values. Names not returned keep their value (from the chain's spec or a later setParam).
// Thread: at() is const and may be called from any thread; implementations are immutable once shared.

#include "mnemo/modules/ModuleInstance.hpp"

#include <cstdint>

namespace mnemo::edit {

class ParamAutomation {
public:
    virtual ~ParamAutomation() = default;
    virtual modules::ParamValues at(uint64_t frame) const = 0;
};

} // namespace mnemo::edit
