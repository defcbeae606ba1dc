#include "Commands.hpp"
#include "mnemo/core/JsonText.hpp"
#include "WorldRun.hpp"

#include <filesystem>
#include <iostream>

namespace mnemo::cli {

// mnemo-cli run --engine ID (--camera-track FILE | --pattern P) [--size WxH] [--frames N] [--out DIR]
//               [--seed S] [--param name=value]... [--realtime] [--fps F]
//               [--memory on|off] [--retrieval worldmem|matrixgame] [--memory-policy P] [--memory-budget-mb N]
//               [--memory-in FILE] [--memory-out FILE] [--record SESSION_DIR]
int commandRun(const CliArgs &args) {
    world::WorldPipelineConfig config;
    config.moduleId = args.valueOr("engine", "reference-world");
    const auto size = parseSize(args.valueOr("size", "640x360"));
    if (!size) return failWith("run", "--size must look like 640x360", 2);
    config.width = size->first;
    config.height = size->second;
    config.seed = std::strtoull(args.valueOr("seed", "1").c_str(), nullptr, 10);
    config.targetFps = std::atof(args.valueOr("fps", "30").c_str());
    if (!(config.targetFps > 0)) return failWith("run", "--fps must be positive", 2);
    config.fixedTimestep = !args.flag("realtime");
    const long frames = std::atol(args.valueOr("frames", "0").c_str());
    if (frames < 0) return failWith("run", "--frames must not be negative", 2);
    std::string error;
    if (!parseParams(args.values("param"), config.params, error)) return failWith("run", error, 2);

    if (const auto trackPath = args.value("camera-track")) {
        auto track = world::loadCameraTrack(*trackPath);
        if (!track.ok()) return failWith("run", track.message());
        config.track = std::move(track.value());
    } else {
        const uint32_t n = frames > 0 ? uint32_t(frames) : 120;
        auto track = world::makeScriptedTrack(args.valueOr("pattern", "walk"), n, config.width, config.height,
                                              config.targetFps);
        if (!track.ok()) return failWith("run", track.message(), 2);
        config.track = std::move(track.value());
    }
    config.maxFrames = frames > 0 ? uint64_t(frames) : 0;

    // Memory: on by default, as in the app.
    config.memoryEnabled = args.valueOr("memory", "on") != "off";
    const std::string retrieval = args.valueOr("retrieval", "worldmem");
    if (retrieval == "matrixgame") {
        config.retrieval = memory::RetrievalParams::matrixGame();
    } else if (retrieval != "worldmem") {
        return failWith("run", "--retrieval must be worldmem or matrixgame", 2);
    }
    if (const auto policy = args.value("memory-policy")) {
        const auto p = memory::evictionPolicyFromName(*policy);
        if (!p) return failWith("run", "--memory-policy must be keep-all, fifo or coverage", 2);
        config.memoryConfig.policy = *p;
    }
    if (const auto mb = args.value("memory-budget-mb")) config.memoryConfig.byteBudget = size_t(std::atof(mb->c_str()) * 1048576.0);
    config.memoryLoadPath = args.valueOr("memory-in", "");
    const std::optional<std::string> memoryOut = args.value("memory-out");

    std::optional<std::string> outDir = args.value("out");
    if (outDir) {
        std::error_code ec;
        std::filesystem::create_directories(*outDir, ec);
        if (ec) return failWith("run", "cannot create output folder '" + *outDir + "': " + ec.message());
    }
    const std::optional<std::string> recordDir = args.value("record");
    const std::string videoCodec = args.valueOr("video-codec", "h264");
    if (videoCodec != "h264" && videoCodec != "ffv1") return failWith("run", "--video-codec must be h264 or ffv1", 2);
    if (const auto unused = args.unusedOptions(); !unused.empty()) {
        return failWith("run", "unknown option " + unused.front(), 2);
    }

    auto env = modules::ModuleEnvironment::create();
    if (!env->registry->find(config.moduleId)) {
        std::string known;
        for (const auto &m : env->registry->loaded()) known += (known.empty() ? "" : ", ") + m.id;
        for (const auto &r : env->registry->refused()) {
            if (r.file.find(config.moduleId) != std::string::npos) {
                return failWith("run", "engine '" + config.moduleId + "' was refused: " + r.reason);
            }
        }
        return failWith("run", "no engine '" + config.moduleId + "' (loaded: " + (known.empty() ? "none" : known) +
                                   "; see mnemo-cli plugins)");
    }
    WorldRunReport report = runWorld(*env, config, {outDir, memoryOut, recordDir, videoCodec == "ffv1"});
    if (!report.ok) return failWith("run", report.error);
    if (outDir) {
        if (Status s = world::saveCameraTrack(report.camerasUsed, *outDir + "/cameras.json"); !s.ok()) {
            return failWith("run", s.message());
        }
    }
    nlohmann::json out = statsJson(report);
    out["engine"] = config.moduleId;
    out["size"] = std::to_string(config.width) + "x" + std::to_string(config.height);
    out["mode"] = config.fixedTimestep ? "fixed-timestep" : "realtime";
    if (outDir) out["out"] = *outDir;
    if (recordDir) out["session"] = *recordDir;
    if (config.memoryEnabled) {
        out["memory_entries"] = report.memoryEntries;
        out["retrieval"] = retrieval;
        out["retrieval_ms_p50"] = report.stats.retrievalMsP50;
        out["retrieval_ms_p95"] = report.stats.retrievalMsP95;
        if (memoryOut) out["memory_out"] = *memoryOut;
    }
    if (env->vulkan) out["device"] = env->vulkan->deviceInfo().name;
    std::cout << mnemo::toJson(out, 2) << "\n";
    return 0;
}

} // namespace mnemo::cli
