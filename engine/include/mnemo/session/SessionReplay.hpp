#pragma once
// Re-driving a recorded session: the engine (recorded or another), size, seed and parameters from the session's
// meta, and its recorded cameras and controller state as a scripted track. Shared by `mnemo-cli replay` and the
// replay window.

#include "mnemo/metrics/ImageMetrics.hpp"
#include "mnemo/modules/ModuleRegistry.hpp"
#include "mnemo/session/SessionDatabase.hpp"
#include "mnemo/world/WorldPipeline.hpp"

#include <functional>

namespace mnemo::session {

// The pipeline configuration that replays the session (fixed timestep, recording on). `engineOverride` replaces
// the recorded engine when not empty.
Result<world::WorldPipelineConfig> replayConfig(const SessionDatabase &db, const std::string &engineOverride = {});

struct ReplayFrame {
    uint64_t frameIndex = 0;
    metrics::Comparison comparison; // engine frame vs recorded video frame
};

struct ReplayResult {
    uint64_t framesCompared = 0;
    std::string engineId; // the engine that was re-driven
};

// The recorded video of the session in `folder` (its database must open as a Mnemo session); an error when the
// folder is not a session or the session was recorded without video. For editing a session's frames.
Result<std::string> recordedVideo(const std::string &folder);
// True when `folder` holds a session database (by the file's presence; sessionVideoPath checks its content).
bool looksLikeSessionFolder(const std::string &folder);

// Re-drives the engine through the session in `folder` and compares every frame with the recorded video, in
// order; `onFrame` sees each comparison. Stops early when the video is shorter (a crash cut it).
// Thread: any (blocks).
Result<ReplayResult> replaySession(modules::ModuleRegistry &registry, const std::string &folder,
                               const std::string &engineOverride,
                               const std::function<void(const ReplayFrame &)> &onFrame);

} // namespace mnemo::session
