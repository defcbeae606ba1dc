#include "Commands.hpp"
#include "WorldRun.hpp"

#include "mnemo/media/VideoDecoder.hpp"
#include "mnemo/metrics/ImageMetrics.hpp"
#include "mnemo/session/SessionRecorder.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace mnemo::cli {

// mnemo-cli replay SESSION_DIR [--engine ID] [--csv FILE]
// Re-drives an engine (the recorded one by default) with the session's recorded cameras and controller state, and
// compares every frame with the recorded video: a deterministic engine recorded losslessly (FFV1) replays exactly.
int commandReplay(const CliArgs &args) {
    if (args.positional().size() < 2) return failWith("replay", "usage: mnemo-cli replay SESSION_DIR [--engine ID]", 2);
    const std::string folder = args.positional()[1];
    auto db = session::SessionDatabase::openReadOnly(session::sessionDatabasePath(folder));
    if (!db.ok()) return failWith("replay", db.message());
    const auto meta = db.value()->meta();
    auto rows = db.value()->frames();
    if (!rows.ok()) return failWith("replay", rows.message());
    if (rows->empty()) return failWith("replay", "session '" + folder + "' has no frames");
    auto decoder = media::VideoDecoder::open(folder + "/" + (meta.count("video_path") ? meta.at("video_path") : ""));
    if (!decoder.ok()) return failWith("replay", decoder.message());

    world::WorldPipelineConfig config;
    config.moduleId = args.valueOr("engine", meta.count("engine_id") ? meta.at("engine_id") : "reference-world");
    config.width = uint32_t(std::stoul(meta.count("width") ? meta.at("width") : "0"));
    config.height = uint32_t(std::stoul(meta.count("height") ? meta.at("height") : "0"));
    config.seed = std::stoull(meta.count("seed") ? meta.at("seed") : "1");
    config.targetFps = std::stod(meta.count("fps") ? meta.at("fps") : "30");
    if (meta.count("params_json")) {
        const auto params = nlohmann::json::parse(meta.at("params_json"), nullptr, false);
        if (params.is_object()) {
            for (const auto &[k, v] : params.items()) {
                if (v.is_number()) config.params[k] = v.get<double>();
            }
        }
    }
    const std::string csvPath = args.valueOr("csv", "");
    if (const auto unused = args.unusedOptions(); !unused.empty()) return failWith("replay", "unknown option " + unused.front(), 2);
    world::CameraTrack track;
    track.width = config.width;
    track.height = config.height;
    track.fps = config.targetFps;
    for (const auto &r : rows.value()) {
        world::CameraTrackFrame f;
        f.camera = r.camera;
        f.tUs = r.inputUs;
        f.controller = r.controller;
        track.frames.push_back(f);
    }
    config.track = std::move(track);
    config.fixedTimestep = true;
    config.record = true;

    auto env = modules::ModuleEnvironment::create();
    if (!env->registry->find(config.moduleId)) return failWith("replay", "engine '" + config.moduleId + "' is not loaded");
    world::WorldPipeline pipeline(*env->registry);
    pipeline.start(config);
    std::ofstream csv;
    if (!csvPath.empty()) {
        csv.open(csvPath);
        csv << "frame,mse,psnr,ssim\n";
    }
    uint64_t compared = 0, identical = 0;
    double psnrSum = 0, ssimSum = 0, worstPsnr = INFINITY;
    size_t finite = 0;
    while (auto item = pipeline.record().pop(std::chrono::seconds(60))) {
        auto recorded = decoder.value()->next();
        if (!recorded.ok()) return failWith("replay", recorded.message());
        if (!recorded.value()) break; // the video is shorter than the database (a crash cut it)
        auto cmp = metrics::compareFrames(*(*item)->frame, recorded.value()->frame);
        if (!cmp.ok()) return failWith("replay", cmp.message());
        ++compared;
        identical += cmp->mse == 0.0;
        ssimSum += cmp->ssim;
        if (std::isfinite(cmp->psnr)) {
            psnrSum += cmp->psnr;
            ++finite;
            worstPsnr = std::min(worstPsnr, cmp->psnr);
        }
        if (csv.is_open()) csv << (*item)->frame->index << ',' << cmp->mse << ',' << (std::isfinite(cmp->psnr) ? std::to_string(cmp->psnr) : "inf") << ',' << cmp->ssim << '\n';
    }
    pipeline.stop();
    if (pipeline.state() == world::WorldPipeline::State::Failed) return failWith("replay", pipeline.error());
    nlohmann::json out{{"session", folder},
                       {"engine", config.moduleId},
                       {"frames_compared", compared},
                       {"identical", identical},
                       {"deterministic", compared > 0 && identical == compared},
                       {"psnr_mean", finite ? nlohmann::json(psnrSum / double(finite)) : nlohmann::json(nullptr)},
                       {"psnr_min", finite ? nlohmann::json(worstPsnr) : nlohmann::json(nullptr)},
                       {"ssim_mean", compared ? ssimSum / double(compared) : 0.0}};
    if (!csvPath.empty()) out["csv"] = csvPath;
    std::cout << out.dump(2) << "\n";
    return compared > 0 ? 0 : failWith("replay", "nothing to compare in '" + folder + "'");
}

} // namespace mnemo::cli
