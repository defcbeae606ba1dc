#include "Commands.hpp"

#include "mnemo/world/CameraTrack.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace mnemo::cli {

// mnemo-cli track --pattern walk|turn|out-and-back --frames N [--size WxH] [--fps F] --out FILE
int commandTrack(const CliArgs &args) {
    const auto out = args.value("out");
    if (!out) return failWith("track", "--out FILE is required", 2);
    const auto size = parseSize(args.valueOr("size", "640x360"));
    if (!size) return failWith("track", "--size must look like 640x360", 2);
    const int frames = std::atoi(args.valueOr("frames", "240").c_str());
    if (frames <= 0) return failWith("track", "--frames must be a positive number", 2);
    const double fps = std::atof(args.valueOr("fps", "30").c_str());
    auto track = world::makeScriptedTrack(args.valueOr("pattern", "walk"), uint32_t(frames), size->first,
                                          size->second, fps > 0 ? fps : 30.0);
    if (!track.ok()) return failWith("track", track.message(), 2);
    if (Status s = world::saveCameraTrack(track.value(), *out); !s.ok()) return failWith("track", s.message());
    std::cout << nlohmann::json{{"out", *out}, {"frames", frames}, {"pattern", args.valueOr("pattern", "walk")}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
    return 0;
}

} // namespace mnemo::cli
