#include "mnemo/modules/ModuleEnvironment.hpp"

#include "mnemo/core/Log.hpp"

namespace mnemo::modules {

std::unique_ptr<ModuleEnvironment> ModuleEnvironment::create(std::vector<std::string> searchPaths) {
    auto env = std::make_unique<ModuleEnvironment>();
    auto ctx = gpu::VulkanContext::create();
    if (ctx.ok()) {
        env->vulkan = std::move(ctx.value());
    } else {
        env->vulkanError = ctx.message();
        log::warning("modules", "no Vulkan device for modules: " + ctx.message());
    }
    env->host = std::make_unique<ModuleHost>(env->vulkan);
    env->registry = std::make_unique<ModuleRegistry>(*env->host);
    env->searchPaths = searchPaths.empty() ? ModuleRegistry::defaultSearchPaths() : std::move(searchPaths);
    env->registry->scan(env->searchPaths);
    return env;
}

} // namespace mnemo::modules
