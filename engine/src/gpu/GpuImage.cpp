#include "mnemo/gpu/GpuImage.hpp"

#include <cstring>
#include <utility>

namespace mnemo::gpu {

Result<GpuImage> GpuImage::create(const DeviceRef &ctx, uint32_t width, uint32_t height, VkFormat format) {
    if (width == 0 || height == 0 || width > 16384 || height > 16384) {
        return Status(StatusCode::InvalidArgument,
                      "image size " + std::to_string(width) + "x" + std::to_string(height) + " is outside 1..16384");
    }
    GpuImage img;
    img.m_device = ctx.device;
    img.m_width = width;
    img.m_height = height;
    VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    info.imageType = VK_IMAGE_TYPE_2D;
    info.format = format;
    info.extent = {width, height, 1};
    info.mipLevels = 1;
    info.arrayLayers = 1;
    info.samples = VK_SAMPLE_COUNT_1_BIT;
    info.tiling = VK_IMAGE_TILING_OPTIMAL;
    info.usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
                 VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    if (Status s = vkCheck(vkCreateImage(ctx.device, &info, nullptr, &img.m_image), "vkCreateImage"); !s.ok()) {
        return s;
    }
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(ctx.device, img.m_image, &req);
    auto type = findMemoryType(ctx, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (!type.ok()) return type.status();
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = type.value();
    if (Status s = vkCheck(vkAllocateMemory(ctx.device, &alloc, nullptr, &img.m_memory), "vkAllocateMemory");
        !s.ok()) {
        return s;
    }
    vkBindImageMemory(ctx.device, img.m_image, img.m_memory, 0);
    VkImageViewCreateInfo view{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    view.image = img.m_image;
    view.viewType = VK_IMAGE_VIEW_TYPE_2D;
    view.format = format;
    view.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    if (Status s = vkCheck(vkCreateImageView(ctx.device, &view, nullptr, &img.m_view), "vkCreateImageView");
        !s.ok()) {
        return s;
    }
    return img;
}

GpuImage::~GpuImage() {
    if (!m_device) return;
    if (m_view) vkDestroyImageView(m_device, m_view, nullptr);
    if (m_image) vkDestroyImage(m_device, m_image, nullptr);
    if (m_memory) vkFreeMemory(m_device, m_memory, nullptr);
}

void GpuImage::swap(GpuImage &o) noexcept {
    std::swap(m_device, o.m_device);
    std::swap(m_image, o.m_image);
    std::swap(m_view, o.m_view);
    std::swap(m_memory, o.m_memory);
    std::swap(m_width, o.m_width);
    std::swap(m_height, o.m_height);
    std::swap(m_layout, o.m_layout);
}

void GpuImage::recordTransition(VkCommandBuffer cmd, VkImageLayout layout) {
    if (layout == m_layout) return;
    // Full barriers: frames are few and large, so precise stage masks would buy nothing measurable here.
    VkImageMemoryBarrier barrier{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT;
    barrier.oldLayout = m_layout;
    barrier.newLayout = layout;
    barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.image = m_image;
    barrier.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 0, nullptr, 0,
                         nullptr, 1, &barrier);
    m_layout = layout;
}

void GpuImage::recordCopyToBuffer(VkCommandBuffer cmd, const GpuBuffer &buffer) {
    recordTransition(cmd, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {m_width, m_height, 1};
    vkCmdCopyImageToBuffer(cmd, m_image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffer.handle(), 1, &region);
    // Make the transfer visible to the host read that follows the fence.
    VkMemoryBarrier host{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    host.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &host, 0, nullptr, 0,
                         nullptr);
}

void GpuImage::recordCopyFromBuffer(VkCommandBuffer cmd, const GpuBuffer &buffer) {
    recordTransition(cmd, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {m_width, m_height, 1};
    vkCmdCopyBufferToImage(cmd, buffer.handle(), m_image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
    recordTransition(cmd, VK_IMAGE_LAYOUT_GENERAL);
}

Status GpuImage::upload(VulkanContext &ctx, std::span<const uint8_t> rgba) {
    if (rgba.size() != sizeBytes()) {
        return {StatusCode::InvalidArgument, "upload of " + std::to_string(rgba.size()) + " bytes into a " +
                                                 std::to_string(m_width) + "x" + std::to_string(m_height) +
                                                 " RGBA image (" + std::to_string(sizeBytes()) + " bytes)"};
    }
    auto staging = GpuBuffer::create(ctx, sizeBytes(), VK_BUFFER_USAGE_TRANSFER_SRC_BIT, MemoryLocation::HostVisible);
    if (!staging.ok()) return staging.status();
    std::memcpy(staging->mapped(), rgba.data(), rgba.size());
    return ctx.submitAndWait([&](VkCommandBuffer cmd) { recordCopyFromBuffer(cmd, staging.value()); });
}

Result<std::vector<uint8_t>> GpuImage::readback(VulkanContext &ctx) {
    auto staging = GpuBuffer::create(ctx, sizeBytes(), VK_BUFFER_USAGE_TRANSFER_DST_BIT, MemoryLocation::HostVisible);
    if (!staging.ok()) return staging.status();
    if (Status s = ctx.submitAndWait([&](VkCommandBuffer cmd) { recordCopyToBuffer(cmd, staging.value()); }); !s.ok()) {
        return s;
    }
    const auto *p = static_cast<const uint8_t *>(staging->mapped());
    return std::vector<uint8_t>(p, p + sizeBytes());
}

} // namespace mnemo::gpu
