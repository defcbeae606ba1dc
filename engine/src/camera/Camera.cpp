#include "mnemo/camera/Camera.hpp"

#include <algorithm>
#include <cmath>

namespace mnemo::camera {

bool ControllerTick::held(const std::string &code) const {
    return std::find(keys.begin(), keys.end(), code) != keys.end();
}

std::array<float, 16> poseToCameraToWorld(const CameraPose &pose) {
    constexpr float kDeg = 3.14159265358979f / 180.0f;
    const float yaw = pose.yawDeg * kDeg;
    const float pitch = pose.pitchDeg * kDeg;
    // forward (camera +z), right (camera +x, horizontal since roll is 0), down = forward x right (camera +y).
    const float f[3] = {-std::sin(yaw) * std::cos(pitch), std::sin(pitch), std::cos(yaw) * std::cos(pitch)};
    const float r[3] = {-std::cos(yaw), 0.0f, -std::sin(yaw)};
    const float d[3] = {f[1] * r[2] - f[2] * r[1], f[2] * r[0] - f[0] * r[2], f[0] * r[1] - f[1] * r[0]};
    return {r[0], r[1], r[2], 0.0f, d[0], d[1], d[2], 0.0f, f[0], f[1], f[2], 0.0f, pose.x, pose.y, pose.z, 1.0f};
}

Intrinsics intrinsicsFromHorizontalFov(float hfovDeg, uint32_t width, uint32_t height) {
    const float fx = 0.5f * float(width) / std::tan(0.5f * hfovDeg * 3.14159265358979f / 180.0f);
    return {fx, fx, 0.5f * float(width), 0.5f * float(height)};
}

Intrinsics rescaleIntrinsics(const Intrinsics &k, uint32_t fromW, uint32_t fromH, uint32_t toW, uint32_t toH) {
    if (fromW == 0 || fromH == 0) return k;
    const float sx = float(toW) / float(fromW);
    const float sy = float(toH) / float(fromH);
    return {k.fx * sx, k.fy * sy, k.cx * sx, k.cy * sy};
}

} // namespace mnemo::camera
