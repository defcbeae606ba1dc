#pragma once
// A compute self-test: a shader writes a known pattern into a buffer, the host reads it back and checks every value.
// `mnemo-cli gpu` reports its result; a failure means this device cannot be trusted with engine work.

#include "mnemo/gpu/VulkanContext.hpp"

namespace mnemo::gpu {

struct SelfTestReport {
    bool passed = false;
    uint32_t valuesChecked = 0;
    uint32_t mismatches = 0;
    uint32_t firstMismatchIndex = 0; // meaningful only when mismatches > 0
    double elapsedMs = 0.0;          // dispatch + readback + check, wall clock
};

// The value the shader writes at index i (shaders/compute/self_test.comp implements the same function).
uint32_t selfTestPattern(uint32_t index, uint32_t seed);

// Thread: any (blocks until the GPU is done). An Err result means the test could not run at all.
Result<SelfTestReport> runComputeSelfTest(VulkanContext &ctx, uint32_t valueCount = 1u << 20, uint32_t seed = 0x5EED);

} // namespace mnemo::gpu
