#pragma once
// Camera types shared by the integrator, camera tracks, the pipeline and memory retrieval.
// Conventions (same as the module ABI): c2w is camera-to-world, column-major; camera axes are OpenCV's (+x right,
// +y down, +z forward); the world is right-handed with +y up. Yaw 0 looks along +z, positive yaw turns right
// (towards -x); positive pitch looks up.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mnemo::camera {

struct Intrinsics {
    float fx = 0, fy = 0, cx = 0, cy = 0; // pixels
};

struct CameraPose {
    float x = 0, y = 1.7f, z = 0;
    float yawDeg = 0;   // (-180, 180]
    float pitchDeg = 0; // clamped by the integrator
};

struct CameraFrame {
    std::array<float, 16> c2w{};
    Intrinsics intrinsics;
};

// Controller state for one tick: W3C KeyboardEvent.code names of the held keys, mouse motion since the last tick.
struct ControllerTick {
    int64_t tUs = 0;
    std::vector<std::string> keys;
    float mouseDx = 0, mouseDy = 0;
    float wheel = 0;

    bool held(const std::string &code) const;
};

std::array<float, 16> poseToCameraToWorld(const CameraPose &pose);
// Pinhole intrinsics for a horizontal field of view, square pixels, principal point at the centre.
Intrinsics intrinsicsFromHorizontalFov(float hfovDeg, uint32_t width, uint32_t height);
// The camera a fraction `t` of the way from `a` to `b` (0: a, 1: b): position and intrinsics linear, rotation along the
// shorter great arc (quaternion slerp). What a frame made between two frames (an interpolator's) was seen from.
CameraFrame interpolateCamera(const CameraFrame &a, const CameraFrame &b, float t);
// The same for integrator poses: position linear, yaw the short way round, pitch linear.
CameraPose interpolatePose(const CameraPose &a, const CameraPose &b, float t);
// Scales intrinsics recorded for one frame size to another.
Intrinsics rescaleIntrinsics(const Intrinsics &k, uint32_t fromW, uint32_t fromH, uint32_t toW, uint32_t toH);

} // namespace mnemo::camera
