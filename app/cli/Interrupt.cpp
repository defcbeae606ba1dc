#include "Interrupt.hpp"

#include <atomic>
#include <csignal>

namespace mnemo::cli {
namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void onInterrupt(int) {
    g_interrupted = true;
}
} // namespace

void stopOnInterrupt() {
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

bool interrupted() {
    return g_interrupted.load();
}

} // namespace mnemo::cli
