#pragma once
// Engine logging. Messages carry a category (the subsystem) and go to stderr by default; a host (the GUI's log dock,
// a test) may add sinks. Safe to call from any thread; sinks are called on the logging thread, so a GUI sink must
// only queue the line and wake its own thread.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mnemo::log {

enum class Level { Debug = 0, Info = 1, Warning = 2, Error = 3 };

const char *levelName(Level level);

using Sink = std::function<void(Level, std::string_view category, std::string_view message)>;

// Returns an id for removeSink. Sinks must not log themselves.
int addSink(Sink sink);
void removeSink(int id);

// Lines below this level are dropped before reaching any sink (default Info; MNEMO_LOG_LEVEL=debug lowers it).
void setMinimumLevel(Level level);
// Whether the default stderr sink prints (the CLI turns it off when it prints JSON to stdout only).
void setStderrEnabled(bool enabled);

struct Line {
    Level level;
    std::string category;
    std::string message;
};
// The most recent lines (at most 256), oldest first, so a log view opened late still shows start-up messages.
std::vector<Line> recentLines();

void write(Level level, std::string_view category, std::string_view message);

inline void debug(std::string_view category, std::string_view message) { write(Level::Debug, category, message); }
inline void info(std::string_view category, std::string_view message) { write(Level::Info, category, message); }
inline void warning(std::string_view category, std::string_view message) { write(Level::Warning, category, message); }
inline void error(std::string_view category, std::string_view message) { write(Level::Error, category, message); }

} // namespace mnemo::log
