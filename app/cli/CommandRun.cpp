// mnemo-cli run: drive a world module along a camera track, optionally writing PNG frames, the cameras used, the
// memory bank and a recorded session.
#include "Commands.hpp"
#include "WorldRun.hpp"

#include "mnemo/memory/MemoryBank.hpp"

#include <filesystem>
#include <memory>

namespace mnemo::cli {
namespace {

struct RunOptions {
    std::string engine = "reference-world";
    std::optional<std::string> cameraTrack;
    std::string pattern = "walk";
    Size size{640, 360};
    long frames = 0;
    std::optional<std::string> outDir;
    uint64_t seed = 1;
    std::vector<std::string> params;
    bool realtime = false;
    double fps = 30;
    std::string memory = "on";
    std::string retrieval = "worldmem";
    std::optional<std::string> memoryPolicy;
    std::optional<double> memoryBudgetMb;
    std::string memoryIn;
    std::optional<std::string> memoryOut;
    std::optional<std::string> recordDir;
    std::string videoCodec = "h264";
    IsolationOptions isolation;
    std::string onModuleFailure = "stop";
    std::string token; // for --engine ws://...
    std::string remoteFrames = "rgba";
    uint32_t stepsInFlight = 2;
    int jpegQuality = 85;
    std::string outputChain;                // edit modules on the world's frames ("frame-interpolate")
    std::vector<std::string> outputParams;  // MODULE.NAME=VALUE for them
};

void defineRunMemory(CLI::App &run, RunOptions &o) {
    run.add_option("--memory", o.memory, "the world's memory")->check(CLI::IsMember({"on", "off"}));
    run.add_option("--retrieval", o.retrieval, "how memories are picked")
        ->check(CLI::IsMember({"worldmem", "matrixgame"}));
    run.add_option("--memory-policy", o.memoryPolicy, "what to drop when the budget is full: keep-all, fifo, coverage")
        ->check(checkedBy([](const std::string &p) {
            return memory::evictionPolicyFromName(p) ? "" : "must be keep-all, fifo or coverage, not '" + p + "'";
        }))
        ->type_name("P");
    run.add_option("--memory-budget-mb", o.memoryBudgetMb, "the memory bank's size budget")->check(notNegative())
        ->type_name("N");
    run.add_option("--memory-in", o.memoryIn, "start from a saved memory bank")->type_name("FILE");
    run.add_option("--memory-out", o.memoryOut, "save the memory bank here at the end")->type_name("FILE");
}

CLI::App *defineRun(CLI::App &root, RunOptions &o) {
    CLI::App *run = root.add_subcommand("run", "drive a world module along a camera track, write PNG frames (JSON)");
    addEngineOption(*run, o.engine, "the world module to drive (mnemo-cli plugins lists them), or ws://HOST:PORT for one "
                                    "served remotely (mnemo-cli serve; with --token)");
    addCameraTrackOption(*run, o.cameraTrack, "cameras to render (see docs/camera-track.md); else --pattern");
    addPatternOption(*run, o.pattern);
    addSizeOption(*run, o.size);
    addFramesOption(*run, o.frames, "frames to render (0: the whole camera track, or 120 frames of the pattern)", true);
    run->add_option("--out", o.outDir, "write frame_NNNNNN.png and cameras.json (the cameras used) here")
        ->type_name("DIR");
    addSeedOption(*run, o.seed);
    run->add_option("--param", o.params, "a module parameter (repeatable)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->allow_extra_args(false)
        ->default_str("")
        ->check(checkedBy([](const std::string &item) {
            modules::ParamValues values;
            std::string error;
            return parseParams({item}, values, error) ? "" : "must look like name=number, not '" + item + "'";
        }))
        ->type_name("NAME=VALUE");
    run->add_flag("--realtime", o.realtime, "pace at --fps frames/s instead of running as fast as possible");
    addFpsOption(*run, o.fps, "frames per second of the track and of --realtime");
    defineRunMemory(*run, o);
    run->add_option("--record", o.recordDir, "record a session (session.sqlite + video.mkv) into DIR")
        ->type_name("DIR");
    run->add_option("--video-codec", o.videoCodec, "the session video: h264 or ffv1 (lossless)")
        ->check(CLI::IsMember({"h264", "ffv1"}));
    addIsolationOptions(*run, o.isolation);
    run->add_option("--token", o.token, "the bearer token for a remote engine (--engine ws://HOST:PORT)")
        ->type_name("TOKEN");
    run->add_option("--remote-frames", o.remoteFrames, "how a remote engine sends frames: rgba (exact) or jpeg (smaller)")
        ->check(CLI::IsMember({"rgba", "jpeg"}))
        ->capture_default_str();
    run->add_option("--steps-in-flight", o.stepsInFlight,
                    "a remote engine's steps sent before the oldest one's frames are back: 2 hides the network's "
                    "round trip, 1 waits for each")
        ->check(CLI::Range(1, 2))
        ->capture_default_str();
    run->add_option("--jpeg-quality", o.jpegQuality, "1..100, with --remote-frames jpeg")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    run->add_option("--output-chain", o.outputChain,
                    "frame interpolators after the world module, comma-separated (frame-interpolate: the frames in "
                    "between are shown and recorded apart, in between.mkv)")
        ->type_name("MODULES");
    run->add_option("--output-param", o.outputParams, "a parameter of an --output-chain module (repeatable)")
        ->type_name("MODULE.NAME=VALUE");
    run->add_option("--on-module-failure", o.onModuleFailure,
                    "when a step fails (with --isolated: a crash or hang): stop, or restart the module and go on "
                    "from the current camera")
        ->check(CLI::IsMember({"stop", "restart"}))
        ->capture_default_str()
        ->type_name("stop|restart");
    return run;
}

Result<world::WorldPipelineConfig> runConfig(const RunOptions &o) {
    world::WorldPipelineConfig config;
    config.moduleId = o.engine;
    config.width = o.size.width;
    config.height = o.size.height;
    config.seed = o.seed;
    config.restartFailedModule = o.onModuleFailure == "restart";
    config.stepsInFlight = o.stepsInFlight;
    config.targetFps = o.fps;
    config.fixedTimestep = !o.realtime;
    std::string error;
    parseParams(o.params, config.params, error); // checked when parsed
    auto track = o.cameraTrack ? camera::loadCameraTrack(*o.cameraTrack)
                               : camera::makeScriptedTrack(o.pattern, o.frames > 0 ? uint32_t(o.frames) : 120,
                                                          config.width, config.height, config.targetFps);
    if (!track.ok()) return track.status();
    config.track = std::move(track.value());
    config.maxFrames = o.frames > 0 ? uint64_t(o.frames) : 0;
    if (!o.outputChain.empty()) {
        auto links = edit::parseChain(o.outputChain, o.outputParams);
        if (!links.ok()) return links.status().withContext("--output-chain");
        config.outputChain = std::move(links.value());
    }
    // Memory: on by default, as in the app.
    config.memoryEnabled = o.memory != "off";
    if (o.retrieval == "matrixgame") config.retrieval = memory::RetrievalParams::matrixGame();
    if (o.memoryPolicy) config.memoryConfig.policy = *memory::evictionPolicyFromName(*o.memoryPolicy);
    if (o.memoryBudgetMb) config.memoryConfig.byteBudget = size_t(*o.memoryBudgetMb * 1048576.0);
    config.memoryLoadPath = o.memoryIn;
    return config;
}

// The engine, or why it cannot run: not loaded, or refused when the registry read its library.
Status findEngine(const modules::ModuleRegistry &registry, const std::string &id) {
    if (registry.find(id)) return {};
    std::string known;
    for (const auto &m : registry.loaded()) known += (known.empty() ? "" : ", ") + m.id;
    for (const auto &r : registry.refused()) {
        if (r.file.find(id) != std::string::npos) {
            return {StatusCode::NotFound, "engine '" + id + "' was refused: " + r.reason};
        }
    }
    return {StatusCode::NotFound,
            "no engine '" + id + "' (loaded: " + (known.empty() ? "none" : known) + "; see mnemo-cli plugins)"};
}

struct RunResult {
    world::WorldPipelineConfig config;
    WorldRunReport report;
    std::optional<std::string> device;
};

Result<RunResult> runRun(const RunOptions &o) {
    auto config = runConfig(o);
    if (!config.ok()) return config.status();
    if (o.outDir) {
        std::error_code ec;
        std::filesystem::create_directories(*o.outDir, ec);
        if (ec) return Status(StatusCode::Internal, "cannot create output folder '" + *o.outDir + "': " + ec.message());
    }
    auto env = modules::ModuleEnvironment::create();
    applyIsolation(*env->registry, o.isolation);
    if (o.engine.rfind("ws://", 0) == 0) { // a remote engine: what it serves is the module
        auto endpoint = modules::parseRemoteUrl(o.engine, o.token);
        if (!endpoint.ok()) return endpoint.status();
        endpoint->deadlineMs = uint32_t(o.isolation.deadlineMs);
        endpoint->frameFormat = o.remoteFrames;
        endpoint->jpegQuality = o.jpegQuality;
        const size_t before = env->registry->loaded().size();
        if (Status s = env->registry->addRemote(endpoint.value()); !s.ok()) return s;
        if (env->registry->loaded().size() == before) return Status(StatusCode::Internal, "the remote module was not added");
        config.value().moduleId = env->registry->loaded().back().id;
    } else if (Status s = findEngine(*env->registry, o.engine); !s.ok()) {
        return s;
    }
    RunResult result{config.value(), runWorld(*env, config.value(), {o.outDir, o.memoryOut, o.recordDir,
                                                                     o.videoCodec == "ffv1"}), std::nullopt};
    if (!result.report.ok) return Status(StatusCode::Internal, result.report.error);
    if (o.outDir) {
        Status s = camera::saveCameraTrack(result.report.camerasUsed, *o.outDir + "/cameras.json");
        if (!s.ok()) return s;
    }
    if (env->vulkan) result.device = env->vulkan->deviceInfo().name;
    return result;
}

void printRun(const RunOptions &o, const RunResult &r) {
    nlohmann::json out = statsJson(r.report);
    out["engine"] = r.config.moduleId;
    out["size"] = o.size.text();
    out["mode"] = r.config.fixedTimestep ? "fixed-timestep" : "realtime";
    if (o.outDir) out["out"] = *o.outDir;
    if (o.recordDir) out["session"] = *o.recordDir;
    if (r.config.memoryEnabled) {
        out["memory_entries"] = r.report.memoryEntries;
        out["retrieval"] = o.retrieval;
        out["retrieval_ms_p50"] = r.report.stats.retrievalMsP50;
        out["retrieval_ms_p95"] = r.report.stats.retrievalMsP95;
        if (o.memoryOut) out["memory_out"] = *o.memoryOut;
    }
    if (r.device) out["device"] = *r.device;
    printJson(out);
}

} // namespace

void addRunCommand(CLI::App &root, CommandLine &line) {
    auto o = std::make_shared<RunOptions>();
    onParsed(*defineRun(root, *o), line,
             [o] { return finish("run", runRun(*o), [&](const RunResult &r) { printRun(*o, r); }); });
}

} // namespace mnemo::cli
