#include "mnemo/core/Clock.hpp"

#include <chrono>

namespace mnemo {

int64_t steadyNowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace mnemo
