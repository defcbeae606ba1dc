#include "mnemo/modules/ModuleHost.hpp"

#include "mnemo/core/Log.hpp"

#include <chrono>

namespace mnemo::modules {
namespace {

void hostLog(void *, mnemo_log_level level, const char *message) {
    const log::Level l = level == MNEMO_LOG_ERROR     ? log::Level::Error
                         : level == MNEMO_LOG_WARNING ? log::Level::Warning
                         : level == MNEMO_LOG_DEBUG   ? log::Level::Debug
                                                      : log::Level::Info;
    log::write(l, "module", message ? message : "");
}

int64_t hostNowUs(void *) { return steadyNowUs(); }

void lockQueue(void *host) { static_cast<ModuleHost *>(host)->vulkan()->lockQueue(); }
void unlockQueue(void *host) { static_cast<ModuleHost *>(host)->vulkan()->unlockQueue(); }

void (*getInstanceProcAddr(void *instance, const char *name))(void) {
    return reinterpret_cast<void (*)(void)>(vkGetInstanceProcAddr(static_cast<VkInstance>(instance), name));
}

} // namespace

int64_t steadyNowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

ModuleHost::ModuleHost(std::shared_ptr<gpu::VulkanContext> vulkan) : m_vulkan(std::move(vulkan)) {
    m_services.struct_size = sizeof m_services;
    m_services.abi_version = MNEMO_MODULE_ABI_VERSION;
    m_services.host = this;
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
}

} // namespace mnemo::modules
