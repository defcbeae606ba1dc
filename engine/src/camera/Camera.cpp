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

namespace {

using Quat = std::array<double, 4>; // w, x, y, z

// The rotation of a column-major camera-to-world matrix (columns: right, down, forward) as a unit quaternion.
Quat rotationOf(const std::array<float, 16> &m) {
    auto r = [&](int row, int col) { return double(m[size_t(col) * 4 + size_t(row)]); };
    const double trace = r(0, 0) + r(1, 1) + r(2, 2);
    Quat q;
    if (trace > 0) {
        const double s = std::sqrt(trace + 1.0) * 2;
        q = {0.25 * s, (r(2, 1) - r(1, 2)) / s, (r(0, 2) - r(2, 0)) / s, (r(1, 0) - r(0, 1)) / s};
    } else if (r(0, 0) > r(1, 1) && r(0, 0) > r(2, 2)) {
        const double s = std::sqrt(1.0 + r(0, 0) - r(1, 1) - r(2, 2)) * 2;
        q = {(r(2, 1) - r(1, 2)) / s, 0.25 * s, (r(0, 1) + r(1, 0)) / s, (r(0, 2) + r(2, 0)) / s};
    } else if (r(1, 1) > r(2, 2)) {
        const double s = std::sqrt(1.0 + r(1, 1) - r(0, 0) - r(2, 2)) * 2;
        q = {(r(0, 2) - r(2, 0)) / s, (r(0, 1) + r(1, 0)) / s, 0.25 * s, (r(1, 2) + r(2, 1)) / s};
    } else {
        const double s = std::sqrt(1.0 + r(2, 2) - r(0, 0) - r(1, 1)) * 2;
        q = {(r(1, 0) - r(0, 1)) / s, (r(0, 2) + r(2, 0)) / s, (r(1, 2) + r(2, 1)) / s, 0.25 * s};
    }
    const double n = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    for (double &v : q) v /= n;
    return q;
}

Quat slerp(Quat a, const Quat &b, double t) {
    double dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
    if (dot < 0) { // the shorter arc
        for (double &v : a) v = -v;
        dot = -dot;
    }
    double wa = 1 - t, wb = t;
    if (dot < 0.9995) {
        const double angle = std::acos(dot), s = std::sin(angle);
        wa = std::sin((1 - t) * angle) / s;
        wb = std::sin(t * angle) / s;
    }
    Quat q;
    for (size_t i = 0; i < 4; ++i) q[i] = wa * a[i] + wb * b[i];
    const double n = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    for (double &v : q) v /= n;
    return q;
}

void writeRotation(const Quat &q, std::array<float, 16> &m) {
    const double w = q[0], x = q[1], y = q[2], z = q[3];
    const double r[3][3] = {{1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)},
                            {2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)},
                            {2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)}};
    for (size_t col = 0; col < 3; ++col)
        for (size_t row = 0; row < 3; ++row) m[col * 4 + row] = float(r[row][col]);
}

float mix(float a, float b, float t) { return a + (b - a) * t; }

} // namespace

CameraFrame interpolateCamera(const CameraFrame &a, const CameraFrame &b, float t) {
    CameraFrame out = b;
    writeRotation(slerp(rotationOf(a.c2w), rotationOf(b.c2w), double(t)), out.c2w);
    for (size_t i = 12; i < 15; ++i) out.c2w[i] = mix(a.c2w[i], b.c2w[i], t);
    out.intrinsics = {mix(a.intrinsics.fx, b.intrinsics.fx, t), mix(a.intrinsics.fy, b.intrinsics.fy, t),
                      mix(a.intrinsics.cx, b.intrinsics.cx, t), mix(a.intrinsics.cy, b.intrinsics.cy, t)};
    return out;
}

CameraPose interpolatePose(const CameraPose &a, const CameraPose &b, float t) {
    float turn = std::fmod(b.yawDeg - a.yawDeg, 360.0f);
    if (turn > 180) turn -= 360;
    if (turn <= -180) turn += 360;
    float yaw = a.yawDeg + turn * t;
    if (yaw > 180) yaw -= 360;
    if (yaw <= -180) yaw += 360;
    return {mix(a.x, b.x, t), mix(a.y, b.y, t), mix(a.z, b.z, t), yaw, mix(a.pitchDeg, b.pitchDeg, t)};
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
