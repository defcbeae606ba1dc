#pragma once
// The host side of the module ABI: the service table handed to every module instance (logging, clock, the
// engine's Vulkan device and queue lock). One per engine; outlives every instance created with it.

#include "mnemo/gpu/VulkanContext.hpp"
#include "mnemo/memory/Retrieval.hpp"

#include <mnemo/module.h>

#include <map>
#include <memory>

namespace mnemo::modules {

// What the memory services act on during one world_step: set by the pipeline on its engine thread around the call
// (thread-local, so two pipelines on two threads never see each other's memory).
struct StepMemoryContext {
    memory::MemoryBank *bank = nullptr;
    memory::RetrievalParams params;
    uint64_t nowFrame = 0;
    std::map<uint64_t, std::vector<uint8_t>> attachedLatents; // frame index -> bytes from attach_latent
};

// Converts a bank entry to the ABI's pick (pointers into the entry: valid while the entry lives).
mnemo_memory_pick toMemoryPick(const memory::MemoryEntry &entry, float score, float covered);

class ModuleHost {
public:
    // `vulkan` may be null: modules that require Vulkan then fail to create, with a message saying so.
    explicit ModuleHost(std::shared_ptr<gpu::VulkanContext> vulkan);
    ModuleHost(const ModuleHost &) = delete;
    ModuleHost &operator=(const ModuleHost &) = delete;

    const mnemo_host_services *services() const { return &m_services; }

    // Thread: the calling engine thread. Null clears it.
    static void setStepMemory(StepMemoryContext *context);
    gpu::VulkanContext *vulkan() const { return m_vulkan.get(); }

private:
    std::shared_ptr<gpu::VulkanContext> m_vulkan;
    mnemo_vulkan_services m_vulkanServices{};
    mnemo_memory_services m_memoryServices{};
    mnemo_host_services m_services{};
};


} // namespace mnemo::modules
