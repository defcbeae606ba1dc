#include "mnemo/camera/CameraTrack.hpp"

#include "mnemo/core/JsonText.hpp"
#include "mnemo/core/Utf8.hpp"

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

namespace mnemo::camera {
namespace {
using nlohmann::json;
constexpr const char *kFormat = "mnemo-camera-track";
constexpr int kVersion = 1;

json controllerToJson(const ControllerTick &t) {
    return {{"keys", t.keys}, {"mouse", {t.mouseDx, t.mouseDy}}, {"wheel", t.wheel}};
}

// nlohmann's value<unsigned>() and get<float>() cast whatever number the file holds (3e31 into an unsigned: undefined
// behaviour, found by fuzz_camera_track), so numbers are range-checked as doubles before any conversion.
std::optional<double> finiteNumber(const json &j, double limit = std::numeric_limits<float>::max()) {
    if (!j.is_number()) return std::nullopt;
    const double v = j.get<double>();
    return std::isfinite(v) && std::fabs(v) <= limit ? std::optional<double>(v) : std::nullopt;
}

std::optional<int64_t> wholeNumber(const json &j, int64_t lo, int64_t hi) {
    if (j.is_number_unsigned()) {
        const uint64_t u = j.get<uint64_t>();
        return u <= uint64_t(hi) && int64_t(u) >= lo ? std::optional<int64_t>(int64_t(u)) : std::nullopt;
    }
    if (j.is_number_integer()) {
        const int64_t i = j.get<int64_t>();
        return i >= lo && i <= hi ? std::optional<int64_t>(i) : std::nullopt;
    }
    const auto d = finiteNumber(j, std::numeric_limits<double>::max());
    if (!d || *d != std::floor(*d) || *d < double(lo) || *d > double(hi)) return std::nullopt;
    return int64_t(*d);
}

// The field as a whole number in [lo, hi], `fallback` when absent, nullopt when present but not such a number.
std::optional<int64_t> wholeField(const json &obj, const char *key, int64_t fallback, int64_t lo, int64_t hi) {
    const auto it = obj.find(key);
    return it == obj.end() ? std::optional<int64_t>(fallback) : wholeNumber(*it, lo, hi);
}

std::optional<double> numberField(const json &obj, const char *key, double fallback) {
    const auto it = obj.find(key);
    return it == obj.end() ? std::optional<double>(fallback) : finiteNumber(*it);
}

Status readArray(const json &j, const char *key, float *out, size_t n, const std::string &where) {
    if (!j.contains(key) || !j[key].is_array() || j[key].size() != n) {
        return {StatusCode::InvalidArgument, where + ": '" + key + "' must be an array of " + std::to_string(n) +
                                                 " numbers"};
    }
    for (size_t i = 0; i < n; ++i) {
        const auto v = finiteNumber(j[key][i]);
        if (!v) {
            return {StatusCode::InvalidArgument,
                    where + ": '" + key + "[" + std::to_string(i) + "]' is not a finite number in float range"};
        }
        out[i] = float(*v);
    }
    return {};
}
} // namespace

Intrinsics CameraTrack::intrinsicsFor(size_t i, uint32_t outWidth, uint32_t outHeight) const {
    return rescaleIntrinsics(frames[i].camera.intrinsics, width, height, outWidth, outHeight);
}

std::string cameraTrackToJson(const CameraTrack &track) {
    json frames = json::array();
    for (size_t i = 0; i < track.frames.size(); ++i) {
        const auto &f = track.frames[i];
        const auto &k = f.camera.intrinsics;
        json jf{{"index", i}, {"t_us", f.tUs}, {"c2w", f.camera.c2w}, {"intrinsics", {k.fx, k.fy, k.cx, k.cy}}};
        if (f.controller) jf["controller"] = controllerToJson(*f.controller);
        frames.push_back(std::move(jf));
    }
    json doc{{"format", kFormat},
             {"version", kVersion},
             {"conventions", "c2w: camera-to-world 4x4, column-major; camera axes x right, y down, z forward (OpenCV); "
                             "world right-handed, y up; intrinsics fx, fy, cx, cy in pixels of width x height"},
             {"width", track.width},
             {"height", track.height},
             {"fps", track.fps},
             {"frames", frames}};
    return mnemo::toJson(doc, 1);
}

namespace {

constexpr int64_t kMaxTrackSide = 65536;
constexpr int64_t kMaxTimeUs = int64_t(1) << 53; // about 285 years

Result<ControllerTick> controllerFromJson(const json &c, int64_t tUs, const std::string &where) {
    ControllerTick t;
    t.tUs = tUs;
    if (!c.is_object()) return Status(StatusCode::InvalidArgument, where + ": 'controller' is not an object");
    t.keys = c.value("keys", std::vector<std::string>{});
    if (const auto mouse = c.find("mouse"); mouse != c.end()) {
        float m[2] = {0, 0};
        if (Status s = readArray(c, "mouse", m, 2, where + " controller"); !s.ok()) return s;
        t.mouseDx = m[0];
        t.mouseDy = m[1];
    }
    const auto wheel = numberField(c, "wheel", 0.0);
    if (!wheel) return Status(StatusCode::InvalidArgument, where + ": controller 'wheel' is not a finite number");
    t.wheel = float(*wheel);
    return t;
}

Result<CameraTrack> trackFromJson(const std::string &text, const std::string &source) {
    // A track is often hand-edited or made by another tool: stray bytes in a name must not refuse the file.
    json doc = parseJsonText(validUtf8(std::string_view(text)));
    if (doc.is_discarded()) {
        return Status(StatusCode::InvalidArgument,
                      source + ": not valid JSON (or nested deeper than " + std::to_string(kMaxJsonDepth) + " levels)");
    }
    if (!doc.is_object() || doc.value("format", "") != kFormat) {
        return Status(StatusCode::InvalidArgument,
                      source + ": not a camera track (\"format\" must be \"" + std::string(kFormat) + "\")");
    }
    const auto version = wholeField(doc, "version", 0, 0, 1 << 30);
    if (version != kVersion) {
        return Status(StatusCode::Unsupported, source + ": camera track version " +
                                                   (version ? std::to_string(*version) : std::string("(not a number)")) +
                                                   " is not supported (this build reads version " +
                                                   std::to_string(kVersion) + ")");
    }
    CameraTrack track;
    const auto width = wholeField(doc, "width", 0, 1, kMaxTrackSide);
    const auto height = wholeField(doc, "height", 0, 1, kMaxTrackSide);
    const auto fps = numberField(doc, "fps", 30.0);
    if (!width || !height || !fps || !(*fps > 0) || *fps > 10000) {
        return Status(StatusCode::InvalidArgument, source + ": width and height must be whole numbers from 1 to " +
                                                       std::to_string(kMaxTrackSide) + " and fps a positive number");
    }
    track.width = uint32_t(*width);
    track.height = uint32_t(*height);
    track.fps = *fps;
    if (!doc.contains("frames") || !doc["frames"].is_array() || doc["frames"].empty()) {
        return Status(StatusCode::InvalidArgument, source + ": 'frames' must be a non-empty array");
    }
    for (size_t i = 0; i < doc["frames"].size(); ++i) {
        const json &jf = doc["frames"][i];
        const std::string where = source + ": frame " + std::to_string(i);
        if (!jf.is_object()) return Status(StatusCode::InvalidArgument, where + " is not an object");
        CameraTrackFrame f;
        if (Status s = readArray(jf, "c2w", f.camera.c2w.data(), 16, where); !s.ok()) return s;
        float k[4];
        if (Status s = readArray(jf, "intrinsics", k, 4, where); !s.ok()) return s;
        f.camera.intrinsics = {k[0], k[1], k[2], k[3]};
        const auto tUs = wholeField(jf, "t_us", int64_t(double(i) * 1e6 / track.fps), -kMaxTimeUs, kMaxTimeUs);
        if (!tUs) return Status(StatusCode::InvalidArgument, where + ": 't_us' must be a whole number of microseconds");
        f.tUs = *tUs;
        if (jf.contains("controller")) {
            auto tick = controllerFromJson(jf["controller"], f.tUs, where);
            if (!tick.ok()) return tick.status();
            f.controller = std::move(tick.value());
        }
        track.frames.push_back(std::move(f));
    }
    return track;
}

} // namespace

Result<CameraTrack> cameraTrackFromJson(const std::string &text, const std::string &source) {
    // nlohmann's value() throws when a field has the wrong type ("width": "wide"); that is the file's fault.
    try {
        return trackFromJson(text, source);
    } catch (const json::exception &e) {
        return Status(StatusCode::InvalidArgument, source + ": a field has the wrong type (" + e.what() + ")");
    }
}

Result<CameraTrack> loadCameraTrack(const std::string &path) {
    std::ifstream in(path);
    if (!in) return Status(StatusCode::NotFound, "cannot open camera track '" + path + "'");
    std::stringstream text;
    text << in.rdbuf();
    return cameraTrackFromJson(text.str(), path);
}

Status saveCameraTrack(const CameraTrack &track, const std::string &path) {
    std::ofstream out(path);
    if (!out) return {StatusCode::NotFound, "cannot write camera track '" + path + "'"};
    out << cameraTrackToJson(track) << "\n";
    return out.good() ? Status{} : Status(StatusCode::Internal, "writing camera track '" + path + "' failed");
}

namespace {

// Pixels of mouse motion per frame that turn the camera by `degrees` per frame.
float mousePixelsFor(const IntegratorConfig &cfg, float degrees) {
    return degrees / cfg.degreesPerMouseUnit / cfg.mouseUnitsPerPixel;
}

// The tick that undoes `tick`: the opposite keys and mouse motion. The integrator's moves are symmetric (a frame's
// translation uses its average yaw, the same both ways), so a tick and then its undoing end at the pose before.
ControllerTick undone(const ControllerTick &tick) {
    static const std::map<std::string, std::string> opposite = {
        {"KeyW", "KeyS"}, {"KeyS", "KeyW"}, {"KeyA", "KeyD"}, {"KeyD", "KeyA"}};
    ControllerTick out;
    for (const std::string &key : tick.keys) out.keys.push_back(opposite.count(key) ? opposite.at(key) : key);
    out.mouseDx = -tick.mouseDx;
    out.mouseDy = -tick.mouseDy;
    return out;
}

// The explore pattern's controller ticks: segments drawn from a seeded generator (std::mt19937_64's sequence is fixed
// by the standard; the draws below use only its raw output, so the track is the same everywhere).
std::vector<ControllerTick> exploreTicks(uint32_t frames, uint64_t seed, const IntegratorConfig &cfg) {
    std::mt19937_64 rng(seed);
    const auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * double(rng() >> 11) * 0x1.0p-53; };
    std::vector<ControllerTick> ticks;
    while (ticks.size() < frames) {
        const double kind = uniform(0, 1);
        const uint32_t length = uint32_t(uniform(20, 70));
        if (kind < 0.3 && ticks.size() >= 20) { // return: undo a stretch, newest first
            const size_t back = std::min<size_t>(ticks.size(), size_t(uniform(20, double(std::min<size_t>(
                                                                                      ticks.size(), 120)))));
            for (size_t i = 0; i < back; ++i) ticks.push_back(undone(ticks[ticks.size() - 1 - 2 * i]));
        } else if (kind < 0.45) { // turn in place, either way, up to a full turn
            const float degrees = float(uniform(-360, 360));
            for (uint32_t i = 0; i < length; ++i) {
                ControllerTick t;
                t.mouseDx = mousePixelsFor(cfg, degrees / float(length));
                ticks.push_back(t);
            }
        } else if (kind < 0.55) { // strafe
            const std::string key = uniform(0, 1) < 0.5 ? "KeyA" : "KeyD";
            for (uint32_t i = 0; i < length; ++i) ticks.push_back({0, {key}, 0, 0, 0});
        } else { // walk with a gentle turn and a glance up or down
            const float turn = float(uniform(-2.0, 2.0)), look = float(uniform(-0.3, 0.3));
            for (uint32_t i = 0; i < length; ++i) {
                ControllerTick t{0, {"KeyW"}, mousePixelsFor(cfg, turn), 0, 0};
                t.mouseDy = mousePixelsFor(cfg, look * std::sin(float(i) * 0.2f));
                ticks.push_back(t);
            }
        }
    }
    ticks.resize(frames);
    return ticks;
}

} // namespace

