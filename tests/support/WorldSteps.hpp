#pragma once
// Driving a world module instance directly, as the isolation and remote tests do: a walking camera and n steps of one
// frame each, the frames' bytes back (or the first failure). Header-only.

#include "mnemo/modules/ModuleInstance.hpp"

#include <vector>

namespace mnemo::testing {

// A camera 1.6 units up, looking along world -z, walking: column-major, OpenCV camera axes (y down, z forward).
inline camera::CameraFrame walkingCamera(int t, uint32_t width, uint32_t height) {
    camera::CameraFrame c;
    c.c2w = {1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0.25f * float(t), 1.6f, -0.5f * float(t), 1};
    c.intrinsics = {50, 50, float(width) / 2, float(height) / 2};
    return c;
}

// Steps from..from+n-1, one frame each, W held.
inline Result<std::vector<std::vector<uint8_t>>> worldSteps(modules::ModuleInstance &m, int from, int n) {
    std::vector<std::vector<uint8_t>> out;
    for (int t = from; t < from + n; ++t) {
        Frame f;
        f.width = m.width();
        f.height = m.height();
        f.index = uint64_t(t);
        f.rgba.assign(size_t(f.width) * f.height * 4, 0);
        camera::ControllerTick tick;
        tick.keys = {"KeyW"};
        if (Status s = m.worldStep({walkingCamera(t, f.width, f.height)}, {tick}, {&f}); !s.ok()) return s;
        out.push_back(f.rgba);
    }
    return out;
}

} // namespace mnemo::testing
