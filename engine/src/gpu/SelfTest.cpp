#include "mnemo/gpu/SelfTest.hpp"

#include "mnemo/gpu/ComputePipeline.hpp"

#include <chrono>
#include <cstring>

namespace mnemo::gpu {
namespace {
const uint32_t kSelfTestSpv[] =
#include "compute/self_test.comp.inc"
    ;
constexpr uint32_t kGroupSize = 64; // local_size_x in the shader
} // namespace

uint32_t selfTestPattern(uint32_t i, uint32_t seed) {
    uint32_t x = (i * 2654435761u) ^ seed;
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    return x;
}

Result<SelfTestReport> runComputeSelfTest(VulkanContext &ctx, uint32_t valueCount, uint32_t seed) {
    if (valueCount == 0) {
        return Status(StatusCode::InvalidArgument, "self-test needs at least one value");
    }
    const auto start = std::chrono::steady_clock::now();
    auto pipeline = ComputePipeline::create(
        ctx, {"self_test", kSelfTestSpv, {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}, 2 * sizeof(uint32_t)});
    if (!pipeline.ok()) return pipeline.status();
    const VkDeviceSize bytes = VkDeviceSize(valueCount) * sizeof(uint32_t);
    auto buffer = GpuBuffer::create(ctx, bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, MemoryLocation::HostVisible);
    if (!buffer.ok()) return buffer.status();
    // Poison the buffer first so a dispatch that writes nothing cannot pass by luck.
    std::memset(buffer->mapped(), 0xCD, bytes);
    pipeline->bindBuffer(0, buffer.value());

    const uint32_t push[2] = {valueCount, seed};
    Status s = ctx.submitAndWait([&](VkCommandBuffer cmd) {
        pipeline->recordDispatch(cmd, push, (valueCount + kGroupSize - 1) / kGroupSize);
        VkMemoryBarrier host{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
        host.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
        host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
        vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &host, 0,
                             nullptr, 0, nullptr);
    });
    if (!s.ok()) return s.withContext("running the compute self-test");

    SelfTestReport report;
    report.valuesChecked = valueCount;
    const auto *values = static_cast<const uint32_t *>(buffer->mapped());
    for (uint32_t i = 0; i < valueCount; ++i) {
        if (values[i] != selfTestPattern(i, seed)) {
            if (report.mismatches == 0) report.firstMismatchIndex = i;
            ++report.mismatches;
        }
    }
    report.passed = report.mismatches == 0;
    report.elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return report;
}

} // namespace mnemo::gpu
