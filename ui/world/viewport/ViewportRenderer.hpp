#pragma once
// Draws one VulkanViewport frame: upload the newest engine frame (if any) into a sampled texture, blit it
// letterboxed, then draw the ImGui overlay on top. Lives on the UI thread, paced by the swapchain.

#include <vulkan/vulkan.h>

#include "FrameTimeHistory.hpp"

#include "mnemo/gpu/GpuImage.hpp"

#include <QVulkanWindow>

#include <array>
#include <memory>

struct ImGuiContext;

namespace mnemo {
struct Frame;
}

namespace mnemo::ui {

class VulkanViewport;
class ImGuiQtInput;

class ViewportRenderer : public QVulkanWindowRenderer {
public:
    explicit ViewportRenderer(VulkanViewport *window);
    ~ViewportRenderer() override;

    void initResources() override;
    void releaseResources() override;
    void startNextFrame() override;

private:
    bool createBlitPipeline();
    bool createBlitGraphicsPipeline();
    bool initImGui();
    bool ensureTexture(uint32_t width, uint32_t height);
    bool ensureStaging(gpu::GpuBuffer &buffer, VkDeviceSize size);
    void recordUpload(VkCommandBuffer cmd, const Frame &frame);
    void recordBlit(VkCommandBuffer cmd);
    void recordOverlay(VkCommandBuffer cmd);
    void fail(const QString &message);

    VulkanViewport *m_window;
    VkDevice m_device = VK_NULL_HANDLE;
    gpu::DeviceRef m_deviceRef;
    bool m_failed = false;

    VkSampler m_sampler = VK_NULL_HANDLE;
    VkDescriptorSetLayout m_setLayout = VK_NULL_HANDLE;
    VkPipelineLayout m_pipelineLayout = VK_NULL_HANDLE;
    VkPipeline m_pipeline = VK_NULL_HANDLE;
    VkDescriptorPool m_descriptorPool = VK_NULL_HANDLE;
    VkDescriptorSet m_set = VK_NULL_HANDLE;

    gpu::GpuImage m_texture;
    bool m_textureReady = false; // holds at least one uploaded frame
    // One staging buffer per frame in flight: the copy of frame N must not overwrite what frame N-1 still reads.
    std::array<gpu::GpuBuffer, QVulkanWindow::MAX_CONCURRENT_FRAME_COUNT> m_staging{};

    ImGuiContext *m_imgui = nullptr;
    VkDescriptorPool m_imguiPool = VK_NULL_HANDLE;
    std::unique_ptr<ImGuiQtInput> m_input;
    bool m_imguiBackendReady = false;

    FrameTimeHistory m_frameTimes;
    uint64_t m_lastFrameIndex = 0;
    uint32_t m_lastFrameWidth = 0;
    uint32_t m_lastFrameHeight = 0;
};

} // namespace mnemo::ui
