#pragma once
// The one clock every timestamp in a run is taken from: input samples, frames, latencies, session rows and the
// modules' host clock (mnemo_host_services.now_us) all compare against each other, so they must share it.

#include <cstdint>

namespace mnemo {

// Microseconds on the steady (monotonic) clock; only differences mean anything.
int64_t steadyNowUs();

} // namespace mnemo
