// mnemo-cli eval revisit: how consistently an engine shows a place it comes back to, against the reference world.
// (eval drift, CommandEvalDrift.cpp: how far a long rollout strays from it.)
#include "Commands.hpp"
#include "EvalRender.hpp"

#include "mnemo/media/ImageFile.hpp"
#include "mnemo/memory/Retrieval.hpp"
#include "mnemo/metrics/ImageMetrics.hpp"
#include "mnemo/metrics/Plot.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>

namespace mnemo::cli {
namespace {

struct Revisit {
    uint64_t frame = 0;
    uint64_t firstVisit = 0;
    float overlap = 0;
    metrics::Comparison vsFirst;
    metrics::Comparison vsTruth;
};

std::string csvNumber(double v) { return std::isfinite(v) ? std::to_string(v) : "inf"; }

struct EvalOptions {
    std::string engine = "reference-world";
    std::optional<std::string> cameraTrack;
    Size size{320, 180};
    double threshold = 0.6;
    long minGap = 30;
    double maxDistance = 2.0;
    uint64_t seed = 1;
    std::string outDir = "revisit-eval";
    std::string memory = "on";
};

CLI::App *defineRevisit(CLI::App *eval, EvalOptions &o) {
    CLI::App *revisit = eval->add_subcommand(
        "revisit", "revisit consistency: JSON summary, per-revisit CSV and a plot, against the reference world");
    addEngineOption(*revisit, o.engine, "the engine to evaluate");
    addCameraTrackOption(*revisit, o.cameraTrack, "cameras to render (assets/tracks/ has out_and_back.json)")
        ->required();
    addSizeOption(*revisit, o.size);
    revisit->add_option("--threshold", o.threshold, "view overlap from which a frame counts as a revisit")
        ->type_name("T");
    revisit->add_option("--min-gap", o.minGap, "frames since the first visit, at least")->check(notNegative())
        ->type_name("N");
    revisit->add_option("--max-distance", o.maxDistance, "camera distance to the first visit, at most")
        ->type_name("D");
    addSeedOption(*revisit, o.seed);
    revisit->add_option("--memory", o.memory, "the world's camera-aware memory (off: the engine gets no memories)")
        ->check(CLI::IsMember({"on", "off"}));
    revisit->add_option("--out", o.outDir, "where revisits.csv and revisits.png go")->type_name("DIR");
    return revisit;
}

// A revisit: coming back to a place seen at least min-gap frames earlier: the camera is within max-distance of an
// earlier camera and their views overlap by the threshold or more (WorldMem picks memories by pose proximity the
// same way). The first visit is that earlier frame: the largest overlap, then the nearest pose.
std::vector<Revisit> findRevisits(const Rendered &generated, const Rendered &truth, const EvalOptions &o) {
    const memory::RetrievalParams overlapParams = memory::RetrievalParams::matrixGame();
    const float maxDistance = float(o.maxDistance);
    std::vector<Revisit> revisits;
    const auto &cams = generated.cameras.frames;
    for (size_t i = size_t(std::max(0L, o.minGap)); i < cams.size(); ++i) {
        Revisit best;
        float bestDistance = INFINITY;
        const auto &ci = cams[i].camera.c2w;
        for (size_t j = 0; j + size_t(o.minGap) <= i; ++j) {
            const auto &cj = cams[j].camera.c2w;
            const float distance = std::hypot(ci[12] - cj[12], ci[13] - cj[13], ci[14] - cj[14]);
            if (distance > maxDistance) continue;
            const float overlap = memory::frustumOverlap(cams[i].camera, cams[j].camera, overlapParams, 512);
            if (overlap > best.overlap + 1e-6f || (overlap >= best.overlap - 1e-6f && distance < bestDistance)) {
                best.overlap = std::max(overlap, best.overlap);
                best.firstVisit = j;
                bestDistance = distance;
            }
        }
        if (best.overlap < o.threshold) continue;
        best.frame = i;
        best.vsFirst = metrics::compareFrames(*generated.frames[i], *generated.frames[best.firstVisit]).value();
        best.vsTruth = metrics::compareFrames(*generated.frames[i], *truth.frames[i]).value();
        revisits.push_back(best);
    }
    return revisits;
}

// Means over the revisits. PSNR is +inf for identical frames and JSON has no infinity: its means are over the finite
// ones, and "identical" counts the rest.
struct RevisitStats {
    double psnrFirst = 0, ssimFirst = 0, psnrTruth = 0, ssimTruth = 0, overlapSum = 0;
    size_t finiteFirst = 0, finiteTruth = 0;
    bool exact = false; // every revisit equals the ground truth
};

RevisitStats summarize(const std::vector<Revisit> &revisits) {
    RevisitStats s;
    s.exact = !revisits.empty();
    for (const Revisit &r : revisits) {
        s.overlapSum += r.overlap;
        s.ssimFirst += r.vsFirst.ssim;
        s.ssimTruth += r.vsTruth.ssim;
        if (std::isfinite(r.vsFirst.psnr)) s.psnrFirst += r.vsFirst.psnr, ++s.finiteFirst;
        if (std::isfinite(r.vsTruth.psnr)) s.psnrTruth += r.vsTruth.psnr, ++s.finiteTruth;
        s.exact = s.exact && r.vsTruth.mse == 0.0;
    }
    return s;
}

// revisits.csv (one row per revisit) and revisits.png (PSNR against the first visit and the ground truth).
Status writeRevisitFiles(const std::string &outDir, const std::string &moduleId, const std::vector<Revisit> &revisits) {
    std::ofstream csv(outDir + "/revisits.csv");
    csv << "frame,first_visit_frame,overlap,psnr_vs_first_visit,ssim_vs_first_visit,psnr_vs_ground_truth,"
           "ssim_vs_ground_truth,mse_vs_ground_truth\n";
    metrics::PlotSeries firstSeries{"PSNR vs first visit", {90, 200, 255}, {}};
    metrics::PlotSeries truthSeries{"PSNR vs ground truth (60 = identical)", {255, 190, 80}, {}};
    metrics::PlotSeries overlapSeries{"overlap x 60", {140, 230, 120}, {}, false};
    for (const Revisit &r : revisits) {
        csv << r.frame << ',' << r.firstVisit << ',' << r.overlap << ',' << csvNumber(r.vsFirst.psnr) << ','
            << r.vsFirst.ssim << ',' << csvNumber(r.vsTruth.psnr) << ',' << r.vsTruth.ssim << ',' << r.vsTruth.mse
            << '\n';
        firstSeries.points.push_back({double(r.frame), std::min(60.0, r.vsFirst.psnr)});
        truthSeries.points.push_back({double(r.frame), std::min(60.0, r.vsTruth.psnr)});
        overlapSeries.points.push_back({double(r.frame), 60.0 * r.overlap});
    }
    csv.close();
    const metrics::PlotSpec spec{"Revisit consistency: " + moduleId, "revisit frame", "PSNR (dB)", 0, 60, 900, 420};
    return media::writePng(outDir + "/revisits.png",
                           metrics::renderPlot(spec, {firstSeries, truthSeries, overlapSeries}));
}

struct EvalResult {
    size_t frames = 0;
    std::vector<Revisit> revisits;
    RevisitStats stats;
};

// The engine renders the track (with its memory on or off); the reference world renders exactly the cameras the
// engine reports it used (the ground truth); then the revisits are found and compared.
Result<EvalResult> runEval(const EvalOptions &o) {
    world::WorldPipelineConfig config;
    config.moduleId = o.engine;
    config.width = o.size.width;
    config.height = o.size.height;
    config.seed = o.seed;
    auto track = camera::loadCameraTrack(*o.cameraTrack);
    if (!track.ok()) return track.status();
    config.track = std::move(track.value());
    config.memoryEnabled = o.memory == "on";
    std::error_code ec;
    std::filesystem::create_directories(o.outDir, ec);
    if (ec) return Status(StatusCode::Internal, "cannot create '" + o.outDir + "': " + ec.message());
    auto env = modules::ModuleEnvironment::create();
    auto runs = renderWithTruth(*env, config);
    if (!runs.ok()) return runs.status();
    const Rendered &generated = runs->generated;
    const Rendered &truth = runs->truth;
    EvalResult result{generated.cameras.frames.size(), findRevisits(generated, truth, o), {}};
    result.stats = summarize(result.revisits);
    if (Status s = writeRevisitFiles(o.outDir, o.engine, result.revisits); !s.ok()) return s;
    return result;
}

void printEval(const EvalOptions &o, const EvalResult &r) {
    const RevisitStats &s = r.stats;
    const size_t count = r.revisits.size();
    const double n = double(std::max<size_t>(count, 1));
    const auto meanOrNull = [](double sum, size_t finite) {
        return finite ? nlohmann::json(sum / double(finite)) : nlohmann::json(nullptr);
    };
    printJson({
        {"engine", o.engine},
        {"memory", o.memory},
        {"camera_track", *o.cameraTrack},
        {"frames", r.frames},
        {"size", o.size.text()},
        {"threshold", o.threshold},
        {"min_gap", o.minGap},
        {"max_distance", float(o.maxDistance)},
        {"revisits", count},
        {"mean_overlap", s.overlapSum / n},
        {"vs_first_visit",
         {{"psnr_mean", meanOrNull(s.psnrFirst, s.finiteFirst)},
          {"identical", count - s.finiteFirst},
          {"ssim_mean", s.ssimFirst / n}}},
        {"vs_ground_truth",
         {{"psnr_mean", meanOrNull(s.psnrTruth, s.finiteTruth)},
          {"identical", count - s.finiteTruth},
          {"ssim_mean", s.ssimTruth / n},
          {"exact", s.exact}}},
        {"csv", o.outDir + "/revisits.csv"},
        {"plot", o.outDir + "/revisits.png"},
    });
}

} // namespace

void addEvalCommand(CLI::App &root, CommandLine &line) {
    CLI::App *eval = root.add_subcommand("eval", "evaluations of an engine or an edit");
    eval->require_subcommand(1);
    auto o = std::make_shared<EvalOptions>();
    onParsed(*defineRevisit(eval, *o), line,
             [o] { return finish("eval", runEval(*o), [&](const EvalResult &r) { printEval(*o, r); }); });
    addEvalDriftCommand(*eval, line);
    addEvalConsistencyCommand(*eval, line);
}

} // namespace mnemo::cli
