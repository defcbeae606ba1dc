#pragma once
// A VkBuffer with its own memory. Host-visible buffers stay mapped for their whole life (staging, readback).
// Move-only; destroyed with the buffer. Lives no longer than its VulkanContext.

#include "mnemo/gpu/VulkanContext.hpp"

namespace mnemo::gpu {

// Device: the GPU's own memory. HostVisible: mapped, coherent (staging, tables). DeviceMapped: the GPU's own memory and
// mapped too, where a device has such memory (integrated GPUs and CPU devices share it with the host; on a discrete
// GPU it is the PCIe window, slow to read from the host, so callers ask for it on integrated and CPU devices only).
enum class MemoryLocation { Device, HostVisible, DeviceMapped };

// The device a resource lives on. Resources are created the same way on the engine's device (VulkanContext) and on a
// device someone else owns (the viewport's, which Qt's QVulkanWindow creates), so there is one implementation.
struct DeviceRef {
    VkPhysicalDevice physical = VK_NULL_HANDLE;
    VkDevice device = VK_NULL_HANDLE;
    std::string name; // for error messages
};
inline DeviceRef deviceRef(const VulkanContext &ctx) {
    return {ctx.physicalDevice(), ctx.device(), ctx.deviceInfo().name};
}

// The first memory type in `typeBits` with all of `required`, or why there is none.
Result<uint32_t> findMemoryType(const DeviceRef &device, uint32_t typeBits, VkMemoryPropertyFlags required);

class GpuBuffer {
public:
    static Result<GpuBuffer> create(const DeviceRef &device, VkDeviceSize sizeBytes, VkBufferUsageFlags usage,
                                    MemoryLocation location);
    static Result<GpuBuffer> create(VulkanContext &ctx, VkDeviceSize sizeBytes, VkBufferUsageFlags usage,
                                    MemoryLocation location) {
        return create(deviceRef(ctx), sizeBytes, usage, location);
    }
    GpuBuffer() = default;
    GpuBuffer(GpuBuffer &&other) noexcept { swap(other); }
    GpuBuffer &operator=(GpuBuffer &&other) noexcept { GpuBuffer tmp(std::move(other)); swap(tmp); return *this; }
    ~GpuBuffer();

    VkBuffer handle() const { return m_buffer; }
    VkDeviceSize size() const { return m_size; }
    // Non-null for HostVisible buffers; coherent memory, so no flush is needed.
    void *mapped() const { return m_mapped; }

private:
    void swap(GpuBuffer &other) noexcept;
    VkDevice m_device = VK_NULL_HANDLE;
    VkBuffer m_buffer = VK_NULL_HANDLE;
    VkDeviceMemory m_memory = VK_NULL_HANDLE;
    VkDeviceSize m_size = 0;
    void *m_mapped = nullptr;
};

} // namespace mnemo::gpu
