#include "mnemo/session/SessionReplay.hpp"
#include "mnemo/core/Utf8.hpp"
#include "mnemo/core/JsonText.hpp"

#include "mnemo/core/NumberText.hpp"

#include "mnemo/media/VideoDecoder.hpp"
#include "mnemo/session/SessionRecorder.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace mnemo::session {
namespace {

std::string metaOr(const std::map<std::string, std::string> &meta, const char *key, const char *fallback) {
    auto it = meta.find(key);
    return it == meta.end() || it->second.empty() ? fallback : it->second;
}

} // namespace

bool looksLikeSessionFolder(const std::string &folder) {
    std::error_code ec;
    return std::filesystem::is_regular_file(sessionDatabasePath(folder), ec);
}

Result<std::string> recordedVideo(const std::string &folder) {
    auto db = SessionDatabase::openReadOnly(sessionDatabasePath(folder));
    if (!db.ok()) return db.status();
    const std::string video = metaOr(db.value()->meta(), "video_path", "");
    if (video.empty()) return Status(StatusCode::NotFound, "session '" + folder + "' was recorded without video");
    return folder + "/" + video;
}

Result<world::WorldPipelineConfig> replayConfig(const SessionDatabase &db, const std::string &engineOverride) {
    const auto meta = db.meta();
    auto rows = db.frames();
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status(StatusCode::InvalidArgument, "session '" + db.path() + "' has no frames");
    world::WorldPipelineConfig c;
    c.moduleId = engineOverride.empty() ? metaOr(meta, "engine_id", "reference-world") : engineOverride;
    const auto width = parseUnsigned(metaOr(meta, "width", "0"));
    const auto height = parseUnsigned(metaOr(meta, "height", "0"));
    const auto seed = parseUnsigned(metaOr(meta, "seed", "1"));
    const auto fps = parseDouble(metaOr(meta, "fps", "30"));
    if (!width || !height || *width == 0 || *height == 0 || *width > 16384 || *height > 16384) {
        return Status(StatusCode::InvalidArgument, "session '" + db.path() + "' does not say a valid frame size (width '" +
                                                       metaOr(meta, "width", "") + "', height '" +
                                                       metaOr(meta, "height", "") + "')");
    }
    if (!seed || !fps || !(*fps > 0)) {
        return Status(StatusCode::InvalidArgument, "session '" + db.path() + "' has a malformed seed or fps ('" +
                                                       metaOr(meta, "seed", "") + "', '" + metaOr(meta, "fps", "") + "')");
    }
    c.width = uint32_t(*width);
    c.height = uint32_t(*height);
    c.seed = *seed;
    c.targetFps = *fps;
    const auto params = parseJsonText(validUtf8(std::string_view(metaOr(meta, "params_json", "{}"))));
    if (params.is_object()) {
        for (const auto &[k, v] : params.items()) {
            if (v.is_number()) c.params[k] = v.get<double>();
        }
    }
    camera::CameraTrack track;
    track.width = c.width;
    track.height = c.height;
    track.fps = c.targetFps;
    for (const auto &r : rows.value()) track.frames.push_back({r.camera, r.inputUs, r.controller});
    c.track = std::move(track);
    c.fixedTimestep = true;
    c.record = true;
    return c;
}

Result<ReplayResult> replaySession(modules::ModuleRegistry &registry, const std::string &folder,
                               const std::string &engineOverride,
                               const std::function<void(const ReplayFrame &)> &onFrame) {
    auto db = SessionDatabase::openReadOnly(sessionDatabasePath(folder));
    if (!db.ok()) return db.status();
    auto config = replayConfig(*db.value(), engineOverride);
    if (!config.ok()) return config.status();
    if (!registry.find(config->moduleId)) {
        return Status(StatusCode::NotFound, "engine '" + config->moduleId + "' is not loaded");
    }
    const auto meta = db.value()->meta();
    auto decoder = media::VideoDecoder::open(folder + "/" + metaOr(meta, "video_path", "video.mkv"));
    if (!decoder.ok()) return decoder.status();
    world::WorldPipeline pipeline(registry);
    pipeline.start(config.value());
    uint64_t compared = 0;
    while (auto item = pipeline.record().pop(std::chrono::seconds(60))) {
        auto recorded = decoder.value()->next();
        if (!recorded.ok()) return recorded.status();
        if (!recorded.value()) break;
        auto cmp = metrics::compareFrames(*(*item)->frame, recorded.value()->frame);
        if (!cmp.ok()) return cmp.status();
        ++compared;
        if (onFrame) onFrame({(*item)->frame->index, cmp.value()});
    }
    pipeline.stop();
    if (pipeline.state() == world::WorldPipeline::State::Failed) return Status(StatusCode::Internal, pipeline.error());
    return ReplayResult{compared, config->moduleId};
}

} // namespace mnemo::session
