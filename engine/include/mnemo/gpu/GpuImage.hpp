#pragma once
// A 2D RGBA8 image usable as a compute storage image, sampled texture and copy source/destination.
// The image tracks its current layout so callers record transitions without bookkeeping of their own; the tracked
// layout is the one the *recorded* commands leave it in, so record and submit in order.

#include "mnemo/gpu/GpuBuffer.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace mnemo::gpu {

class GpuImage {
public:
    static Result<GpuImage> create(const DeviceRef &device, uint32_t width, uint32_t height,
                                   VkFormat format = VK_FORMAT_R8G8B8A8_UNORM);
    static Result<GpuImage> create(VulkanContext &ctx, uint32_t width, uint32_t height,
                                   VkFormat format = VK_FORMAT_R8G8B8A8_UNORM) {
        return create(deviceRef(ctx), width, height, format);
    }
    GpuImage() = default;
    GpuImage(GpuImage &&other) noexcept { swap(other); }
    GpuImage &operator=(GpuImage &&other) noexcept { GpuImage tmp(std::move(other)); swap(tmp); return *this; }
    ~GpuImage();

    VkImage handle() const { return m_image; }
    VkImageView view() const { return m_view; }
    uint32_t width() const { return m_width; }
    uint32_t height() const { return m_height; }
    VkDeviceSize sizeBytes() const { return VkDeviceSize(m_width) * m_height * 4; }
    VkImageLayout layout() const { return m_layout; }

    // Records a full-image barrier into `layout` (no-op if already there).
    void recordTransition(VkCommandBuffer cmd, VkImageLayout layout);
    // Records a copy of the whole image into `buffer` (tightly packed rows), leaving the image in TRANSFER_SRC.
    void recordCopyToBuffer(VkCommandBuffer cmd, const GpuBuffer &buffer);
    // Records a copy from `buffer` into the whole image, leaving it in GENERAL (ready for compute).
    void recordCopyFromBuffer(VkCommandBuffer cmd, const GpuBuffer &buffer);

    // Blocking helpers for tests, tools and one-off work: staging buffer, submit, wait.
    Status upload(VulkanContext &ctx, std::span<const uint8_t> rgba);
    Result<std::vector<uint8_t>> readback(VulkanContext &ctx);

private:
    void swap(GpuImage &other) noexcept;
    VkDevice m_device = VK_NULL_HANDLE;
    VkImage m_image = VK_NULL_HANDLE;
    VkImageView m_view = VK_NULL_HANDLE;
    VkDeviceMemory m_memory = VK_NULL_HANDLE;
    uint32_t m_width = 0;
    uint32_t m_height = 0;
    VkImageLayout m_layout = VK_IMAGE_LAYOUT_UNDEFINED;
};

} // namespace mnemo::gpu
