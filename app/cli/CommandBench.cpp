// mnemo-cli bench: the host's overhead per frame (pipeline), the reference world's frame rate, memory retrieval
// times; bench decode and bench inspect live in their own files.
#include "Commands.hpp"
#include "WorldRun.hpp"

#include "mnemo/core/SampleWindow.hpp"
#include "mnemo/memory/Retrieval.hpp"

#include <cmath>
#include <memory>
#include <random>

namespace mnemo::cli {
namespace {

// ---- bench pipeline, bench reference-world ----------------------------------------------------------------------

struct BenchWorldOptions {
    std::string bench;    // "pipeline", "reference-world" or "world" (any engine)
    std::string moduleId; // the module it drives
    modules::ParamValues params;
    Size size{640, 360};
    long frames = 0;
    IsolationOptions isolation;
    std::string memory = "on";
};

struct BenchWorldResult {
    WorldRunReport report;
    std::string device;
};

Result<BenchWorldResult> runBenchWorld(const BenchWorldOptions &o) {
    world::WorldPipelineConfig config;
    config.moduleId = o.moduleId;
    config.width = o.size.width;
    config.height = o.size.height;
    config.fixedTimestep = true;
    config.params = o.params;
    // The pipeline benchmark measures the host's hand-over cost; memory is its own stage (bench retrieval).
    config.memoryEnabled = o.bench != "pipeline" && o.memory == "on";
    auto track = camera::makeScriptedTrack("walk", uint32_t(o.frames), config.width, config.height);
    if (!track.ok()) return track.status();
    config.track = std::move(track.value());
    config.maxFrames = uint64_t(o.frames);
    auto env = modules::ModuleEnvironment::create();
    applyIsolation(*env->registry, o.isolation);
    if (!env->registry->find(o.moduleId)) {
        return Status(StatusCode::NotFound, "module '" + o.moduleId + "' is not loaded");
    }
    BenchWorldResult result{runWorld(*env, config, {}), env->vulkan ? env->vulkan->deviceInfo().name : "none"};
    if (!result.report.ok) return Status(StatusCode::Internal, result.report.error);
    return result;
}

void printBenchWorld(const BenchWorldOptions &o, const BenchWorldResult &r) {
    nlohmann::json out = statsJson(r.report);
    out["bench"] = o.bench;
    out["engine"] = o.moduleId;
    out["size"] = o.size.text();
    out["device"] = r.device;
    out["isolated"] = o.isolation.isolated;
    out["memory"] = o.bench != "pipeline" && o.memory == "on" ? "on" : "off";
    printJson(out);
}

void defineBenchWorld(CLI::App &bench, CommandLine &line, BenchWorldOptions defaults, const std::string &description) {
    auto o = std::make_shared<BenchWorldOptions>(std::move(defaults));
    CLI::App *command = bench.add_subcommand(o->bench, description);
    addSizeOption(*command, o->size);
    addFramesOption(*command, o->frames, "frames to run (a walk)");
    addIsolationOptions(*command, o->isolation);
    if (o->bench == "world") {
        addEngineOption(*command, o->moduleId, "the world engine to measure");
        command->add_option("--memory", o->memory, "the world's memory")->check(CLI::IsMember({"on", "off"}));
    }
    onParsed(*command, line, [o] {
        return finish("bench", runBenchWorld(*o), [&](const BenchWorldResult &r) { printBenchWorld(*o, r); });
    });
}

// ---- bench retrieval ---------------------------------------------------------------------------------------------

// A long session that keeps coming back: laps around a ring of radius 40 with a wobbling radius and heading, so a
// query near the ring has tens of thousands of entries within reach (the hard case for retrieval).
memory::MemoryBank makeBenchBank(uint32_t entries) {
    memory::MemoryBank bank;
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> jitter(-1.0f, 1.0f);
    const auto k = camera::intrinsicsFromHorizontalFov(90, 640, 360);
    for (uint32_t i = 0; i < entries; ++i) {
        const float angle = float(i) * 0.1235f / 40.0f; // walking speed along the ring
        const float radius = 40.0f + 6.0f * std::sin(angle * 7.0f) + jitter(rng);
        camera::CameraPose pose;
        pose.x = radius * std::cos(angle);
        pose.z = radius * std::sin(angle);
        // Tangent heading plus up to +-25 degrees of looking around.
        pose.yawDeg = camera::CameraIntegrator::wrapYaw(-(angle * 57.2958f) + 180.0f + 25.0f * jitter(rng));
        pose.pitchDeg = 5.0f * jitter(rng);
        bank.add(i, int64_t(i) * 33333, i, {camera::poseToCameraToWorld(pose), k}, nullptr);
    }
    return bank;
}

struct RetrievalOptions {
    long entries = 100000;
    long queries = 200;
};

struct AlgorithmTimes {
    std::string name;
    double p50Ms = 0, p95Ms = 0, meanCandidates = 0, meanPicks = 0;
    uint32_t k = 0;
};

struct RetrievalResult {
    double buildMs = 0;
    std::vector<AlgorithmTimes> algorithms;
};

// Queries spread over the ring, looking along it, as a walker coming back would. One seed, as in a session (the
// sample set is then reused, as the pipeline does every step).
AlgorithmTimes timeRetrieval(const memory::MemoryBank &bank, const memory::RetrievalParams &params, long entries,
                             long queries) {
    const auto k = camera::intrinsicsFromHorizontalFov(90, 640, 360);
    SampleWindow times{size_t(queries)};
    double candidates = 0, picks = 0;
    for (long q = 0; q < queries; ++q) {
        const float angle = float(q) / float(queries) * 6.2831853f;
        camera::CameraPose pose;
        pose.x = 40.0f * std::cos(angle);
        pose.z = 40.0f * std::sin(angle);
        pose.yawDeg = camera::CameraIntegrator::wrapYaw(-(angle * 57.2958f) + 180.0f);
        const auto result = memory::retrieve(bank, {{camera::poseToCameraToWorld(pose), k}}, uint64_t(entries),
                                             params);
        times.push(result.elapsedMs);
        candidates += result.candidates;
        picks += double(result.picks.size());
    }
    return {memory::retrievalAlgorithmName(params.algorithm), times.percentile(0.5), times.percentile(0.95),
            candidates / double(queries), picks / double(queries),
            params.algorithm == memory::RetrievalAlgorithm::WorldMem ? params.k : 1u};
}

RetrievalResult runRetrieval(const RetrievalOptions &o) {
    const auto buildStart = std::chrono::steady_clock::now();
    const memory::MemoryBank bank = makeBenchBank(uint32_t(o.entries));
    RetrievalResult result;
    result.buildMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - buildStart).count();
    for (auto params : {memory::RetrievalParams::worldMem(), memory::RetrievalParams::matrixGame()}) {
        result.algorithms.push_back(timeRetrieval(bank, params, o.entries, o.queries));
    }
    return result;
}

void printRetrieval(const RetrievalOptions &o, const RetrievalResult &r) {
    nlohmann::json out{{"bench", "retrieval"}, {"entries", o.entries}, {"queries", o.queries}, {"build_ms", r.buildMs}};
    for (const AlgorithmTimes &a : r.algorithms) {
        out[a.name] = {{"p50_ms", a.p50Ms},         {"p95_ms", a.p95Ms}, {"mean_candidates", a.meanCandidates},
                       {"mean_picks", a.meanPicks}, {"k", a.k}};
    }
    printJson(out);
}

void defineRetrieval(CLI::App &bench, CommandLine &line) {
    auto o = std::make_shared<RetrievalOptions>();
    CLI::App *command = bench.add_subcommand("retrieval", "memory retrieval time, both algorithms (JSON)");
    command->add_option("--entries", o->entries, "memory entries in the bank (laps around a ring)")
        ->check(positive())
        ->type_name("N");
    addQueriesOption(*command, o->queries);
    onParsed(*command, line, [o] {
        printRetrieval(*o, runRetrieval(*o));
        return 0;
    });
}

} // namespace

void addBenchCommand(CLI::App &root, CommandLine &line) {
    CLI::App *bench = root.add_subcommand("bench", "benchmarks (JSON)");
    bench->require_subcommand(1);
    // The null engine with fill off does no per-pixel work: what remains is the host's own cost per frame.
    defineBenchWorld(*bench, line, {"pipeline", "null-world", {{"fill", 0}}, {640, 360}, 3000},
                     "host overhead per frame with the null engine (JSON)");
    defineBenchWorld(*bench, line, {"reference-world", "reference-world", {}, {640, 360}, 60},
                     "reference-world frame rate on this machine (JSON)");
    defineBenchWorld(*bench, line, {"world", "tiny-world", {}, {64, 36}, 300},
                     "any world engine's frame rate and host overhead (default: tiny-world at its 64x36) (JSON)");
    defineRetrieval(*bench, line);
    addBenchDecodeCommand(*bench, line);
    addBenchInspectCommand(*bench, line);
    addBenchEditCommand(*bench, line);
    addBenchRemoteCommand(*bench, line);
    addBenchNnCommand(*bench, line);
}

} // namespace mnemo::cli
