#pragma once
// The neural runtime's operators on Vulkan compute (first: convolution). Each has the CPU reference's semantics
// (CpuReference.hpp) and a test against it; this form takes host tensors, uploads, dispatches and reads back, for
// the tests and the first modules; the runtime's graph runner keeps tensors on the device (next).

#include "mnemo/gpu/VulkanContext.hpp"
#include "mnemo/nn/CpuReference.hpp"

namespace mnemo::nn::vulkan {

// Activation 0, 1 or 2 (leaky with activationParams[0]); other activations are refused.
Result<Tensor> convolution(gpu::VulkanContext &ctx, const Tensor &in, const std::vector<float> &weights,
                           const std::vector<float> &bias, const cpu::ConvParams &p);

} // namespace mnemo::nn::vulkan
