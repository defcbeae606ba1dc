#include "Commands.hpp"
#include "mnemo/core/JsonText.hpp"
#include "WorldRun.hpp"

#include "mnemo/media/ImageFile.hpp"
#include "mnemo/memory/Retrieval.hpp"
#include "mnemo/metrics/ImageMetrics.hpp"
#include "mnemo/metrics/Plot.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace mnemo::cli {
namespace {

struct Revisit {
    uint64_t frame = 0;
    uint64_t firstVisit = 0;
    float overlap = 0;
    metrics::Comparison vsFirst;
    metrics::Comparison vsTruth;
};

// Frames of a run, in order, kept for comparison.
struct Rendered {
    std::vector<std::shared_ptr<const Frame>> frames;
    world::CameraTrack cameras;
};

Result<Rendered> render(modules::ModuleEnvironment &env, world::WorldPipelineConfig config) {
    config.record = true;
    config.fixedTimestep = true;
    world::WorldPipeline pipeline(*env.registry);
    pipeline.start(config);
    Rendered out;
    out.cameras.width = config.width;
    out.cameras.height = config.height;
    while (auto item = pipeline.record().pop(std::chrono::seconds(60))) {
        out.frames.push_back((*item)->frame);
        world::CameraTrackFrame f;
        f.camera = (*item)->camera;
        out.cameras.frames.push_back(f);
    }
    if (pipeline.state() == world::WorldPipeline::State::Failed) return Status(StatusCode::Internal, pipeline.error());
    if (out.frames.empty()) return Status(StatusCode::Internal, "the run produced no frames");
    return out;
}

std::string csvNumber(double v) { return std::isfinite(v) ? std::to_string(v) : "inf"; }

} // namespace

