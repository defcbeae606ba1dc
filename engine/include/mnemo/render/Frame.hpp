#pragma once
// A frame on the CPU: tightly packed RGBA8 rows, top row first, sRGB-encoded values.
// Frames are shared read-only between threads as std::shared_ptr<const Frame>.

#include <cstdint>
#include <vector>

namespace mnemo {

struct Frame {
    uint32_t width = 0;
    uint32_t height = 0;
    std::vector<uint8_t> rgba;
    uint64_t index = 0;      // position in its stream
    int64_t producedUs = 0;  // steady-clock microseconds when the frame was ready
    double renderMs = 0.0;   // time the producer spent on it
    int64_t inputUs = 0;     // steady-clock microseconds of the input sample that drove it (latency stamp)
    // A frame made between two frames of its stream (a frame interpolator's): it shows the moment
    // index - 1 + (part + 1) / parts. parts == 1, or part == parts - 1: the frame at `index` itself.
    uint32_t part = 0;
    uint32_t parts = 1;

    bool interpolated() const { return part + 1 < parts; }
    double position() const { return double(index) - 1.0 + double(part + 1) / double(parts); }
};

} // namespace mnemo
