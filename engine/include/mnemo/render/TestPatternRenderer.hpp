#pragma once
// Renders the engine's animated test pattern (shaders/compute/test_pattern.comp) with Vulkan compute and reads it
// back into a Frame. Deterministic: the same (size, time, index) gives the same pixels.
// Thread: one owner; render() blocks until the frame is on the CPU.

#include "mnemo/gpu/ComputePipeline.hpp"
#include "mnemo/render/Frame.hpp"

#include <memory>

namespace mnemo {

class TestPatternRenderer {
public:
    static Result<std::unique_ptr<TestPatternRenderer>> create(gpu::VulkanContext &ctx, uint32_t width,
                                                               uint32_t height);
    Result<Frame> render(double timeSeconds, uint64_t frameIndex);

    uint32_t width() const { return m_image.width(); }
    uint32_t height() const { return m_image.height(); }

private:
    TestPatternRenderer(gpu::VulkanContext &ctx) : m_ctx(ctx) {}
    gpu::VulkanContext &m_ctx;
    gpu::GpuImage m_image;
    gpu::GpuBuffer m_readback;
    gpu::ComputePipeline m_pipeline;
};

} // namespace mnemo
