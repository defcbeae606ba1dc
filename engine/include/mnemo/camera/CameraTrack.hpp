#pragma once
// A camera track file: the canonical per-frame cameras of a run (c2w + intrinsics), optionally with the controller
// state that produced each frame. JSON, documented in docs/camera-track.md; runs are scriptable and reproducible.

#include "mnemo/core/Status.hpp"
#include "mnemo/camera/CameraIntegrator.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mnemo::camera {

struct CameraTrackFrame {
    CameraFrame camera;
    int64_t tUs = 0;
    std::optional<ControllerTick> controller;
};

struct CameraTrack {
    uint32_t width = 640;  // the size the intrinsics are expressed for
    uint32_t height = 360;
    double fps = 30.0;
    std::vector<CameraTrackFrame> frames;

    // Intrinsics of frame i, rescaled to another output size.
    Intrinsics intrinsicsFor(size_t i, uint32_t outWidth, uint32_t outHeight) const;
};

Result<CameraTrack> loadCameraTrack(const std::string &path);
Status saveCameraTrack(const CameraTrack &track, const std::string &path);
std::string cameraTrackToJson(const CameraTrack &track);
Result<CameraTrack> cameraTrackFromJson(const std::string &json, const std::string &sourceName);

// Scripted tracks made by driving the integrator with synthetic controller input (so they carry controller state):
//  "walk"         forward with gentle left and right turns
//  "turn"         a full 360-degree turn in place
//  "out-and-back" walk out, look right and back, walk backwards to the start (every way-back frame revisits)
//  "explore"      a seeded wander for world-model data: walks with gentle turns, turns in place, strafes, and
//                 returns, each retracing a stretch before it with the actions undone (W and S swapped, A and D,
//                 the mouse negated) so the camera comes back through poses it had (closed loops, revisits)
// `seed` picks the explore pattern's choices (the others ignore it); a seed gives the same track on every machine.
Result<CameraTrack> makeScriptedTrack(const std::string &pattern, uint32_t frames, uint32_t width, uint32_t height,
                                      double fps = 30.0, uint64_t seed = 1);

} // namespace mnemo::camera
