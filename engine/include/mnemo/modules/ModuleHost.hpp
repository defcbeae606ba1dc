#pragma once
// The host side of the module ABI: the service table handed to every module instance (logging, clock, the
// engine's Vulkan device and queue lock). One per engine; outlives every instance created with it.

#include "mnemo/gpu/VulkanContext.hpp"
#include "mnemo/memory/Retrieval.hpp"
#include "mnemo/modules/Isolation.hpp"

#include <mnemo/module.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace mnemo::modules {

// What the memory services act on during one world_step: passed by the pipeline to ModuleInstance::worldStep, which
// holds it in the instance's HostBinding for the duration of the call only.
struct StepMemoryContext {
    memory::MemoryBank *bank = nullptr;
    memory::RetrievalParams params;
    uint64_t nowFrame = 0;
    std::map<uint64_t, std::vector<uint8_t>> attachedLatents; // frame index -> bytes from attach_latent
};

// Converts a bank entry to the ABI's pick (pointers into the entry: valid while the entry lives).
mnemo_memory_pick toMemoryPick(const memory::MemoryEntry &entry, float score, float covered);

class ModuleHost;

// What one module instance's host callbacks see (the `host` pointer of its service table): the engine's host and the
// memory of the step in progress. One per instance, so two instances stepped on two threads never share step state.
struct HostBinding {
    ModuleHost *host = nullptr;
    StepMemoryContext *step = nullptr; // non-null only inside a worldStep with memory on
    mnemo_host_services services{};
};

class ModuleHost {
public:
    // `vulkan` may be null: modules that require Vulkan then fail to create, with a message saying so.
    explicit ModuleHost(std::shared_ptr<gpu::VulkanContext> vulkan);
    ModuleHost(const ModuleHost &) = delete;
    ModuleHost &operator=(const ModuleHost &) = delete;

    // Whether modules are offered the engine's Vulkan device.
    bool hasVulkan() const { return m_services.vulkan != nullptr; }
    // A service table for one new instance; its callbacks reach this host through the binding.
    std::unique_ptr<HostBinding> bind();
    gpu::VulkanContext *vulkan() const { return m_vulkan.get(); }

    // Where new instances of a module run (in process unless set). Thread: any; a UI may change it while engine
    // threads create instances. Id "" sets the default for modules not set one by one.
    void setIsolation(const std::string &moduleId, const Isolation &isolation);
    Isolation isolation(const std::string &moduleId) const;

private:
    std::shared_ptr<gpu::VulkanContext> m_vulkan;
    mnemo_vulkan_services m_vulkanServices{};
    mnemo_memory_services m_memoryServices{};
    mnemo_host_services m_services{};
    mutable std::mutex m_isolationMutex;
    std::map<std::string, Isolation> m_isolation; // "" is the default
};


} // namespace mnemo::modules
