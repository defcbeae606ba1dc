#include "Commands.hpp"

#include "mnemo/modules/ModuleEnvironment.hpp"

#include <nlohmann/json.hpp>
#include "mnemo/core/JsonText.hpp"

#include <iostream>

namespace mnemo::cli {

int commandPlugins(const CliArgs &) {
    using nlohmann::json;
    auto env = modules::ModuleEnvironment::create();
    json loaded = json::array();
    for (const auto &m : env->registry->loaded()) {
        json params = json::array();
        for (const auto &p : m.params) {
            json jp{{"name", p.name},      {"label", p.label}, {"type", modules::paramTypeName(p.type)},
                    {"min", p.minValue},   {"max", p.maxValue}, {"default", p.defaultValue},
                    {"load_time", p.loadTime}, {"description", p.description}};
            if (!p.enumValues.empty()) jp["enum_values"] = p.enumValues;
            params.push_back(jp);
        }
        loaded.push_back({{"id", m.id},
                          {"name", m.name},
                          {"version", m.version},
                          {"kind", modules::moduleKindName(m.kind)},
                          {"file", m.file},
                          {"chunk_frames", m.chunkFrames},
                          {"requires_vulkan", m.requiresVulkan},
                          {"description", m.description},
                          {"params", params}});
    }
    json refused = json::array();
    for (const auto &r : env->registry->refused()) refused.push_back({{"file", r.file}, {"reason", r.reason}});
    json out{{"search_paths", env->searchPaths}, {"loaded", loaded}, {"refused", refused}};
    if (!env->vulkan) out["vulkan_error"] = env->vulkanError;
    std::cout << mnemo::toJson(out, 2) << "\n";
    return 0;
}

} // namespace mnemo::cli
