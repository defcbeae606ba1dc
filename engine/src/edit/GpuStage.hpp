#pragma once
// Where an EditChain keeps frames on the GPU: device buffers for frames (reused every frame: the chain waits for each
// frame's work; mapped by the host where device memory is host memory, so no staging), staging buffers for uploads and
// readbacks otherwise, host-visible buffers for the source's flow, and the work
// recorded for the current submission. Every frame moved between host memory and the device is counted, because
// that is what a chain of GPU modules saves: one upload at the source and one readback at the end.
// Thread: the chain's owner.

#include "mnemo/gpu/GpuBuffer.hpp"
#include "mnemo/gpu/GpuTimer.hpp"
#include "mnemo/modules/ModuleInstance.hpp"
#include "mnemo/render/Frame.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace mnemo::edit {

class GpuStage {
public:
    static Result<std::unique_ptr<GpuStage>> create(gpu::VulkanContext &vulkan, uint32_t width, uint32_t height);

    using Slot = modules::ModuleInstance::GpuFrame;
    using Op = std::function<Status(VkCommandBuffer)>;

    void beginFrame();                       // every buffer is free again
    Result<Slot> upload(const Frame &frame); // copied now into staging; the device copy is recorded
    Result<Slot> newSlot(uint64_t index);    // a frame buffer for a module's output
    Result<modules::ModuleInstance::GpuFlow> flow(const std::vector<float> &xy); // empty: none (first frame)
    void record(Op op);                      // after a barrier that makes earlier writes readable
    void recordTimed(Op op);                 // the same, its device time measured where the queue can (lastSpansMs)
    // Records a copy of `slot` to the host, submits everything recorded and waits; the frame has `like`'s metadata.
    Result<std::shared_ptr<Frame>> readback(const Slot &slot, const Frame &like);
    // Submits what is recorded (if anything) and waits.
    Status submit();

    uint64_t framesMoved() const { return m_framesMoved; } // uploads + readbacks since creation
    uint64_t flowUploads() const { return m_flowUploads; }
    double lastSubmitMs() const { return m_lastSubmitMs; }
    // The device time of each recordTimed op of the last submission, in order; empty where the queue cannot time.
    const std::vector<double> &lastSpansMs() const { return m_lastSpansMs; }

private:
    GpuStage(gpu::VulkanContext &vulkan, uint32_t width, uint32_t height);
    Result<gpu::GpuBuffer *> takeFrame();
    const gpu::GpuBuffer *frameBuffer(VkBuffer handle) const; // one of m_frames
    Result<gpu::GpuBuffer *> take(std::vector<gpu::GpuBuffer> &pool, size_t &used, VkDeviceSize size,
                                  VkBufferUsageFlags usage, gpu::MemoryLocation where);

    gpu::VulkanContext &m_vulkan;
    uint32_t m_width, m_height;
    VkDeviceSize m_frameBytes;
    std::vector<gpu::GpuBuffer> m_frames, m_staging, m_flows;
    size_t m_framesUsed = 0, m_stagingUsed = 0, m_flowsUsed = 0;
    bool m_mappedFrames = false; // frames in device memory the host maps (integrated and CPU devices)
    std::vector<Op> m_ops;
    uint64_t m_framesMoved = 0, m_flowUploads = 0;
    double m_lastSubmitMs = 0;
    std::unique_ptr<gpu::GpuTimer> m_timer; // null where the compute queue writes no timestamps
    std::vector<double> m_lastSpansMs;
};

} // namespace mnemo::edit
