#pragma once
// What CameraPath.cpp and CameraPathParse.cpp share: the file's format name and version, and the keyframe's value
// fields by their JSON (and module parameter) names.

#include "mnemo/edit/CameraPath.hpp"

#include <array>
#include <string>

namespace mnemo::edit::camera_path {

inline constexpr const char *kFormat = "mnemo-camera-path";
inline constexpr int kVersion = 1;

struct ValueField {
    const char *name;
    double CameraKeyframe::*member;
    double min, max;
};
// pan_x, pan_y, zoom, roll, tilt_x, tilt_y, in the file's order.
const std::array<ValueField, 6> &valueFields();

inline constexpr CameraRange kStabilize{"stabilize", 0, 1};
inline constexpr CameraRange kSmoothing{"smoothing", 1, 120};

bool within(double value, double min, double max);
std::string numberText(double value);          // "0.25", "8", "1e-07"
std::string rangeText(double min, double max); // "[0.25, 8]"

} // namespace mnemo::edit::camera_path
