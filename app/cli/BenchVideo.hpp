#pragma once
// A panning test picture with filmed-footage texture, encoded as H.264 at 30 fps into the temporary folder, for the
// benchmarks that need an input and were given none (bench decode, bench edit). A keyframe every second (the
// encoder's interval). Written under a private name and renamed, so two runs at once never read each other's
// half-written file; a file an earlier run made is reused.

#include "mnemo/core/Status.hpp"

#include <cstdint>
#include <string>

namespace mnemo::cli {

constexpr uint32_t kBenchVideoWidth = 1280, kBenchVideoHeight = 720;

Result<std::string> generateBenchVideo(uint32_t width, uint32_t height, int seconds);

} // namespace mnemo::cli
