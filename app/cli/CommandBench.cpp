#include "Commands.hpp"
#include "WorldRun.hpp"

#include <iostream>

namespace mnemo::cli {
namespace {

int benchWorld(const CliArgs &args, const std::string &bench, const std::string &moduleId, uint32_t defaultFrames,
               const modules::ParamValues &params) {
    world::WorldPipelineConfig config;
    config.moduleId = moduleId;
    const auto size = parseSize(args.valueOr("size", "640x360"));
    if (!size) return failWith("bench", "--size must look like 640x360", 2);
    config.width = size->first;
    config.height = size->second;
    config.fixedTimestep = true;
    config.params = params;
    const long frames = std::atol(args.valueOr("frames", std::to_string(defaultFrames)).c_str());
    if (frames <= 0) return failWith("bench", "--frames must be positive", 2);
    auto track = world::makeScriptedTrack("walk", uint32_t(frames), config.width, config.height);
    if (!track.ok()) return failWith("bench", track.message());
    config.track = std::move(track.value());
    config.maxFrames = uint64_t(frames);

    auto env = modules::ModuleEnvironment::create();
    if (!env->registry->find(moduleId)) return failWith("bench", "module '" + moduleId + "' is not loaded");
    WorldRunReport report = runWorld(*env, config, std::nullopt);
    if (!report.ok) return failWith("bench", report.error);
    nlohmann::json out = statsJson(report);
    out["bench"] = bench;
    out["engine"] = moduleId;
    out["size"] = std::to_string(config.width) + "x" + std::to_string(config.height);
    out["device"] = env->vulkan ? env->vulkan->deviceInfo().name : "none";
    std::cout << out.dump(2) << "\n";
    return 0;
}

} // namespace

// mnemo-cli bench pipeline [--size WxH] [--frames N]      host overhead with the null engine
// mnemo-cli bench reference-world [--size WxH] [--frames N]
int commandBench(const CliArgs &args) {
    if (args.positional().size() < 2) return failWith("bench", "which benchmark? (pipeline, reference-world)", 2);
    const std::string which = args.positional()[1];
    // The null engine with fill off does no per-pixel work: what remains is the host's own cost per frame.
    if (which == "pipeline") return benchWorld(args, "pipeline", "null-world", 3000, {{"fill", 0}});
    if (which == "reference-world") return benchWorld(args, "reference-world", "reference-world", 60, {});
    return failWith("bench", "unknown benchmark '" + which + "' (pipeline, reference-world)", 2);
}

} // namespace mnemo::cli
