#pragma once
// Everything a front end needs to run modules: the engine's Vulkan device (if one exists), the host services and
// the registry of scanned modules. Without a Vulkan device, CPU-only modules still load and Vulkan modules are
// refused with a message that says why.

#include "mnemo/modules/ModuleRegistry.hpp"

#include <memory>
#include <string>

namespace mnemo::modules {

struct ModuleEnvironment {
    std::shared_ptr<gpu::VulkanContext> vulkan; // null when no device could be created
    std::string vulkanError;                    // why vulkan is null
    std::unique_ptr<ModuleHost> host;
    std::unique_ptr<ModuleRegistry> registry;
    std::vector<std::string> searchPaths;

    // Thread: any; blocks on device creation and module probing (tens to hundreds of ms on lavapipe).
    static std::unique_ptr<ModuleEnvironment> create(std::vector<std::string> searchPaths = {});
};

} // namespace mnemo::modules
