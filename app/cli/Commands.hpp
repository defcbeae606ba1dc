#pragma once
// mnemo-cli commands. Each prints JSON on stdout (human messages on stderr) and returns the process exit code:
// 0 success, 1 the work failed (bad input, no device, a failed check), 2 a usage error.

#include "CliArgs.hpp"

namespace mnemo::cli {

int commandGpu(const CliArgs &args);
int commandPlugins(const CliArgs &args);
int commandTrack(const CliArgs &args);
int commandRun(const CliArgs &args);
int commandBench(const CliArgs &args);
int commandEval(const CliArgs &args);
int commandProbe(const CliArgs &args);
int commandSession(const CliArgs &args);
int commandExport(const CliArgs &args);
int commandReplay(const CliArgs &args);
int benchDecode(const CliArgs &args);
int benchInspect(const CliArgs &args); // bench inspect [--items N] [--dim D] [--store FILE] [--keep]
int commandInspect(const CliArgs &args);
int commandMemstore(const CliArgs &args); // bench decode [FILE] [--threads N] [--repeat R]

// Prints "mnemo-cli <command>: <message>" on stderr; returns `code`.
int failWith(const char *command, const std::string &message, int code = 1);

} // namespace mnemo::cli
