// mnemo-cli session and export: what a recorded session holds, and a session as a dataset.
#include "Commands.hpp"

#include "mnemo/media/VideoDecoder.hpp"
#include "mnemo/session/DatasetExport.hpp"
#include "mnemo/session/SessionRecorder.hpp"

#include <filesystem>
#include <memory>

namespace mnemo::cli {
namespace {

// The session folder from a folder or its session.sqlite.
Result<std::string> sessionFolder(const std::string &path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return path;
    if (std::filesystem::is_regular_file(path, ec)) return std::filesystem::path(path).parent_path().string();
    return Status(StatusCode::NotFound,
                  "no session at '" + path + "' (expected a session folder or its session.sqlite)");
}

CLI::Option *addSessionArgument(CLI::App &command, std::string &path) {
    return command.add_option("SESSION_DIR", path, "a session folder or its session.sqlite")->required();
}

// ---- session DIR ---------------------------------------------------------------------------------------------

Result<nlohmann::json> runSession(const std::string &path) {
    const auto folder = sessionFolder(path);
    if (!folder.ok()) return folder.status();
    auto db = session::SessionDatabase::openReadOnly(session::sessionDatabasePath(folder.value()));
    if (!db.ok()) return db.status();
    nlohmann::json out{{"folder", folder.value()},
                       {"schema_version", db.value()->schemaVersion()},
                       {"meta", db.value()->meta()},
                       {"frames", db.value()->frameCount()}};
    const auto meta = db.value()->meta();
    if (auto it = meta.find("video_path"); it != meta.end() && !it->second.empty()) {
        auto info = media::probe(folder.value() + "/" + it->second);
        out["video"] = info.ok() ? nlohmann::json{{"codec", info->codec},
                                                  {"width", info->width},
                                                  {"height", info->height},
                                                  {"duration", info->durationSeconds}}
                                 : nlohmann::json{{"error", info.message()}};
    }
    // Frames an output interpolator made between the world's (schema 3): counted, with their video.
    auto between = db.value()->betweenFrames();
    if (!between.ok()) return between.status();
    out["frames_between"] = between->size();
    if (auto it = meta.find("between_video_path"); it != meta.end() && !it->second.empty()) {
        out["between_video"] = it->second;
    }
    return out;
}

// ---- export DIR --format dataset --out OUT (docs/dataset-format.md) --------------------------------------------

struct ExportOptions {
    std::string session;
    std::string format = "dataset";
    std::string out;
};

CLI::App *defineExport(CLI::App &root, ExportOptions &o) {
    CLI::App *command = root.add_subcommand(
        "export", "a session's frames as PNGs plus per-frame camera, action and prompt (frames.jsonl)");
    addSessionArgument(*command, o.session);
    command->add_option("--format", o.format, "what to write (docs/dataset-format.md)")
        ->check(CLI::IsMember({"dataset"}));
    command->add_option("--out", o.out, "the folder to write")->required()->type_name("DIR");
    return command;
}

Result<session::ExportReport> runExport(const ExportOptions &o) {
    const auto folder = sessionFolder(o.session);
    if (!folder.ok()) return folder.status();
    return session::exportDataset(folder.value(), o.out);
}

void printExport(const ExportOptions &o, const session::ExportReport &report) {
    printJson({{"out", o.out},
               {"frames", report.frames},
               {"rows", report.rows},
               {"video_frames", report.videoFrames},
               {"video_frames_without_row", report.videoFramesWithoutRow}});
}

} // namespace

void addSessionCommand(CLI::App &root, CommandLine &line) {
    auto path = std::make_shared<std::string>();
    CLI::App *command = root.add_subcommand("session", "what a recorded session holds (JSON)");
    addSessionArgument(*command, *path);
    onParsed(*command, line, [path] {
        return finish("session", runSession(*path), [](const nlohmann::json &out) { printJson(out); });
    });
}

void addExportCommand(CLI::App &root, CommandLine &line) {
    auto o = std::make_shared<ExportOptions>();
    onParsed(*defineExport(root, *o), line, [o] {
        return finish("export", runExport(*o), [&](const session::ExportReport &r) { printExport(*o, r); });
    });
}

} // namespace mnemo::cli
