#pragma once
// The Vulkan runtime's pieces: tensors in device buffers, and one layer's work as a step (its pipeline with its own
// descriptor set, the weight buffers it holds, its push constants and dispatch size), recorded by the graph runner
// (VulkanRun.cpp) into one command buffer. Each kernel has the CPU reference's semantics.

#include "mnemo/gpu/ComputePipeline.hpp"
#include "mnemo/nn/NcnnModel.hpp"

#include <memory>
#include <vector>

namespace mnemo::nn::vulkan::detail {

using BufferPtr = std::shared_ptr<gpu::GpuBuffer>;

struct DeviceTensor {
    BufferPtr buffer;
    int c = 0, h = 0, w = 0;
    size_t count() const { return size_t(c) * size_t(h) * size_t(w); }
};

struct Step {
    std::string kernel, layer; // the shader's name and the layer's (what a timed run reports)
    gpu::ComputePipeline pipeline;
    std::vector<BufferPtr> keep; // weights and the tensors it reads and writes, alive until the run ends
    std::vector<uint8_t> push;
    uint32_t groups[3] = {1, 1, 1};
    double macs = 0; // its multiply-adds (convolutions; 0 for the light layers): what a submission is cut by
};

// Host-visible storage (mapped; on lavapipe and integrated GPUs the device's own memory).
Result<BufferPtr> deviceBuffer(gpu::VulkanContext &ctx, size_t floats);
Result<BufferPtr> upload(gpu::VulkanContext &ctx, const std::vector<float> &values);

// Whether a PReLU can run inside the convolution before it (a 3x3 convolution without its own activation, whose
// output only the PReLU reads: the caller checks that): one pass over the output instead of two.
bool canFusePrelu(const Layer &conv, const Layer &prelu);

// Buffers the steps of one program share because they run one after another: the Winograd convolutions' transformed
// inputs and products (as large as the largest layer's; a larger layer makes new ones, the earlier steps keep theirs).
struct Scratch {
    BufferPtr transformed, products;
};

// Where a plain 3x3 convolution runs as Winograd F(2x2, 3x3) (three steps, 2.25 times fewer multiplies) rather than
// directly: from this many input and output channels on, where the product dominates the transforms (ncnn's rule).
constexpr int kWinogradMinChannels = 16;

// The steps of one layer (not Input or Split): one, or three for a Winograd convolution; `out` gets its output tensor,
// allocated here. With `fusedPrelu` (see canFusePrelu) the steps are the convolution followed by that PReLU.
// `halfWeights`: direct 3x3 convolutions whose weights fp16 holds exactly store them so (see WeightStorage).
Result<std::vector<Step>> buildSteps(gpu::VulkanContext &ctx, const Layer &layer, const std::vector<DeviceTensor> &in,
                                     DeviceTensor &out, const Layer *fusedPrelu, bool halfWeights, Scratch &scratch);

} // namespace mnemo::nn::vulkan::detail