Result<CameraTrack> makeScriptedTrack(const std::string &pattern, uint32_t frames, uint32_t width, uint32_t height,
                                      double fps, uint64_t seed) {
    if (frames == 0) return Status(StatusCode::InvalidArgument, "a track needs at least one frame");
    CameraIntegrator integrator;
    const IntegratorConfig &cfg = integrator.config();
    CameraTrack track;
    track.width = width;
    track.height = height;
    track.fps = fps;
    const Intrinsics k = intrinsicsFromHorizontalFov(cfg.horizontalFovDeg, width, height);
    const std::vector<ControllerTick> explore =
        pattern == "explore" ? exploreTicks(frames, seed, cfg) : std::vector<ControllerTick>{};
    const auto mousePixelsFor = [&](float degrees) { return camera::mousePixelsFor(cfg, degrees); };
    for (uint32_t i = 0; i < frames; ++i) {
        ControllerTick tick;
        const float phase = float(i) / float(frames);
        if (pattern == "explore") {
            tick = explore[i];
        } else if (pattern == "walk") {
            tick.keys = {"KeyW"};
            tick.mouseDx = mousePixelsFor(1.2f * std::sin(phase * 2.0f * 3.14159265f * 2.0f));
        } else if (pattern == "turn") {
            tick.mouseDx = mousePixelsFor(360.0f / float(frames));
        } else if (pattern == "out-and-back") {
            // Walk out, look right and back, then retrace the path walking backwards: every frame on the way back
            // revisits a pose of the way out (Matrix-Game 3.0 builds revisit clips by mirroring a trajectory too).
            const uint32_t walk = frames * 9 / 20;
            const uint32_t look = frames - 2 * walk;
            if (i < walk) {
                tick.keys = {"KeyW"};
            } else if (i < walk + look) {
                const float degreesPerFrame = 40.0f / float(std::max(1u, look / 2));
                tick.mouseDx = mousePixelsFor(i - walk < look / 2 ? degreesPerFrame : -degreesPerFrame);
            } else {
                tick.keys = {"KeyS"};
            }
        } else {
            return Status(StatusCode::InvalidArgument,
                          "unknown track pattern '" + pattern + "' (expected walk, turn, out-and-back or explore)");
        }
        tick.tUs = int64_t(double(i) * 1e6 / fps);
        // Record the camera the frame is rendered with: the pose *after* this tick's motion.
        const CameraPose pose = integrator.advance(tick, 1).front();
        CameraTrackFrame f;
        f.camera.c2w = poseToCameraToWorld(pose);
        f.camera.intrinsics = k;
        f.tUs = tick.tUs;
        f.controller = tick;
        track.frames.push_back(std::move(f));
    }
    return track;
}

} // namespace mnemo::camera
