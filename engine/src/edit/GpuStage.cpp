#include "GpuStage.hpp"

#include <chrono>
#include <cstring>

namespace mnemo::edit {
namespace {

constexpr VkBufferUsageFlags kFrameUsage =
    VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;

// Everything written before (by a copy or a shader) is visible to everything after: the chain's frames pass between
// modules and copies in submission order, and one full barrier per step costs nothing next to the steps.
void fullBarrier(VkCommandBuffer cmd) {
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_HOST_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                            VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT |
                             VK_PIPELINE_STAGE_HOST_BIT,
                         VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT |
                             VK_PIPELINE_STAGE_HOST_BIT,
                         0, 1, &barrier, 0, nullptr, 0, nullptr);
}

} // namespace

GpuStage::GpuStage(gpu::VulkanContext &vulkan, uint32_t width, uint32_t height)
    : m_vulkan(vulkan), m_width(width), m_height(height), m_frameBytes(VkDeviceSize(width) * height * 4) {}

Result<std::unique_ptr<GpuStage>> GpuStage::create(gpu::VulkanContext &vulkan, uint32_t width, uint32_t height) {
    if (width == 0 || height == 0) return Status(StatusCode::InvalidArgument, "a GPU stage needs a frame size");
    std::unique_ptr<GpuStage> stage(new GpuStage(vulkan, width, height));
    // Where the device's memory is the host's (an integrated GPU, a CPU device), frames live in mapped device memory:
    // the upload and the readback are then one memcpy each, not a memcpy plus a device copy through staging.
    const std::string &type = vulkan.deviceInfo().type;
    if (type == "integrated" || type == "cpu") {
        auto probe = gpu::GpuBuffer::create(vulkan, stage->m_frameBytes, kFrameUsage, gpu::MemoryLocation::DeviceMapped);
        if (probe.ok()) {
            stage->m_frames.push_back(std::move(probe.value()));
            stage->m_mappedFrames = true;
        }
    }
    // Each module's own device time, for the timeline (without it a submission's time is shared out evenly).
    constexpr uint32_t kMaxTimedModules = 64;
    if (auto timer = gpu::GpuTimer::create(vulkan, kMaxTimedModules); timer.ok()) {
        stage->m_timer = std::move(timer.value());
    }
    return stage;
}

void GpuStage::beginFrame() {
    m_framesUsed = m_stagingUsed = m_flowsUsed = 0;
    m_ops.clear();
}

Result<gpu::GpuBuffer *> GpuStage::take(std::vector<gpu::GpuBuffer> &pool, size_t &used, VkDeviceSize size,
                                        VkBufferUsageFlags usage, gpu::MemoryLocation where) {
    if (used == pool.size()) {
        auto made = gpu::GpuBuffer::create(m_vulkan, size, usage, where);
        if (!made.ok()) return made.status();
        pool.push_back(std::move(made.value()));
    }
    return &pool[used++];
}

Result<gpu::GpuBuffer *> GpuStage::takeFrame() {
    return take(m_frames, m_framesUsed, m_frameBytes, kFrameUsage,
                m_mappedFrames ? gpu::MemoryLocation::DeviceMapped : gpu::MemoryLocation::Device);
}

Result<GpuStage::Slot> GpuStage::newSlot(uint64_t index) {
    auto buffer = takeFrame();
    if (!buffer.ok()) return buffer.status();
    return Slot{buffer.value()->handle(), 0, m_width, m_height, index};
}

const gpu::GpuBuffer *GpuStage::frameBuffer(VkBuffer handle) const {
    for (const gpu::GpuBuffer &frame : m_frames) {
        if (frame.handle() == handle) return &frame;
    }
    return nullptr;
}

