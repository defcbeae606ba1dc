// The test video benchmarks make when they are given none (see BenchVideo.hpp).
#include "BenchVideo.hpp"

#include "mnemo/media/VideoEncoder.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace mnemo::cli {
namespace {

constexpr double kBenchVideoFps = 30.0;
constexpr int kBenchVideoCrf = 23; // x264's default: the bitrate of ordinary footage, not of an archive master

uint8_t triangle(int v) {
    v = ((v % 512) + 512) % 512;
    return uint8_t(v < 256 ? v : 511 - v);
}

// A panning picture: gradients over a fine static texture, moving 3 pixels a frame with colours drifting. The texture
// gives the bitrate of filmed footage (a clean gradient compresses to almost nothing and decodes faster than any real
// video); it moves with the picture, so x264 predicts it from the last frame and keeps to its keyframe interval (a
// grain that changed every frame would make every frame a scene cut, and the file all-intra).
void drawPattern(Frame &frame, int n) {
    for (uint32_t y = 0; y < frame.height; ++y) {
        uint8_t *p = frame.rgba.data() + size_t(y) * frame.width * 4;
        for (uint32_t x = 0; x < frame.width; ++x, p += 4) {
            const int sx = int(x) + 3 * n;
            uint32_t hash = (uint32_t(sx) * 73856093u) ^ (y * 19349663u);
            hash *= 2654435761u;
            const int grain = int((hash >> 27) & 15) - 8;
            p[0] = uint8_t(std::clamp(triangle(sx) + grain, 0, 255));
            p[1] = uint8_t(std::clamp(triangle(int(y) * 2 + n) + grain, 0, 255));
            p[2] = uint8_t(std::clamp(triangle(sx / 2 + int(y)) + grain, 0, 255));
            p[3] = 255;
        }
    }
}

} // namespace

Result<std::string> generateBenchVideo(uint32_t width, uint32_t height, int seconds) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path folder = fs::temp_directory_path(ec);
    if (ec) return Status(StatusCode::Internal, "no temporary folder for the test video: " + ec.message());
    const std::string name = "mnemo-bench-" + std::to_string(width) + "x" + std::to_string(height) + "-30fps-" +
                             std::to_string(seconds) + "s";
    const fs::path path = folder / (name + ".mkv");
    if (fs::exists(path, ec)) return path.string(); // made by an earlier run: the same pixels
    const fs::path partial = folder / ("mnemo-bench-" + std::to_string(getpid()) + ".partial.mkv");
    media::VideoEncoderConfig config;
    config.path = partial.string();
    config.width = width;
    config.height = height;
    config.fps = kBenchVideoFps;
    config.crf = kBenchVideoCrf;
    auto encoder = media::VideoEncoder::open(config);
    if (!encoder.ok()) return encoder.status();
    Frame frame;
    frame.width = width;
    frame.height = height;
    frame.rgba.resize(size_t(width) * height * 4);
    for (int n = 0; n < seconds * int(kBenchVideoFps); ++n) {
        drawPattern(frame, n);
        if (Status s = encoder.value()->write(frame); !s.ok()) return s;
    }
    if (Status s = encoder.value()->finish(); !s.ok()) return s;
    fs::rename(partial, path, ec);
    if (ec) return Status(StatusCode::Internal, "cannot move the test video to " + path.string() + ": " + ec.message());
    return path.string();
}


} // namespace mnemo::cli
