// mnemo-cli track: write a scripted camera track (docs/camera-track.md).
#include "Commands.hpp"

#include "mnemo/camera/CameraTrack.hpp"

#include <memory>

namespace mnemo::cli {
namespace {

struct TrackOptions {
    std::string out;
    std::string pattern = "walk";
    long frames = 240;
    Size size{640, 360};
    double fps = 30;
    uint64_t seed = 1; // the explore pattern's choices
};

CLI::App *defineTrack(CLI::App &root, TrackOptions &o) {
    CLI::App *track = root.add_subcommand("track", "write a scripted camera track (see docs/camera-track.md)");
    track->add_option("--out", o.out, "the track file to write")->required()->type_name("FILE");
    addPatternOption(*track, o.pattern);
    addFramesOption(*track, o.frames, "frames in the track");
    addSizeOption(*track, o.size);
    addFpsOption(*track, o.fps, "frames per second the track is timed at");
    track->add_option("--seed", o.seed, "the explore pattern's choices (the same track for a seed everywhere)")
        ->capture_default_str();
    return track;
}

Status runTrack(const TrackOptions &o) {
    auto track =
        camera::makeScriptedTrack(o.pattern, uint32_t(o.frames), o.size.width, o.size.height, o.fps, o.seed);
    if (!track.ok()) return track.status();
    return camera::saveCameraTrack(track.value(), o.out);
}

void printTrack(const TrackOptions &o) {
    printJson({{"out", o.out}, {"frames", o.frames}, {"pattern", o.pattern}, {"seed", o.seed}}, -1);
}

} // namespace

void addTrackCommand(CLI::App &root, CommandLine &line) {
    auto o = std::make_shared<TrackOptions>();
    onParsed(*defineTrack(root, *o), line, [o] {
        if (Status s = runTrack(*o); !s.ok()) return failWith("track", s.message());
        printTrack(*o);
        return 0;
    });
}

} // namespace mnemo::cli
