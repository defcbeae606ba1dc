#pragma once
// Times spans of recorded GPU work with timestamp queries: what a command buffer's parts cost on the device, where a
// fence only tells the whole. One owner (the thread recording and submitting), one command buffer at a time:
// reset() first in it, begin()/end() around each span, read() after the submission has completed.

#include "mnemo/core/Status.hpp"
#include "mnemo/gpu/VulkanContext.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace mnemo::gpu {

class GpuTimer {
public:
    // Unsupported where the compute queue cannot write timestamps (timestampValidBits 0).
    static Result<std::unique_ptr<GpuTimer>> create(VulkanContext &vulkan, uint32_t maxSpans);
    ~GpuTimer();
    GpuTimer(const GpuTimer &) = delete;
    GpuTimer &operator=(const GpuTimer &) = delete;

    void reset(VkCommandBuffer cmd);                    // records the reset of every query; no spans begun
    std::optional<uint32_t> begin(VkCommandBuffer cmd); // records a span's start; none once maxSpans are begun
    void end(VkCommandBuffer cmd, uint32_t span);        // records its end
    // Each span's milliseconds on the device, in the order begun. Call once the submission has completed.
    std::vector<double> read() const;

private:
    GpuTimer(VkDevice device, VkQueryPool pool, uint32_t maxSpans, double msPerTick, uint32_t validBits);
    VkDevice m_device;
    VkQueryPool m_pool;
    uint32_t m_maxSpans;
    double m_msPerTick;
    uint64_t m_mask; // the bits a timestamp holds
    uint32_t m_begun = 0;
};

} // namespace mnemo::gpu
