#include "mnemo/gpu/GpuBuffer.hpp"

#include <utility>

namespace mnemo::gpu {

Result<uint32_t> findMemoryType(const DeviceRef &device, uint32_t typeBits, VkMemoryPropertyFlags required) {
    VkPhysicalDeviceMemoryProperties props;
    vkGetPhysicalDeviceMemoryProperties(device.physical, &props);
    for (uint32_t i = 0; i < props.memoryTypeCount; ++i) {
        if ((typeBits & (1u << i)) && (props.memoryTypes[i].propertyFlags & required) == required) return i;
    }
    return Status(StatusCode::Unsupported, "no memory type with flags " + std::to_string(required) + " on " + device.name);
}

Result<GpuBuffer> GpuBuffer::create(const DeviceRef &ctx, VkDeviceSize sizeBytes, VkBufferUsageFlags usage,
                                    MemoryLocation location) {
    if (sizeBytes == 0) {
        return Status(StatusCode::InvalidArgument, "cannot create a GPU buffer of 0 bytes");
    }
    GpuBuffer buf;
    buf.m_device = ctx.device;
    buf.m_size = sizeBytes;
    VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = sizeBytes;
    info.usage = usage;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    if (Status s = vkCheck(vkCreateBuffer(ctx.device, &info, nullptr, &buf.m_buffer), "vkCreateBuffer"); !s.ok()) {
        return s;
    }
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(ctx.device, buf.m_buffer, &req);
    const VkMemoryPropertyFlags mapped = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    const VkMemoryPropertyFlags flags = location == MemoryLocation::HostVisible     ? mapped
                                        : location == MemoryLocation::DeviceMapped ? mapped | VkMemoryPropertyFlags(VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT)
                                                                                    : VkMemoryPropertyFlags(VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    auto type = findMemoryType(ctx, req.memoryTypeBits, flags);
    if (!type.ok()) return type.status();
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = type.value();
    if (Status s = vkCheck(vkAllocateMemory(ctx.device, &alloc, nullptr, &buf.m_memory), "vkAllocateMemory");
        !s.ok()) {
        return s.withContext("allocating a " + std::to_string(sizeBytes) + "-byte buffer");
    }
    vkBindBufferMemory(ctx.device, buf.m_buffer, buf.m_memory, 0);
    if (location != MemoryLocation::Device) {
        if (Status s = vkCheck(vkMapMemory(ctx.device, buf.m_memory, 0, VK_WHOLE_SIZE, 0, &buf.m_mapped),
                               "vkMapMemory");
            !s.ok()) {
            return s;
        }
    }
    return buf;
}

GpuBuffer::~GpuBuffer() {
    if (!m_device) return;
    if (m_buffer) vkDestroyBuffer(m_device, m_buffer, nullptr);
    if (m_memory) vkFreeMemory(m_device, m_memory, nullptr); // unmaps implicitly
}

void GpuBuffer::swap(GpuBuffer &o) noexcept {
    std::swap(m_device, o.m_device);
    std::swap(m_buffer, o.m_buffer);
    std::swap(m_memory, o.m_memory);
    std::swap(m_size, o.m_size);
    std::swap(m_mapped, o.m_mapped);
}

} // namespace mnemo::gpu
