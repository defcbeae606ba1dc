// The camera path: keyframes, their interpolation, editing, and the file's text. Reading a file lives in
// CameraPathParse.cpp.
#include "mnemo/edit/CameraPath.hpp"

#include "CameraPathFields.hpp"

#include "mnemo/core/JsonText.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

namespace mnemo::edit {
namespace camera_path {

const std::array<ValueField, 6> &valueFields() {
    // The virtual-camera module's ranges (plugins/virtual-camera/virtual_camera.c); tst_camera_path compares them.
    static const std::array<ValueField, 6> fields{{
        {"pan_x", &CameraKeyframe::panX, -1, 1},
        {"pan_y", &CameraKeyframe::panY, -1, 1},
        {"zoom", &CameraKeyframe::zoom, 0.25, 8},
        {"roll", &CameraKeyframe::roll, -180, 180},
        {"tilt_x", &CameraKeyframe::tiltX, -60, 60},
        {"tilt_y", &CameraKeyframe::tiltY, -60, 60},
    }};
    return fields;
}

bool within(double value, double min, double max) { return std::isfinite(value) && value >= min && value <= max; }

std::string numberText(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

std::string rangeText(double min, double max) { return "[" + numberText(min) + ", " + numberText(max) + "]"; }

} // namespace camera_path

using namespace camera_path;

namespace {

constexpr const char *kEaseNames[] = {"linear", "ease-in-out", "hold"};

// Where the path is between two keyframes, 0..1, after easing.
double eased(Ease ease, double t) {
    switch (ease) {
    case Ease::Linear: return t;
    case Ease::EaseInOut: return t * t * (3 - 2 * t);
    case Ease::Hold: return 0;
    }
    return t;
}

double lerp(double a, double b, double w) { return a == b ? a : a + (b - a) * w; }

// Zoom is a ratio: eased in log space it magnifies at a steady rate, and halfway between 1 and 4 is 2.
double zoomBetween(double a, double b, double w) { return a == b ? a : std::exp(lerp(std::log(a), std::log(b), w)); }

CameraKeyframe between(const CameraKeyframe &a, const CameraKeyframe &b, double w) {
    if (w == 0) return a; // exactly the keyframe's values, so identity keyframes stay an exact copy in the module
    CameraKeyframe out = a;
    for (const ValueField &field : valueFields()) {
        out.*field.member = field.member == &CameraKeyframe::zoom ? zoomBetween(a.zoom, b.zoom, w)
                                                                   : lerp(a.*field.member, b.*field.member, w);
    }
    return out;
}

modules::ParamValues valuesOf(const CameraKeyframe &k) {
    modules::ParamValues values;
    for (const ValueField &field : valueFields()) values[field.name] = k.*field.member;
    return values;
}

} // namespace

const char *easeName(Ease ease) { return kEaseNames[int(ease)]; }

std::optional<Ease> easeFromName(const std::string &name) {
    for (int i = 0; i < 3; ++i) {
        if (name == kEaseNames[i]) return Ease(i);
    }
    return std::nullopt;
}

const std::vector<CameraRange> &cameraPathRanges() {
    static const std::vector<CameraRange> ranges = [] {
        std::vector<CameraRange> out;
        for (const ValueField &field : valueFields()) out.push_back({field.name, field.min, field.max});
        out.push_back(kStabilize);
        out.push_back(kSmoothing);
        return out;
    }();
    return ranges;
}

modules::ParamValues CameraPath::at(uint64_t frame) const {
    CameraKeyframe here; // identity when the path is empty
    if (!m_keyframes.empty()) {
        const auto next = std::upper_bound(m_keyframes.begin(), m_keyframes.end(), frame,
                                           [](uint64_t f, const CameraKeyframe &k) { return f < k.frame; });
        if (next == m_keyframes.begin()) {
            here = m_keyframes.front();
        } else if (next == m_keyframes.end()) {
            here = m_keyframes.back();
        } else {
            const CameraKeyframe &previous = *(next - 1);
            const double t = double(frame - previous.frame) / double(next->frame - previous.frame);
            here = between(previous, *next, eased(previous.ease, t));
        }
    }
    modules::ParamValues values = valuesOf(here);
    if (m_stabilize) values[kStabilize.name] = *m_stabilize;
    if (m_smoothing) values[kSmoothing.name] = *m_smoothing;
    return values;
}

Status CameraPath::setKeyframe(const CameraKeyframe &keyframe) {
    for (const ValueField &field : valueFields()) {
        const double value = keyframe.*field.member;
        if (!within(value, field.min, field.max)) {
            return {StatusCode::InvalidArgument, std::string(field.name) + " must be within " +
                                                     rangeText(field.min, field.max) + ", not " +
                                                     numberText(value)};
        }
    }
    const auto at = std::lower_bound(m_keyframes.begin(), m_keyframes.end(), keyframe.frame,
                                     [](const CameraKeyframe &k, uint64_t f) { return k.frame < f; });
    if (at != m_keyframes.end() && at->frame == keyframe.frame) {
        *at = keyframe;
    } else {
        m_keyframes.insert(at, keyframe);
    }
    return {};
}

Status CameraPath::setKeyframe(uint64_t frame, const modules::ParamValues &values, Ease ease) {
    CameraKeyframe keyframe;
    keyframe.frame = frame;
    keyframe.ease = ease;
    for (const auto &entry : values) { // not a structured binding: clang 14 cannot capture one in the lambda
        const std::string &name = entry.first;
        const auto field = std::find_if(valueFields().begin(), valueFields().end(),
                                        [&](const ValueField &f) { return name == f.name; });
        if (field == valueFields().end()) {
            return {StatusCode::InvalidArgument, "a camera keyframe has no value '" + name + "'"};
        }
        keyframe.*field->member = entry.second;
    }
    return setKeyframe(keyframe);
}

bool CameraPath::removeKeyframe(uint64_t frame) {
    const auto found = std::find_if(m_keyframes.begin(), m_keyframes.end(),
                                    [&](const CameraKeyframe &k) { return k.frame == frame; });
    if (found == m_keyframes.end()) return false;
    m_keyframes.erase(found);
    return true;
}

Status CameraPath::setStabilization(std::optional<double> stabilize, std::optional<double> smoothing) {
    for (const auto &[value, range] : {std::pair{stabilize, kStabilize}, std::pair{smoothing, kSmoothing}}) {
        if (value && !within(*value, range.min, range.max)) {
            return {StatusCode::InvalidArgument, std::string(range.name) + " must be within " +
                                                     rangeText(range.min, range.max) + ", not " +
                                                     numberText(*value)};
        }
    }
    m_stabilize = stabilize;
    m_smoothing = smoothing;
    return {};
}

std::string toJson(const CameraPath &path) {
    // Written by hand around nlohmann's one-line objects: one keyframe per line, fields in a reading order.
    std::string text = "{\n  \"format\": \"" + std::string(kFormat) + "\",\n  \"version\": " +
                       std::to_string(kVersion) + ",\n";
    if (path.stabilize()) text += "  \"stabilize\": " + mnemo::toJson(nlohmann::json(*path.stabilize())) + ",\n";
    if (path.smoothing()) text += "  \"smoothing\": " + mnemo::toJson(nlohmann::json(*path.smoothing())) + ",\n";
    text += "  \"keyframes\": [";
    const auto &keyframes = path.keyframes();
    for (size_t i = 0; i < keyframes.size(); ++i) {
        nlohmann::ordered_json line{{"frame", keyframes[i].frame}};
        for (const ValueField &field : valueFields()) line[field.name] = keyframes[i].*field.member;
        line["ease"] = easeName(keyframes[i].ease);
        text += std::string(i ? "," : "") + "\n    " + mnemo::toJson(line);
    }
    text += keyframes.empty() ? "]\n}\n" : "\n  ]\n}\n";
    return text;
}

Result<CameraPath> loadCameraPath(const std::string &file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status(StatusCode::NotFound, "cannot open camera path '" + file + "'");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return Status(StatusCode::Internal, "reading camera path '" + file + "' failed");
    return parseCameraPath(text, file);
}

Status saveCameraPath(const CameraPath &path, const std::string &file) {
    std::ofstream out(file, std::ios::binary);
    if (!out) return {StatusCode::NotFound, "cannot write camera path '" + file + "'"};
    out << toJson(path);
    out.close();
    return out.good() ? Status{} : Status(StatusCode::Internal, "writing camera path '" + file + "' failed");
}

} // namespace mnemo::edit