// mnemo-cli eval revisit --engine ID --camera-track FILE [--size WxH] [--threshold T] [--min-gap N]
//                        [--max-distance D] [--seed S] [--out DIR]
int commandEval(const CliArgs &args) {
    if (args.positional().size() < 2 || args.positional()[1] != "revisit") {
        return failWith("eval", "which evaluation? (revisit)", 2);
    }
    const auto trackPath = args.value("camera-track");
    if (!trackPath) return failWith("eval", "--camera-track FILE is required (assets/tracks/ has out_and_back.json)", 2);
    const auto size = parseSize(args.valueOr("size", "320x180"));
    if (!size) return failWith("eval", "--size must look like 320x180", 2);
    const double threshold = std::atof(args.valueOr("threshold", "0.6").c_str());
    const long minGap = std::atol(args.valueOr("min-gap", "30").c_str());
    const float maxDistance = float(std::atof(args.valueOr("max-distance", "2.0").c_str()));
    const std::string outDir = args.valueOr("out", "revisit-eval");
    world::WorldPipelineConfig config;
    config.moduleId = args.valueOr("engine", "reference-world");
    config.width = size->first;
    config.height = size->second;
    config.seed = std::strtoull(args.valueOr("seed", "1").c_str(), nullptr, 10);
    if (const auto unused = args.unusedOptions(); !unused.empty()) {
        return failWith("eval", "unknown option " + unused.front(), 2);
    }
    auto track = world::loadCameraTrack(*trackPath);
    if (!track.ok()) return failWith("eval", track.message());
    config.track = std::move(track.value());
    std::error_code ec;
    std::filesystem::create_directories(outDir, ec);
    if (ec) return failWith("eval", "cannot create '" + outDir + "': " + ec.message());

    auto env = modules::ModuleEnvironment::create();
    for (const char *id : {config.moduleId.c_str(), "reference-world"}) {
        if (!env->registry->find(id)) return failWith("eval", std::string("module '") + id + "' is not loaded");
    }
    auto generated = render(*env, config);
    if (!generated.ok()) return failWith("eval", generated.message());
    // Ground truth: the reference world rendering exactly the cameras the engine reports it used.
    world::WorldPipelineConfig truthConfig = config;
    truthConfig.moduleId = "reference-world";
    truthConfig.track = generated->cameras;
    truthConfig.params.clear();
    auto truth = render(*env, truthConfig);
    if (!truth.ok()) return failWith("eval", "ground truth: " + truth.message());

    // A revisit: coming back to a place seen at least min-gap frames earlier: the camera is within max-distance of
    // an earlier camera and their views overlap by the threshold or more (WorldMem picks memories by pose
    // proximity the same way). The first visit is that earlier frame: the largest overlap, then the nearest pose.
    memory::RetrievalParams overlapParams = memory::RetrievalParams::matrixGame();
    std::vector<Revisit> revisits;
    const auto &cams = generated->cameras.frames;
    for (size_t i = size_t(std::max(0L, minGap)); i < cams.size(); ++i) {
        Revisit best;
        float bestDistance = INFINITY;
        const auto &ci = cams[i].camera.c2w;
        for (size_t j = 0; j + size_t(minGap) <= i; ++j) {
            const auto &cj = cams[j].camera.c2w;
            const float distance = std::hypot(ci[12] - cj[12], ci[13] - cj[13], ci[14] - cj[14]);
            if (distance > maxDistance) continue;
            const float o = memory::frustumOverlap(cams[i].camera, cams[j].camera, overlapParams, 512);
            if (o > best.overlap + 1e-6f || (o >= best.overlap - 1e-6f && distance < bestDistance)) {
                best.overlap = std::max(o, best.overlap);
                best.firstVisit = j;
                bestDistance = distance;
            }
        }
        if (best.overlap < threshold) continue;
        best.frame = i;
        best.vsFirst = metrics::compareFrames(*generated->frames[i], *generated->frames[best.firstVisit]).value();
        best.vsTruth = metrics::compareFrames(*generated->frames[i], *truth->frames[i]).value();
        revisits.push_back(best);
    }

    std::ofstream csv(outDir + "/revisits.csv");
    csv << "frame,first_visit_frame,overlap,psnr_vs_first_visit,ssim_vs_first_visit,psnr_vs_ground_truth,"
           "ssim_vs_ground_truth,mse_vs_ground_truth\n";
    double psnrFirst = 0, ssimFirst = 0, psnrTruth = 0, ssimTruth = 0, overlapSum = 0;
    size_t finiteFirst = 0, finiteTruth = 0;
    bool exact = !revisits.empty();
    metrics::PlotSeries firstSeries{"PSNR vs first visit", {90, 200, 255}, {}};
    metrics::PlotSeries truthSeries{"PSNR vs ground truth (60 = identical)", {255, 190, 80}, {}};
    metrics::PlotSeries overlapSeries{"overlap x 60", {140, 230, 120}, {}, false};
    for (const Revisit &r : revisits) {
        csv << r.frame << ',' << r.firstVisit << ',' << r.overlap << ',' << csvNumber(r.vsFirst.psnr) << ','
            << r.vsFirst.ssim << ',' << csvNumber(r.vsTruth.psnr) << ',' << r.vsTruth.ssim << ',' << r.vsTruth.mse
            << '\n';
        overlapSum += r.overlap;
        ssimFirst += r.vsFirst.ssim;
        ssimTruth += r.vsTruth.ssim;
        if (std::isfinite(r.vsFirst.psnr)) psnrFirst += r.vsFirst.psnr, ++finiteFirst;
        if (std::isfinite(r.vsTruth.psnr)) psnrTruth += r.vsTruth.psnr, ++finiteTruth;
        exact = exact && r.vsTruth.mse == 0.0;
        firstSeries.points.push_back({double(r.frame), std::min(60.0, r.vsFirst.psnr)});
        truthSeries.points.push_back({double(r.frame), std::min(60.0, r.vsTruth.psnr)});
        overlapSeries.points.push_back({double(r.frame), 60.0 * r.overlap});
    }
    csv.close();
    const double n = double(std::max<size_t>(revisits.size(), 1));
    const metrics::PlotSpec spec{"Revisit consistency: " + config.moduleId, "revisit frame", "PSNR (dB)", 0, 60, 900,
                                 420};
    if (Status s = media::writePng(outDir + "/revisits.png", metrics::renderPlot(spec, {firstSeries, truthSeries,
                                                                                        overlapSeries}));
        !s.ok()) {
        return failWith("eval", s.message());
    }

    nlohmann::json out{
        {"engine", config.moduleId},
        {"camera_track", *trackPath},
        {"frames", cams.size()},
        {"size", std::to_string(config.width) + "x" + std::to_string(config.height)},
        {"threshold", threshold},
        {"min_gap", minGap},
        {"max_distance", maxDistance},
        {"revisits", revisits.size()},
        {"mean_overlap", overlapSum / n},
        // PSNR is +inf for identical frames and JSON has no infinity: means are over the finite ones, and
        // "identical" counts the rest.
        {"vs_first_visit",
         {{"psnr_mean", finiteFirst ? nlohmann::json(psnrFirst / double(finiteFirst)) : nlohmann::json(nullptr)},
          {"identical", revisits.size() - finiteFirst},
          {"ssim_mean", ssimFirst / n}}},
        {"vs_ground_truth",
         {{"psnr_mean", finiteTruth ? nlohmann::json(psnrTruth / double(finiteTruth)) : nlohmann::json(nullptr)},
          {"identical", revisits.size() - finiteTruth},
          {"ssim_mean", ssimTruth / n},
          {"exact", exact}}},
        {"csv", outDir + "/revisits.csv"},
        {"plot", outDir + "/revisits.png"},
    };
    std::cout << mnemo::toJson(out, 2) << "\n";
    return 0;
}

} // namespace mnemo::cli
