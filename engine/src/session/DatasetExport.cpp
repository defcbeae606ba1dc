#include "mnemo/session/DatasetExport.hpp"

#include "mnemo/media/ImageFile.hpp"
#include "mnemo/media/VideoDecoder.hpp"
#include "mnemo/session/SessionRecorder.hpp"

#include <nlohmann/json.hpp>
#include "mnemo/core/JsonText.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unordered_map>

namespace mnemo::session {
namespace {

nlohmann::json actionJson(const camera::ControllerTick &t) {
    const int ws = int(t.held("KeyW")) - int(t.held("KeyS"));
    const int ad = int(t.held("KeyD")) - int(t.held("KeyA"));
    return {{"keys", t.keys}, {"mouse", {t.mouseDx, t.mouseDy}}, {"wheel", t.wheel}, {"ws", ws}, {"ad", ad}};
}

} // namespace

Result<ExportReport> exportDataset(const std::string &folder, const std::string &outDir,
                                   const std::function<void(uint64_t, uint64_t)> &progress) {
    auto db = SessionDatabase::openReadOnly(sessionDatabasePath(folder));
    if (!db.ok()) return db.status();
    auto rows = db.value()->frames();
    if (!rows.ok()) return rows.status();
    const auto meta = db.value()->meta();
    const std::string videoName = meta.count("video_path") ? meta.at("video_path") : "";
    if (videoName.empty()) return Status(StatusCode::InvalidArgument, "session '" + folder + "' has no video to export");
    auto decoder = media::VideoDecoder::open(folder + "/" + videoName);
    if (!decoder.ok()) return decoder.status();
    std::error_code ec;
    std::filesystem::create_directories(outDir + "/frames", ec);
    if (ec) return Status(StatusCode::NotFound, "cannot create '" + outDir + "/frames': " + ec.message());

    std::unordered_map<int64_t, const FrameRow *> byVideoFrame;
    for (const auto &r : rows.value()) byVideoFrame[r.videoFrame] = &r;
    std::ofstream lines(outDir + "/frames.jsonl");
    const std::string prompt = meta.count("prompt") ? meta.at("prompt") : "";
    ExportReport report;
    report.rows = rows->size();
    while (true) {
        auto next = decoder.value()->next();
        if (!next.ok()) return next.status();
        if (!next.value()) break;
        const int64_t v = int64_t(report.videoFrames++);
        auto it = byVideoFrame.find(v);
        if (it == byVideoFrame.end()) {
            ++report.videoFramesWithoutRow;
            continue;
        }
        const FrameRow &r = *it->second;
        char name[64];
        std::snprintf(name, sizeof name, "frames/%06llu.png", static_cast<unsigned long long>(r.frameIndex));
        if (Status s = media::writePng(outDir + "/" + name, next.value()->frame); !s.ok()) return s;
        const auto &k = r.camera.intrinsics;
        lines << nlohmann::json{{"frame_index", r.frameIndex},  {"image", name},
                                {"t_us", r.inputUs},            {"c2w", r.camera.c2w},
                                {"intrinsics", {k.fx, k.fy, k.cx, k.cy}}, {"action", actionJson(r.controller)},
                                {"prompt", prompt}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
        ++report.frames;
        if (progress && report.frames % 16 == 0) progress(report.frames, report.rows);
    }
    if (!lines.good()) return Status(StatusCode::Internal, "cannot write '" + outDir + "/frames.jsonl' (disk full?)");
    nlohmann::json metaJson(meta);
    metaJson["format"] = "mnemo-dataset";
    metaJson["dataset_version"] = 1;
    metaJson["frames"] = report.frames;
    std::ofstream(outDir + "/meta.json") << mnemo::toJson(metaJson, 2) << "\n";
    if (progress) progress(report.frames, report.rows);
    if (report.frames == 0) return Status(StatusCode::InvalidArgument, "no frame could be exported from '" + folder + "'");
    return report;
}

} // namespace mnemo::session
