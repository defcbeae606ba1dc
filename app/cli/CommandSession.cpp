#include "Commands.hpp"

#include "mnemo/media/VideoDecoder.hpp"
#include "mnemo/session/DatasetExport.hpp"
#include "mnemo/session/SessionRecorder.hpp"

#include <nlohmann/json.hpp>
#include "mnemo/core/JsonText.hpp"

#include <filesystem>
#include <iostream>

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
    std::cout << mnemo::toJson(out, 2) << "\n";
    return 0;
}

// mnemo-cli export SESSION_DIR --format dataset --out DIR (docs/dataset-format.md)
int commandExport(const CliArgs &args) {
    if (args.positional().size() < 2) return failWith("export", "usage: mnemo-cli export SESSION_DIR --format dataset --out DIR", 2);
    const std::string format = args.valueOr("format", "dataset");
    if (format != "dataset") return failWith("export", "unknown --format '" + format + "' (dataset)", 2);
    const auto outDir = args.value("out");
    if (!outDir) return failWith("export", "--out DIR is required", 2);
    std::string error;
    const std::string folder = sessionFolder(args.positional()[1], error);
    if (folder.empty()) return failWith("export", error);
    auto report = session::exportDataset(folder, *outDir);
    if (!report.ok()) return failWith("export", report.message());
    std::cout << nlohmann::json{{"out", *outDir},
                                {"frames", report->frames},
                                {"rows", report->rows},
                                {"video_frames", report->videoFrames},
                                {"video_frames_without_row", report->videoFramesWithoutRow}}
                     .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
    return 0;
}

} // namespace mnemo::cli
