#include "mnemo/render/TestPatternRenderer.hpp"

#include <chrono>
#include <cstring>

namespace mnemo {
namespace {
const uint32_t kTestPatternSpv[] =
#include "compute/test_pattern.comp.inc"
    ;
constexpr uint32_t kTile = 8; // local_size_x/y in the shader

struct PatternPush {
    uint32_t width;
    uint32_t height;
    float timeSeconds;
    uint32_t frameIndex;
};
} // namespace

Result<std::unique_ptr<TestPatternRenderer>> TestPatternRenderer::create(gpu::VulkanContext &ctx, uint32_t width,
                                                                         uint32_t height) {
    std::unique_ptr<TestPatternRenderer> r(new TestPatternRenderer(ctx));
    auto image = gpu::GpuImage::create(ctx, width, height);
    if (!image.ok()) return image.status().withContext("test pattern target");
    r->m_image = std::move(image.value());
    auto readback = gpu::GpuBuffer::create(ctx, r->m_image.sizeBytes(), VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                           gpu::MemoryLocation::HostVisible);
    if (!readback.ok()) return readback.status().withContext("test pattern readback buffer");
    r->m_readback = std::move(readback.value());
    auto pipeline = gpu::ComputePipeline::create(
        ctx, {"test_pattern", kTestPatternSpv, {VK_DESCRIPTOR_TYPE_STORAGE_IMAGE}, sizeof(PatternPush)});
    if (!pipeline.ok()) return pipeline.status();
    r->m_pipeline = std::move(pipeline.value());
    r->m_pipeline.bindStorageImage(0, r->m_image);
    return r;
}

Result<Frame> TestPatternRenderer::render(double timeSeconds, uint64_t frameIndex) {
    const auto start = std::chrono::steady_clock::now();
    const PatternPush push{width(), height(), float(timeSeconds), uint32_t(frameIndex)};
    Status s = m_ctx.submitAndWait([&](VkCommandBuffer cmd) {
        m_image.recordTransition(cmd, VK_IMAGE_LAYOUT_GENERAL);
        m_pipeline.recordDispatch(cmd, &push, (width() + kTile - 1) / kTile, (height() + kTile - 1) / kTile);
        m_image.recordCopyToBuffer(cmd, m_readback);
    });
    if (!s.ok()) return s.withContext("rendering test pattern frame " + std::to_string(frameIndex));

    Frame frame;
    frame.width = width();
    frame.height = height();
    frame.index = frameIndex;
    const auto *pixels = static_cast<const uint8_t *>(m_readback.mapped());
    frame.rgba.assign(pixels, pixels + m_image.sizeBytes());
    const auto end = std::chrono::steady_clock::now();
    frame.renderMs = std::chrono::duration<double, std::milli>(end - start).count();
    frame.producedUs = std::chrono::duration_cast<std::chrono::microseconds>(end.time_since_epoch()).count();
    return frame;
}

} // namespace mnemo
