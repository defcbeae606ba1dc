#pragma once
// A camera path for the virtual-camera edit module: keyframes of pan, zoom, roll and perspective tilt, eased between
// keyframes, plus optional stabilization settings. A JSON file documented in docs/camera-path.md; `mnemo-cli edit
// --camera-path FILE` drives the module with it and saves it next to the output.
//
// at(frame) gives the module's parameter values for a frame, so a path is the virtual-camera link's ParamAutomation.
// A malformed file is an error naming the file, the line (and column, for JSON syntax) and what was wrong.

#include "mnemo/core/Status.hpp"
#include "mnemo/edit/ParamAutomation.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mnemo::edit {

// How a keyframe's values move to the next keyframe's.
enum class Ease {
    Linear,    // constant speed
    EaseInOut, // smoothstep 3t^2 - 2t^3: starts and stops at rest, symmetric
    Hold,      // the values stay until the next keyframe, then jump
};

const char *easeName(Ease ease);
std::optional<Ease> easeFromName(const std::string &name);

struct CameraKeyframe {
    uint64_t frame = 0;
    double panX = 0, panY = 0; // fraction of the frame's width/height; + moves the view right/down
    double zoom = 1;           // 1: the whole frame; 2: twice magnified
    double roll = 0;           // degrees; + turns the camera clockwise (the picture turns counter-clockwise)
    double tiltX = 0, tiltY = 0; // degrees of perspective turn; + turns the camera right/down
    Ease ease = Ease::EaseInOut;  // towards the next keyframe
};

// The values a path may set: the virtual-camera module's parameter ranges (a test checks they agree), keyframe values
// (pan_x, pan_y, zoom, roll, tilt_x, tilt_y) first, then stabilize and smoothing.
struct CameraRange {
    const char *name; // the module's parameter name ("pan_x")
    double min, max;
};
const std::vector<CameraRange> &cameraPathRanges();

class CameraPath final : public ParamAutomation {
public:
    // pan_x, pan_y, zoom, roll, tilt_x, tilt_y at `frame` (plus stabilize and smoothing when the path sets them):
    // the first keyframe's values before it, the last one's after it, identity for an empty path. Zoom is eased in
    // log space, so a zoom from 1 to 4 is at 2 halfway and magnifies at a steady rate.
    modules::ParamValues at(uint64_t frame) const override;

    const std::vector<CameraKeyframe> &keyframes() const { return m_keyframes; }
    // Adds the keyframe, or replaces the one at the same frame; refuses values outside the module's ranges.
    Status setKeyframe(const CameraKeyframe &keyframe);
    // The same from module parameter values (a UI's sliders); names not given take the identity value.
    Status setKeyframe(uint64_t frame, const modules::ParamValues &values, Ease ease = Ease::EaseInOut);
    // false when there is no keyframe at `frame`.
    bool removeKeyframe(uint64_t frame);

    // Stabilization for the whole path (the module's `stabilize`, 0..1, and `smoothing`, 1..120 frames); unset
    // leaves the module's own values alone.
    std::optional<double> stabilize() const { return m_stabilize; }
    std::optional<double> smoothing() const { return m_smoothing; }
    Status setStabilization(std::optional<double> stabilize, std::optional<double> smoothing);

private:
    std::vector<CameraKeyframe> m_keyframes; // sorted by frame, one per frame
    std::optional<double> m_stabilize, m_smoothing;
};

// `nameForErrors` (a file name) starts every error message: "path.json:3:14: ...".
Result<CameraPath> parseCameraPath(const std::string &jsonText, const std::string &nameForErrors);
Result<CameraPath> loadCameraPath(const std::string &file);
Status saveCameraPath(const CameraPath &path, const std::string &file);
// The file's text: one keyframe per line, so an error's line number points at one keyframe.
std::string toJson(const CameraPath &path);

} // namespace mnemo::edit
