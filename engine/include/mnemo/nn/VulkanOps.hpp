#pragma once
// The neural runtime on Vulkan compute. Each kernel has the CPU reference's semantics (CpuReference.hpp) and a test
// against it. run() keeps every tensor on the device from the input to the outputs: one command buffer, a dispatch
// per layer, a barrier between them. Storage is host-visible fp32 for now (the device's own memory on lavapipe and
// integrated GPUs; a discrete GPU wants device-local buffers and fp16 storage: next).

#include "mnemo/gpu/VulkanContext.hpp"
#include "mnemo/nn/CpuReference.hpp"

namespace mnemo::nn::vulkan {

struct RunStats {
    double prepareMs = 0; // pipelines, weights and buffers
    double gpuMs = 0;     // recording, submitting and waiting for the dispatches
    double readbackMs = 0;
};

Result<std::map<std::string, Tensor>> run(gpu::VulkanContext &ctx, const NcnnModel &model,
                                          const std::map<std::string, Tensor> &inputs,
                                          std::vector<std::string> outputs = {}, RunStats *stats = nullptr);

// One convolution (activation 0, 1 or 2), for tests and small uses: a one-layer run.
Result<Tensor> convolution(gpu::VulkanContext &ctx, const Tensor &in, const std::vector<float> &weights,
                           const std::vector<float> &bias, const cpu::ConvParams &p);

} // namespace mnemo::nn::vulkan
