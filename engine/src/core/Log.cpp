#include "mnemo/core/Log.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace mnemo::log {
namespace {

Level levelFromEnvironment() {
    const char *env = std::getenv("MNEMO_LOG_LEVEL");
    if (!env) {
        return Level::Info;
    }
    const std::string v(env);
    if (v == "debug") return Level::Debug;
    if (v == "warning") return Level::Warning;
    if (v == "error") return Level::Error;
    return Level::Info;
}

struct Registry {
    std::mutex mutex;
    std::map<int, Sink> sinks;
    int nextId = 1;
    std::atomic<int> minimum{static_cast<int>(levelFromEnvironment())};
    std::atomic<bool> stderrEnabled{true};
    std::deque<Line> recent;
};
constexpr size_t kRecentCapacity = 256;

Registry &registry() {
    static Registry instance;
    return instance;
}

} // namespace

const char *levelName(Level level) {
    switch (level) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warning: return "warning";
    case Level::Error: return "error";
    }
    return "?";
}

int addSink(Sink sink) {
    auto &r = registry();
    std::lock_guard lock(r.mutex);
    const int id = r.nextId++;
    r.sinks.emplace(id, std::move(sink));
    return id;
}

void removeSink(int id) {
    auto &r = registry();
    std::lock_guard lock(r.mutex);
    r.sinks.erase(id);
}

std::vector<Line> recentLines() {
    auto &r = registry();
    std::lock_guard lock(r.mutex);
    return {r.recent.begin(), r.recent.end()};
}

void setMinimumLevel(Level level) { registry().minimum = static_cast<int>(level); }
void setStderrEnabled(bool enabled) { registry().stderrEnabled = enabled; }

void write(Level level, std::string_view category, std::string_view message) {
    auto &r = registry();
    if (static_cast<int>(level) < r.minimum.load()) {
        return;
    }
    // One lock for stderr and sinks keeps lines from different threads whole and in one order everywhere.
    std::lock_guard lock(r.mutex);
    if (r.stderrEnabled) {
        std::fprintf(stderr, "mnemo [%s] %.*s: %.*s\n", levelName(level), int(category.size()), category.data(),
                     int(message.size()), message.data());
        std::fflush(stderr);
    }
    r.recent.push_back({level, std::string(category), std::string(message)});
    if (r.recent.size() > kRecentCapacity) r.recent.pop_front();
    for (auto &[id, sink] : r.sinks) {
        sink(level, category, message);
    }
}

} // namespace mnemo::log
