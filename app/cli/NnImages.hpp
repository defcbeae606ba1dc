#pragma once
// Images in and out of a network for mnemo-cli's nn commands (nn run, bench nn), and a run on the runtime asked for.

#include "mnemo/nn/CpuReference.hpp"
#include "mnemo/render/Frame.hpp"

#include <map>
#include <string>

namespace mnemo::cli {

struct Ran {
    std::map<std::string, nn::Tensor> outputs;
    std::string runtime, fallback; // fallback: why the CPU reference ran instead of Vulkan
    double ms = 0;                 // the whole run: device, pipelines, weights, dispatches, read-back
    double gpuMs = 0;              // Vulkan: recording, submitting and waiting for the dispatches
};

// On Vulkan when asked and possible; otherwise the CPU reference, saying why.
Result<Ran> runModel(const nn::NcnnModel &model, const std::map<std::string, nn::Tensor> &inputs,
                     const std::string &runtime, const std::vector<std::string> &outputs = {});
// The whole frame as RGB in [0, 1], mirrored `pad` pixels outwards (nn::tensorFromRgba).
nn::Tensor tensorFromFrame(const Frame &f, int pad);
// The network's output without the border its padding added.
Frame frameFromTensor(const nn::Tensor &t, const Frame &input, int pad);

} // namespace mnemo::cli
