#include "Commands.hpp"
#include "mnemo/core/JsonText.hpp"
#include "WorldRun.hpp"

#include "mnemo/core/SampleWindow.hpp"
#include "mnemo/memory/Retrieval.hpp"

#include <cmath>
#include <random>

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
    // The pipeline benchmark measures the host's hand-over cost; memory is its own stage (bench retrieval).
    config.memoryEnabled = bench != "pipeline";
    const long frames = std::atol(args.valueOr("frames", std::to_string(defaultFrames)).c_str());
    if (frames <= 0) return failWith("bench", "--frames must be positive", 2);
    auto track = world::makeScriptedTrack("walk", uint32_t(frames), config.width, config.height);
    if (!track.ok()) return failWith("bench", track.message());
    config.track = std::move(track.value());
    config.maxFrames = uint64_t(frames);

    auto env = modules::ModuleEnvironment::create();
    if (!env->registry->find(moduleId)) return failWith("bench", "module '" + moduleId + "' is not loaded");
    WorldRunReport report = runWorld(*env, config, {});
    if (!report.ok) return failWith("bench", report.error);
    nlohmann::json out = statsJson(report);
    out["bench"] = bench;
    out["engine"] = moduleId;
    out["size"] = std::to_string(config.width) + "x" + std::to_string(config.height);
    out["device"] = env->vulkan ? env->vulkan->deviceInfo().name : "none";
    std::cout << mnemo::toJson(out, 2) << "\n";
    return 0;
}

// A long session that keeps coming back: laps around a ring of radius 40 with a wobbling radius and heading, so a
// query near the ring has tens of thousands of entries within reach (the hard case for retrieval).
memory::MemoryBank makeBenchBank(uint32_t entries) {
    memory::MemoryBank bank;
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> jitter(-1.0f, 1.0f);
    const auto k = world::intrinsicsFromHorizontalFov(90, 640, 360);
    for (uint32_t i = 0; i < entries; ++i) {
        const float angle = float(i) * 0.1235f / 40.0f; // walking speed along the ring
        const float radius = 40.0f + 6.0f * std::sin(angle * 7.0f) + jitter(rng);
        world::CameraPose pose;
        pose.x = radius * std::cos(angle);
        pose.z = radius * std::sin(angle);
        // Tangent heading plus up to +-25 degrees of looking around.
        pose.yawDeg = world::CameraIntegrator::wrapYaw(-(angle * 57.2958f) + 180.0f + 25.0f * jitter(rng));
        pose.pitchDeg = 5.0f * jitter(rng);
        bank.add(i, int64_t(i) * 33333, i, {world::poseToCameraToWorld(pose), k}, nullptr);
    }
    return bank;
}

int benchRetrieval(const CliArgs &args) {
    const long entries = std::atol(args.valueOr("entries", "100000").c_str());
    const long queries = std::atol(args.valueOr("queries", "200").c_str());
    if (entries <= 0 || queries <= 0) return failWith("bench", "--entries and --queries must be positive", 2);
    const auto buildStart = std::chrono::steady_clock::now();
    memory::MemoryBank bank = makeBenchBank(uint32_t(entries));
    const double buildMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - buildStart).count();
    const auto k = world::intrinsicsFromHorizontalFov(90, 640, 360);
    nlohmann::json out{{"bench", "retrieval"}, {"entries", entries}, {"queries", queries}, {"build_ms", buildMs}};
    for (auto params : {memory::RetrievalParams::worldMem(), memory::RetrievalParams::matrixGame()}) {
        SampleWindow times{size_t(queries)};
        double candidates = 0, picks = 0;
        for (long q = 0; q < queries; ++q) {
            // Queries spread over the ring, looking along it, as a walker coming back would. One seed, as in a
            // session (the sample set is then reused, as the pipeline does every step).
            const float angle = float(q) / float(queries) * 6.2831853f;
            world::CameraPose pose;
            pose.x = 40.0f * std::cos(angle);
            pose.z = 40.0f * std::sin(angle);
            pose.yawDeg = world::CameraIntegrator::wrapYaw(-(angle * 57.2958f) + 180.0f);
            const auto result = memory::retrieve(bank, {{world::poseToCameraToWorld(pose), k}}, uint64_t(entries),
                                                 params);
            times.push(result.elapsedMs);
            candidates += result.candidates;
            picks += double(result.picks.size());
        }
        out[memory::retrievalAlgorithmName(params.algorithm)] = {
            {"p50_ms", times.percentile(0.5)},        {"p95_ms", times.percentile(0.95)},
            {"mean_candidates", candidates / double(queries)}, {"mean_picks", picks / double(queries)},
            {"k", params.algorithm == memory::RetrievalAlgorithm::WorldMem ? params.k : 1u}};
    }
    std::cout << mnemo::toJson(out, 2) << "\n";
    return 0;
}

} // namespace

// mnemo-cli bench pipeline [--size WxH] [--frames N]      host overhead with the null engine
// mnemo-cli bench reference-world [--size WxH] [--frames N]
int commandBench(const CliArgs &args) {
    if (args.positional().size() < 2) return failWith("bench", "which benchmark? (pipeline, reference-world, retrieval, decode, inspect)", 2);
    const std::string which = args.positional()[1];
    // The null engine with fill off does no per-pixel work: what remains is the host's own cost per frame.
    if (which == "pipeline") return benchWorld(args, "pipeline", "null-world", 3000, {{"fill", 0}});
    if (which == "reference-world") return benchWorld(args, "reference-world", "reference-world", 60, {});
    if (which == "retrieval") return benchRetrieval(args);
    if (which == "decode") return benchDecode(args);
    if (which == "inspect") return benchInspect(args);
    return failWith("bench", "unknown benchmark '" + which + "' (pipeline, reference-world, retrieval, decode, inspect)", 2);
}

} // namespace mnemo::cli
