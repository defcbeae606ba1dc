#pragma once
// Draws one VulkanViewport frame: upload the newest engine frame (if any) into a sampled texture, blit it
// letterboxed, then draw the ImGui overlay on top. Lives on the UI thread, paced by the swapchain.

#include <vulkan/vulkan.h>

#include "FrameTimeHistory.hpp"

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
    struct HostBuffer {
        VkBuffer buffer = VK_NULL_HANDLE;
        VkDeviceMemory memory = VK_NULL_HANDLE;
        void *mapped = nullptr;
        VkDeviceSize size = 0;
    };

    bool createBlitPipeline();
    bool initImGui();
    bool ensureTexture(uint32_t width, uint32_t height);
    void destroyTexture();
    bool ensureStaging(HostBuffer &buffer, VkDeviceSize size);
    void destroyStaging(HostBuffer &buffer);
    void recordUpload(VkCommandBuffer cmd, const Frame &frame);
    void recordBlit(VkCommandBuffer cmd);
    void recordOverlay(VkCommandBuffer cmd);
    uint32_t memoryType(uint32_t bits, VkMemoryPropertyFlags flags) const;
    void fail(const QString &message);

    VulkanViewport *m_window;
    VkDevice m_device = VK_NULL_HANDLE;
    bool m_failed = false;

    VkSampler m_sampler = VK_NULL_HANDLE;
    VkDescriptorSetLayout m_setLayout = VK_NULL_HANDLE;
    VkPipelineLayout m_pipelineLayout = VK_NULL_HANDLE;
    VkPipeline m_pipeline = VK_NULL_HANDLE;
    VkDescriptorPool m_descriptorPool = VK_NULL_HANDLE;
    VkDescriptorSet m_set = VK_NULL_HANDLE;

    VkImage m_texture = VK_NULL_HANDLE;
    VkDeviceMemory m_textureMemory = VK_NULL_HANDLE;
    VkImageView m_textureView = VK_NULL_HANDLE;
    uint32_t m_textureWidth = 0;
    uint32_t m_textureHeight = 0;
    bool m_textureReady = false; // holds at least one uploaded frame
    // One staging buffer per frame in flight: the copy of frame N must not overwrite what frame N-1 still reads.
    std::array<HostBuffer, QVulkanWindow::MAX_CONCURRENT_FRAME_COUNT> m_staging{};

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
