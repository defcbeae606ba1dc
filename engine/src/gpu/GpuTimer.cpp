#include "mnemo/gpu/GpuTimer.hpp"

namespace mnemo::gpu {

GpuTimer::GpuTimer(VkDevice device, VkQueryPool pool, uint32_t maxSpans, double msPerTick, uint32_t validBits)
    : m_device(device), m_pool(pool), m_maxSpans(maxSpans), m_msPerTick(msPerTick),
      m_mask(validBits >= 64 ? ~uint64_t(0) : (uint64_t(1) << validBits) - 1) {}

Result<std::unique_ptr<GpuTimer>> GpuTimer::create(VulkanContext &vulkan, uint32_t maxSpans) {
    if (maxSpans == 0) return Status(StatusCode::InvalidArgument, "a GPU timer needs room for a span");
    uint32_t families = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(vulkan.physicalDevice(), &families, nullptr);
    std::vector<VkQueueFamilyProperties> properties(families);
    vkGetPhysicalDeviceQueueFamilyProperties(vulkan.physicalDevice(), &families, properties.data());
    const uint32_t family = vulkan.computeQueueFamily();
    const uint32_t validBits = family < families ? properties[family].timestampValidBits : 0;
    if (validBits == 0) {
        return Status(StatusCode::Unsupported, vulkan.deviceInfo().name + ": its compute queue writes no timestamps");
    }
    VkPhysicalDeviceProperties device;
    vkGetPhysicalDeviceProperties(vulkan.physicalDevice(), &device);
    VkQueryPoolCreateInfo info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
    info.queryType = VK_QUERY_TYPE_TIMESTAMP;
    info.queryCount = 2 * maxSpans;
    VkQueryPool pool = VK_NULL_HANDLE;
    if (Status s = vkCheck(vkCreateQueryPool(vulkan.device(), &info, nullptr, &pool), "vkCreateQueryPool"); !s.ok()) {
        return s;
    }
    const double msPerTick = double(device.limits.timestampPeriod) * 1e-6; // the period is in nanoseconds
    return std::unique_ptr<GpuTimer>(new GpuTimer(vulkan.device(), pool, maxSpans, msPerTick, validBits));
}

GpuTimer::~GpuTimer() { vkDestroyQueryPool(m_device, m_pool, nullptr); }

void GpuTimer::reset(VkCommandBuffer cmd) {
    vkCmdResetQueryPool(cmd, m_pool, 0, 2 * m_maxSpans);
    m_begun = 0;
}

std::optional<uint32_t> GpuTimer::begin(VkCommandBuffer cmd) {
    if (m_begun == m_maxSpans) return std::nullopt;
    const uint32_t span = m_begun++;
    // At the bottom of the pipe: written once the work recorded before it has finished, so a span starts where the
    // one before it ended instead of overlapping its tail on a GPU that runs ahead.
    vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, m_pool, 2 * span);
    return span;
}

void GpuTimer::end(VkCommandBuffer cmd, uint32_t span) {
    vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, m_pool, 2 * span + 1);
}

std::vector<double> GpuTimer::read() const {
    if (m_begun == 0) return {};
    std::vector<uint64_t> ticks(2 * size_t(m_begun));
    const VkResult r = vkGetQueryPoolResults(m_device, m_pool, 0, 2 * m_begun, ticks.size() * sizeof(uint64_t),
                                             ticks.data(), sizeof(uint64_t), VK_QUERY_RESULT_64_BIT);
    if (r != VK_SUCCESS) return {}; // not available (the submission failed): no figures rather than wrong ones
    std::vector<double> ms(m_begun);
    for (uint32_t i = 0; i < m_begun; ++i) {
        ms[i] = double((ticks[2 * i + 1] - ticks[2 * i]) & m_mask) * m_msPerTick;
    }
    return ms;
}

} // namespace mnemo::gpu
