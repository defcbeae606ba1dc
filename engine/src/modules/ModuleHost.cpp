#include "mnemo/modules/ModuleHost.hpp"
#include "mnemo/core/Clock.hpp"

#include "mnemo/core/Guard.hpp"
#include "mnemo/core/Log.hpp"

#include <cstdio>
#include <cstring>

namespace mnemo::modules {
namespace {

// The host's own callbacks run on the module's stack, often through C frames: nothing may unwind out of them.
mnemo_status reportCaught(const Status &caught, mnemo_error *error) {
    if (error) std::snprintf(error->message, sizeof error->message, "%s", caught.message().c_str());
    return caught.code() == StatusCode::OutOfMemory ? MNEMO_ERR_OUT_OF_MEMORY : MNEMO_ERR_INTERNAL;
}

void hostLog(void *, mnemo_log_level level, const char *message) noexcept {
    const log::Level l = level == MNEMO_LOG_ERROR     ? log::Level::Error
                         : level == MNEMO_LOG_WARNING ? log::Level::Warning
                         : level == MNEMO_LOG_DEBUG   ? log::Level::Debug
                                                      : log::Level::Info;
    (void)guarded("module log", [&] { log::write(l, "module", message ? message : ""); });
}

int64_t hostNowUs(void *) { return mnemo::steadyNowUs(); }

gpu::VulkanContext &vulkanOf(void *binding) { return *static_cast<HostBinding *>(binding)->host->vulkan(); }
void lockQueue(void *binding) { vulkanOf(binding).lockQueue(); }
void unlockQueue(void *binding) { vulkanOf(binding).unlockQueue(); }

void (*getInstanceProcAddr(void *instance, const char *name))(void) {
    return reinterpret_cast<void (*)(void)>(vkGetInstanceProcAddr(static_cast<VkInstance>(instance), name));
}

mnemo_status memoryUnavailable(mnemo_error *error) {
    if (error) std::snprintf(error->message, sizeof error->message, "memory services are only valid inside world_step");
    return MNEMO_ERR_UNSUPPORTED;
}

mnemo_status retrieveUnguarded(StepMemoryContext *ctx, const mnemo_camera *cameras, uint32_t cameraCount, mnemo_memory_pick *out,
                               uint32_t capacity, uint32_t *outCount, mnemo_error *error) {
    if (!ctx || !ctx->bank) return memoryUnavailable(error);
    if (!cameras || cameraCount == 0 || (!out && capacity > 0) || !outCount) {
        if (error) std::snprintf(error->message, sizeof error->message, "retrieve: cameras and out_count are required");
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    std::vector<camera::CameraFrame> query(cameraCount);
    for (uint32_t i = 0; i < cameraCount; ++i) {
        std::memcpy(query[i].c2w.data(), cameras[i].c2w, sizeof cameras[i].c2w);
        query[i].intrinsics = {cameras[i].fx, cameras[i].fy, cameras[i].cx, cameras[i].cy};
    }
    const auto result = memory::retrieve(*ctx->bank, query, ctx->nowFrame, ctx->params);
    uint32_t n = 0;
    for (const auto &pick : result.picks) {
        if (n >= capacity) break;
        if (const memory::MemoryEntry *e = ctx->bank->find(pick.entryId)) out[n++] = toMemoryPick(*e, pick.score, pick.covered);
    }
    *outCount = n;
    return MNEMO_OK;
}

mnemo_status memoryRetrieve(void *binding, const mnemo_camera *cameras, uint32_t cameraCount, mnemo_memory_pick *out,
                            uint32_t capacity, uint32_t *outCount, mnemo_error *error) noexcept {
    mnemo_status status = MNEMO_ERR_INTERNAL;
    Status caught = guarded("memory retrieve", [&] {
        status = retrieveUnguarded(static_cast<HostBinding *>(binding)->step, cameras, cameraCount, out, capacity,
                                   outCount, error);
    });
    return caught.ok() ? status : reportCaught(caught, error);
}

mnemo_status attachLatentUnguarded(StepMemoryContext *ctx, uint64_t frameIndex, const void *data, size_t size, mnemo_error *error) {
    if (!ctx) return memoryUnavailable(error);
    if (!data && size > 0) {
        if (error) std::snprintf(error->message, sizeof error->message, "attach_latent: data is NULL");
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    const auto *bytes = static_cast<const uint8_t *>(data);
    ctx->attachedLatents[frameIndex].assign(bytes, bytes + size);
    return MNEMO_OK;
}

mnemo_status memoryAttachLatent(void *binding, uint64_t frameIndex, const void *data, size_t size,
                                mnemo_error *error) noexcept {
    mnemo_status status = MNEMO_ERR_INTERNAL;
    Status caught = guarded("memory attach_latent", [&] {
        status = attachLatentUnguarded(static_cast<HostBinding *>(binding)->step, frameIndex, data, size, error);
    });
    return caught.ok() ? status : reportCaught(caught, error);
}

} // namespace

mnemo_memory_pick toMemoryPick(const memory::MemoryEntry &e, float score, float covered) {
    mnemo_memory_pick p{};
    p.struct_size = sizeof p;
    p.entry_id = e.id;
    p.frame_index = e.frameIndex;
    p.score = score;
    p.covered = covered;
    std::memcpy(p.camera.c2w, e.camera.c2w.data(), sizeof p.camera.c2w);
    p.camera.fx = e.camera.intrinsics.fx;
    p.camera.fy = e.camera.intrinsics.fy;
    p.camera.cx = e.camera.intrinsics.cx;
    p.camera.cy = e.camera.intrinsics.cy;
    if (e.thumbnail) {
        p.thumbnail = e.thumbnail->data();
        p.thumb_width = e.thumbWidth;
        p.thumb_height = e.thumbHeight;
    }
    if (!e.latent.empty()) {
        p.latent = e.latent.data();
        p.latent_size = e.latent.size();
    }
    return p;
}

std::unique_ptr<HostBinding> ModuleHost::bind() {
    auto binding = std::make_unique<HostBinding>();
    binding->host = this;
    binding->services = m_services;
    binding->services.host = binding.get();
    return binding;
}


ModuleHost::ModuleHost(std::shared_ptr<gpu::VulkanContext> vulkan) : m_vulkan(std::move(vulkan)) {
    m_services.struct_size = sizeof m_services;
    m_services.abi_version = MNEMO_MODULE_ABI_VERSION;
    m_services.host = nullptr; // each instance's copy points at its own HostBinding (bind())
    m_services.log = &hostLog;
    m_services.now_us = &hostNowUs;
    if (m_vulkan) {
        m_vulkanServices.struct_size = sizeof m_vulkanServices;
        m_vulkanServices.instance = m_vulkan->instance();
        m_vulkanServices.physical_device = m_vulkan->physicalDevice();
        m_vulkanServices.device = m_vulkan->device();
        m_vulkanServices.queue = m_vulkan->computeQueue();
        m_vulkanServices.queue_family = m_vulkan->computeQueueFamily();
        m_vulkanServices.api_version = m_vulkan->apiVersion();
        m_vulkanServices.get_instance_proc_addr = &getInstanceProcAddr;
        m_vulkanServices.lock_queue = &lockQueue;
        m_vulkanServices.unlock_queue = &unlockQueue;
        m_services.vulkan = &m_vulkanServices;
    }
    // Always offered: outside a step with memory on, the calls answer MNEMO_ERR_UNSUPPORTED with a message.
    m_memoryServices.struct_size = sizeof m_memoryServices;
    m_memoryServices.retrieve = &memoryRetrieve;
    m_memoryServices.attach_latent = &memoryAttachLatent;
    m_services.memory = &m_memoryServices;
}

void ModuleHost::setIsolation(const std::string &moduleId, const Isolation &isolation) {
    std::lock_guard lock(m_isolationMutex);
    m_isolation[moduleId] = isolation;
}

Isolation ModuleHost::isolation(const std::string &moduleId) const {
    std::lock_guard lock(m_isolationMutex);
    if (const auto it = m_isolation.find(moduleId); it != m_isolation.end()) return it->second;
    if (const auto it = m_isolation.find(""); it != m_isolation.end()) return it->second;
    return {};
}

} // namespace mnemo::modules
