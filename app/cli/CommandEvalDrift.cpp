// mnemo-cli eval drift: how far an engine's long rollout strays from the reference world, frame by frame, with its
// memory on and off: PSNR and SSIM against the ground truth at every frame (drift.csv), the curves (drift.png), and
// the JSON summary with the PSNR at frames 100, 1,000 and 3,000 (each the mean of the 50 frames up to it).
#include "Commands.hpp"
#include "EvalRender.hpp"

#include "mnemo/media/ImageFile.hpp"
#include "mnemo/metrics/ImageMetrics.hpp"
#include "mnemo/metrics/Plot.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>

namespace mnemo::cli {
namespace {

constexpr size_t kWindow = 50; // "PSNR at frame N" averages the N-th frame and the 49 before it (0-based N-50..N-1)

struct DriftOptions {
    std::string engine = "tiny-world";
    std::string pattern = "explore";
    std::optional<std::string> cameraTrack;
    long frames = 3000;
    Size size{64, 36};
    uint64_t seed = 7; // the track's (the explore pattern's choices); the training data uses 1000 and up
    std::string memory = "both";
    std::string outDir = "drift-eval";
};

struct DriftCurve {
    std::string memory; // "on" or "off"
    std::vector<metrics::Comparison> frames;
};

CLI::App *defineDrift(CLI::App *eval, DriftOptions &o) {
    CLI::App *drift = eval->add_subcommand(
        "drift", "a long rollout against the reference world: PSNR over time with memory on and off (JSON, CSV, plot)");
    addEngineOption(*drift, o.engine, "the engine to evaluate");
    addPatternOption(*drift, o.pattern);
    addCameraTrackOption(*drift, o.cameraTrack, "cameras to render instead of a pattern");
    drift->add_option("--frames", o.frames, "frames of the pattern's track")
        ->check(CLI::Range(1L, 100000L))
        ->type_name("N");
    addSizeOption(*drift, o.size);
    drift->add_option("--seed", o.seed, "the explore pattern's choices")->type_name("S");
    drift->add_option("--memory", o.memory, "the world's memory: on, off, or both (two runs, one plot)")
        ->check(CLI::IsMember({"on", "off", "both"}));
    drift->add_option("--out", o.outDir, "where drift.csv and drift.png go")->type_name("DIR");
    return drift;
}

Result<DriftCurve> runCurve(modules::ModuleEnvironment &env, const world::WorldPipelineConfig &base,
                            const std::string &memory) {
    world::WorldPipelineConfig config = base;
    config.memoryEnabled = memory == "on";
    auto runs = renderWithTruth(env, config);
    if (!runs.ok()) return runs.status().withContext("memory " + memory);
    DriftCurve curve{memory, {}};
    for (size_t i = 0; i < runs->generated.frames.size() && i < runs->truth.frames.size(); ++i) {
        auto c = metrics::compareFrames(*runs->generated.frames[i], *runs->truth.frames[i]);
        if (!c.ok()) return c.status();
        curve.frames.push_back(c.value());
    }
    return curve;
}

double capped(double psnr) {
    return std::isfinite(psnr) ? psnr : 60.0; // identical frames: JSON has no infinity
}

// Mean PSNR over frames [from, to).
double meanPsnr(const DriftCurve &c, size_t from, size_t to) {
    double sum = 0;
    to = std::min(to, c.frames.size());
    for (size_t i = from; i < to; ++i)
        sum += capped(c.frames[i].psnr);
    return to > from ? sum / double(to - from) : 0.0;
}

nlohmann::json curveJson(const DriftCurve &c) {
    nlohmann::json at = nlohmann::json::object();
    for (size_t n : {size_t(100), size_t(1000), size_t(3000)}) {
        if (n <= c.frames.size()) at[std::to_string(n)] = meanPsnr(c, n - std::min(n, kWindow), n);
    }
    double ssim = 0;
    for (const auto &f : c.frames)
        ssim += f.ssim;
    const size_t n = c.frames.size();
    return {{"psnr_mean", meanPsnr(c, 0, n)},
            {"ssim_mean", n ? ssim / double(n) : 0.0},
            {"psnr_first_half", meanPsnr(c, 0, n / 2)},
            {"psnr_second_half", meanPsnr(c, n / 2, n)},
            {"psnr_at", at}};
}

Status writeDriftFiles(const DriftOptions &o, const std::vector<DriftCurve> &curves) {
    std::ofstream csv(o.outDir + "/drift.csv");
    csv << "memory,frame,psnr_vs_ground_truth,ssim_vs_ground_truth\n";
    std::vector<metrics::PlotSeries> series;
    for (const DriftCurve &c : curves) {
        metrics::PlotSeries s{"memory " + c.memory + " (PSNR, mean of 25 frames)",
                              c.memory == "on" ? std::array<uint8_t, 3>{255, 190, 80}
                                               : std::array<uint8_t, 3>{90, 200, 255},
                              {},
                              false};
        for (size_t i = 0; i < c.frames.size(); ++i) {
            csv << c.memory << ',' << i << ',' << capped(c.frames[i].psnr) << ',' << c.frames[i].ssim << '\n';
            if (i % 5 == 0) s.points.push_back({double(i), meanPsnr(c, i - std::min<size_t>(i, 24), i + 1)});
        }
        series.push_back(std::move(s));
    }
    if (!csv) return Status(StatusCode::Internal, "cannot write '" + o.outDir + "/drift.csv'");
    const metrics::PlotSpec spec{
        "Drift against the reference world: " + o.engine, "frame", "PSNR (dB)", 0, 50, 900, 420};
    return media::writePng(o.outDir + "/drift.png", metrics::renderPlot(spec, series));
}

Result<std::vector<DriftCurve>> runDrift(const DriftOptions &o) {
    world::WorldPipelineConfig config;
    config.moduleId = o.engine;
    config.width = o.size.width;
    config.height = o.size.height;
    auto track = o.cameraTrack ? camera::loadCameraTrack(*o.cameraTrack)
                               : camera::makeScriptedTrack(o.pattern, uint32_t(o.frames), o.size.width, o.size.height,
                                                           30.0, o.seed);
    if (!track.ok()) return track.status();
    config.track = std::move(track.value());
    std::error_code ec;
    std::filesystem::create_directories(o.outDir, ec);
    if (ec) return Status(StatusCode::Internal, "cannot create '" + o.outDir + "': " + ec.message());
    auto env = modules::ModuleEnvironment::create();
    std::vector<DriftCurve> curves;
    for (const std::string memory : {"on", "off"}) {
        if (o.memory != "both" && o.memory != memory) continue;
        auto curve = runCurve(*env, config, memory);
        if (!curve.ok()) return curve.status();
        curves.push_back(std::move(curve.value()));
    }
    if (Status s = writeDriftFiles(o, curves); !s.ok()) return s;
    return curves;
}

void printDrift(const DriftOptions &o, const std::vector<DriftCurve> &curves) {
    nlohmann::json memory = nlohmann::json::object();
    for (const DriftCurve &c : curves)
        memory[c.memory] = curveJson(c);
    printJson({{"engine", o.engine},
               {"camera_track", o.cameraTrack ? *o.cameraTrack : o.pattern + " (seed " + std::to_string(o.seed) + ")"},
               {"frames", curves.empty() ? 0 : curves.front().frames.size()},
               {"size", o.size.text()},
               {"psnr_at_window", kWindow},
               {"memory", memory},
               {"csv", o.outDir + "/drift.csv"},
               {"plot", o.outDir + "/drift.png"}});
}

} // namespace

void addEvalDriftCommand(CLI::App &eval, CommandLine &line) {
    auto o = std::make_shared<DriftOptions>();
    onParsed(*defineDrift(&eval, *o), line, [o] {
        return finish("eval", runDrift(*o), [&](const std::vector<DriftCurve> &c) { printDrift(*o, c); });
    });
}

} // namespace mnemo::cli