Result<GpuStage::Slot> GpuStage::upload(const Frame &frame) {
    if (frame.width != m_width || frame.height != m_height || frame.rgba.size() < m_frameBytes) {
        return Status(StatusCode::InvalidArgument, "a " + std::to_string(frame.width) + "x" +
                                                       std::to_string(frame.height) + " frame for a " +
                                                       std::to_string(m_width) + "x" + std::to_string(m_height) +
                                                       " GPU chain");
    }
    if (m_mappedFrames) {
        auto buffer = takeFrame();
        if (!buffer.ok()) return buffer.status();
        std::memcpy(buffer.value()->mapped(), frame.rgba.data(), m_frameBytes); // the submission makes it visible
        ++m_framesMoved;
        return Slot{buffer.value()->handle(), 0, m_width, m_height, frame.index};
    }
    auto staging = take(m_staging, m_stagingUsed, m_frameBytes,
                        VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                        gpu::MemoryLocation::HostVisible);
    if (!staging.ok()) return staging.status();
    std::memcpy(staging.value()->mapped(), frame.rgba.data(), m_frameBytes);
    auto slot = newSlot(frame.index);
    if (!slot.ok()) return slot.status();
    const VkBuffer from = staging.value()->handle(), to = slot->buffer;
    const VkDeviceSize bytes = m_frameBytes;
    m_ops.push_back([from, to, bytes](VkCommandBuffer cmd) {
        const VkBufferCopy region{0, 0, bytes};
        vkCmdCopyBuffer(cmd, from, to, 1, &region);
        return Status{};
    });
    ++m_framesMoved;
    return slot;
}

Result<modules::ModuleInstance::GpuFlow> GpuStage::flow(const std::vector<float> &xy) {
    if (xy.empty()) return modules::ModuleInstance::GpuFlow{};
    const VkDeviceSize bytes = VkDeviceSize(m_width) * m_height * 8;
    if (xy.size() * sizeof(float) != bytes) return Status(StatusCode::InvalidArgument, "a flow of the wrong size");
    auto buffer = take(m_flows, m_flowsUsed, bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, gpu::MemoryLocation::HostVisible);
    if (!buffer.ok()) return buffer.status();
    std::memcpy(buffer.value()->mapped(), xy.data(), bytes);
    ++m_flowUploads;
    return modules::ModuleInstance::GpuFlow{buffer.value()->handle(), 0};
}

void GpuStage::record(Op op) {
    m_ops.push_back([op = std::move(op)](VkCommandBuffer cmd) {
        fullBarrier(cmd);
        return op(cmd);
    });
}

void GpuStage::recordTimed(Op op) {
    gpu::GpuTimer *timer = m_timer.get();
    record([timer, op = std::move(op)](VkCommandBuffer cmd) {
        const std::optional<uint32_t> span = timer ? timer->begin(cmd) : std::nullopt;
        Status s = op(cmd);
        if (span) timer->end(cmd, *span);
        return s;
    });
}

Status GpuStage::submit() {
    m_lastSpansMs.clear();
    if (m_ops.empty()) return {};
    Status failed;
    const auto start = std::chrono::steady_clock::now();
    const Status submitted = m_vulkan.submitAndWait([&](VkCommandBuffer cmd) {
        if (m_timer) m_timer->reset(cmd);
        for (const Op &op : m_ops) {
            if (!failed.ok()) break;
            failed = op(cmd);
        }
    });
    m_lastSubmitMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    m_ops.clear();
    if (m_timer && submitted.ok() && failed.ok()) m_lastSpansMs = m_timer->read();
    return failed.ok() ? submitted : failed;
}

Result<std::shared_ptr<Frame>> GpuStage::readback(const Slot &slot, const Frame &like) {
    const void *from = nullptr;
    if (const gpu::GpuBuffer *mapped = m_mappedFrames ? frameBuffer(slot.buffer) : nullptr) {
        record([](VkCommandBuffer) { return Status{}; }); // just the barrier: shader writes -> host reads
        from = mapped->mapped();
    } else {
        auto staging = take(m_staging, m_stagingUsed, m_frameBytes,
                            VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                            gpu::MemoryLocation::HostVisible);
        if (!staging.ok()) return staging.status();
        const VkBuffer src = slot.buffer, to = staging.value()->handle();
        const VkDeviceSize bytes = m_frameBytes;
        record([src, to, bytes](VkCommandBuffer cmd) {
            const VkBufferCopy region{0, 0, bytes};
            vkCmdCopyBuffer(cmd, src, to, 1, &region);
            fullBarrier(cmd); // the host reads it next
            return Status{};
        });
        from = staging.value()->mapped();
    }
    if (Status s = submit(); !s.ok()) return s;
    auto frame = std::make_shared<Frame>();
    frame->width = m_width;
    frame->height = m_height;
    frame->index = like.index;
    frame->inputUs = like.inputUs;
    frame->producedUs = like.producedUs;
    frame->rgba.resize(m_frameBytes);
    std::memcpy(frame->rgba.data(), from, m_frameBytes);
    ++m_framesMoved;
    return frame;
}

} // namespace mnemo::edit
