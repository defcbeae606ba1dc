#include "Commands.hpp"

#include "mnemo/media/ImageFile.hpp"
#include "mnemo/media/VideoDecoder.hpp"
#include "mnemo/session/SessionRecorder.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unordered_map>

namespace mnemo::cli {
namespace {

// The session folder from a folder or its session.sqlite; empty (with `error` set) when there is none.
std::string sessionFolder(const std::string &path, std::string &error) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return path;
    if (std::filesystem::is_regular_file(path, ec)) return std::filesystem::path(path).parent_path().string();
    error = "no session at '" + path + "' (expected a session folder or its session.sqlite)";
    return {};
}

// MIND-style per-frame action: ws/ad axes from the movement keys, mouse motion for the look axes.
nlohmann::json actionJson(const world::ControllerTick &t) {
    const int ws = int(t.held("KeyW")) - int(t.held("KeyS"));
    const int ad = int(t.held("KeyD")) - int(t.held("KeyA"));
    return {{"keys", t.keys}, {"mouse", {t.mouseDx, t.mouseDy}}, {"wheel", t.wheel}, {"ws", ws}, {"ad", ad}};
}

} // namespace

// mnemo-cli session DIR: what a recorded session holds (JSON).
int commandSession(const CliArgs &args) {
    if (args.positional().size() < 2) return failWith("session", "usage: mnemo-cli session SESSION_DIR", 2);
    std::string error;
    const std::string folder = sessionFolder(args.positional()[1], error);
    if (folder.empty()) return failWith("session", error);
    auto db = session::SessionDatabase::openReadOnly(session::sessionDatabasePath(folder));
    if (!db.ok()) return failWith("session", db.message());
    nlohmann::json out{{"folder", folder},
                       {"schema_version", db.value()->schemaVersion()},
                       {"meta", db.value()->meta()},
                       {"frames", db.value()->frameCount()}};
    const auto meta = db.value()->meta();
    if (auto it = meta.find("video_path"); it != meta.end() && !it->second.empty()) {
        auto info = media::probe(folder + "/" + it->second);
        out["video"] = info.ok() ? nlohmann::json{{"codec", info->codec},
                                                  {"width", info->width},
                                                  {"height", info->height},
                                                  {"duration", info->durationSeconds}}
                                 : nlohmann::json{{"error", info.message()}};
    }
    std::cout << out.dump(2) << "\n";
    return 0;
}

// mnemo-cli export SESSION_DIR --format dataset --out DIR
// Writes frames/NNNNNN.png and frames.jsonl (one line per frame: camera, controller action, prompt), plus meta.json.
int commandExport(const CliArgs &args) {
    if (args.positional().size() < 2) return failWith("export", "usage: mnemo-cli export SESSION_DIR --format dataset --out DIR", 2);
    const std::string format = args.valueOr("format", "dataset");
    if (format != "dataset") return failWith("export", "unknown --format '" + format + "' (dataset)", 2);
    const auto outDir = args.value("out");
    if (!outDir) return failWith("export", "--out DIR is required", 2);
    std::string error;
    const std::string folder = sessionFolder(args.positional()[1], error);
    if (folder.empty()) return failWith("export", error);
    auto db = session::SessionDatabase::openReadOnly(session::sessionDatabasePath(folder));
    if (!db.ok()) return failWith("export", db.message());
    auto rows = db.value()->frames();
    if (!rows.ok()) return failWith("export", rows.message());
    const auto meta = db.value()->meta();
    const std::string videoName = meta.count("video_path") ? meta.at("video_path") : "";
    if (videoName.empty()) return failWith("export", "session '" + folder + "' has no video to export frames from");
    auto decoder = media::VideoDecoder::open(folder + "/" + videoName);
    if (!decoder.ok()) return failWith("export", decoder.message());

    std::error_code ec;
    std::filesystem::create_directories(*outDir + "/frames", ec);
    if (ec) return failWith("export", "cannot create '" + *outDir + "/frames': " + ec.message());
    std::unordered_map<int64_t, const session::FrameRow *> byVideoFrame;
    for (const auto &r : rows.value()) byVideoFrame[r.videoFrame] = &r;

    std::ofstream lines(*outDir + "/frames.jsonl");
    const std::string prompt = meta.count("prompt") ? meta.at("prompt") : "";
    uint64_t exported = 0, videoFrames = 0, unmatched = 0;
    while (true) {
        auto next = decoder.value()->next();
        if (!next.ok()) return failWith("export", next.message());
        if (!next.value()) break;
        const int64_t v = int64_t(videoFrames++);
        auto it = byVideoFrame.find(v);
        if (it == byVideoFrame.end()) {
            ++unmatched; // a frame in the video whose row was not committed (a crash between the two): skip it
            continue;
        }
        const session::FrameRow &r = *it->second;
        char name[64];
        std::snprintf(name, sizeof name, "frames/%06llu.png", static_cast<unsigned long long>(r.frameIndex));
        if (Status s = media::writePng(*outDir + "/" + name, next.value()->frame); !s.ok()) return failWith("export", s.message());
        const auto &k = r.camera.intrinsics;
        lines << nlohmann::json{{"frame_index", r.frameIndex},
                                {"image", name},
                                {"t_us", r.inputUs},
                                {"c2w", r.camera.c2w},
                                {"intrinsics", {k.fx, k.fy, k.cx, k.cy}},
                                {"action", actionJson(r.controller)},
                                {"prompt", prompt}}
                     .dump()
              << "\n";
        ++exported;
    }
    nlohmann::json metaJson(meta);
    metaJson["format"] = "mnemo-dataset";
    metaJson["dataset_version"] = 1;
    metaJson["frames"] = exported;
    std::ofstream(*outDir + "/meta.json") << metaJson.dump(2) << "\n";
    std::cout << nlohmann::json{{"out", *outDir},
                                {"frames", exported},
                                {"rows", rows->size()},
                                {"video_frames", videoFrames},
                                {"video_frames_without_row", unmatched}}
                     .dump(2)
              << "\n";
    return exported > 0 ? 0 : failWith("export", "no frame could be exported from '" + folder + "'");
}

} // namespace mnemo::cli
