// mnemo-cli plugins: the engine modules that loaded (with their parameters) and those refused, with reasons.
#include "Commands.hpp"

#include "mnemo/modules/ModuleEnvironment.hpp"

namespace mnemo::cli {
namespace {

nlohmann::json moduleJson(const modules::LoadedModule &m) {
    using nlohmann::json;
    json params = json::array();
    for (const auto &p : m.params) {
        json jp{{"name", p.name}, {"label", p.label}, {"type", modules::paramTypeName(p.type)},
                {"load_time", p.loadTime}, {"description", p.description}};
        if (p.type == modules::ParamType::Text) {
            // A text's default is text; a range means nothing for it. file_path: the value names a file.
            jp["default"] = p.defaultText;
            jp["file_path"] = p.isFilePath;
        } else {
            jp["min"] = p.minValue;
            jp["max"] = p.maxValue;
            jp["default"] = p.defaultValue;
        }
        if (!p.enumValues.empty()) jp["enum_values"] = p.enumValues;
        params.push_back(jp);
    }
    return {{"id", m.id},
            {"name", m.name},
            {"version", m.version},
            {"kind", modules::moduleKindName(m.kind)},
            {"file", m.file},
            {"chunk_frames", m.chunkFrames},
            {"requires_vulkan", m.requiresVulkan},
            {"description", m.description},
            {"params", params}};
}

nlohmann::json runPlugins() {
    using nlohmann::json;
    auto env = modules::ModuleEnvironment::create();
    json loaded = json::array();
    for (const auto &m : env->registry->loaded()) loaded.push_back(moduleJson(m));
    json refused = json::array();
    for (const auto &r : env->registry->refused()) refused.push_back({{"file", r.file}, {"reason", r.reason}});
    json out{{"search_paths", env->searchPaths}, {"loaded", loaded}, {"refused", refused}};
    if (!env->vulkan) out["vulkan_error"] = env->vulkanError;
    return out;
}

} // namespace

void addPluginsCommand(CLI::App &root, CommandLine &line) {
    CLI::App *plugins = root.add_subcommand(
        "plugins", "engine modules that loaded, with their parameters, and those refused, with reasons (JSON)");
    onParsed(*plugins, line, [] {
        printJson(runPlugins());
        return 0;
    });
}

} // namespace mnemo::cli
