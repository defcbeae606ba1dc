#pragma once
// The host side of the module ABI: the service table handed to every module instance (logging, clock, the
// engine's Vulkan device and queue lock). One per engine; outlives every instance created with it.

#include "mnemo/gpu/VulkanContext.hpp"

#include <mnemo/module.h>

#include <memory>

namespace mnemo::modules {

class ModuleHost {
public:
    // `vulkan` may be null: modules that require Vulkan then fail to create, with a message saying so.
    explicit ModuleHost(std::shared_ptr<gpu::VulkanContext> vulkan);
    ModuleHost(const ModuleHost &) = delete;
    ModuleHost &operator=(const ModuleHost &) = delete;

    const mnemo_host_services *services() const { return &m_services; }
    gpu::VulkanContext *vulkan() const { return m_vulkan.get(); }
    const std::shared_ptr<gpu::VulkanContext> &vulkanShared() const { return m_vulkan; }

private:
    std::shared_ptr<gpu::VulkanContext> m_vulkan;
    mnemo_vulkan_services m_vulkanServices{};
    mnemo_host_services m_services{};
};

int64_t steadyNowUs();

} // namespace mnemo::modules
