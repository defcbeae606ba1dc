#pragma once
// What mnemo-cli's commands share. Every command is parse -> run -> print: a define function adds the command to
// the CLI11 tree and fills an options struct, a run function does the work and returns a result value, and a print
// function writes it (JSON on stdout; human messages on stderr). Options that several commands take are defined once
// here. Exit codes: 0 success, 1 the work failed (bad input, no device, a failed check), 2 a usage error (CLI11
// refuses the command line before anything runs).

#include "mnemo/core/Status.hpp"
#include "mnemo/modules/ModuleRegistry.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace mnemo::cli {

constexpr int kWorkFailed = 1;
constexpr int kUsageError = 2;

// The work a command line asks for. The chosen command sets it once its options parsed and passed their checks.
using Action = std::function<int()>;

struct CommandLine {
    bool verbose = false;
    Action action;
};

// When `command` is the one chosen and its options are valid, `line.action` becomes `action`.
void onParsed(CLI::App &command, CommandLine &line, Action action);

// Prints "mnemo-cli <command>: <message>" on stderr; returns `code`.
int failWith(const std::string &command, const std::string &message, int code = kWorkFailed);

// JSON on stdout as every command prints it: indented by 2 (or one line with -1), bad UTF-8 as U+FFFD.
void printJson(const nlohmann::json &value, int indent = 2);

// The usual end of a command: the failure's message and exit 1, or the result printed and exit 0.
template <typename T, typename Print>
int finish(const std::string &command, const Result<T> &result, Print print) {
    if (!result.ok()) return failWith(command, result.message());
    print(result.value());
    return 0;
}

// ---- Checks on option values: a value that fails one is a usage error naming the option and the value. ---------

// `check` returns "" when the text is fine, else what is wrong with it ("must look like 640x360, not 'big'").
CLI::Validator checkedBy(std::function<std::string(const std::string &)> check);
CLI::Validator positive();    // a number > 0
CLI::Validator notNegative(); // a number >= 0
// A whole number in [min, max]; `note` replaces min in the message ("0 (all cores)").
CLI::Validator wholeNumberIn(long min, long max, const std::string &note = "");

// `text` as one POSIX shell word (single quotes, an inner quote as '\''), for the commands benches run.
std::string shellQuoted(const std::string &text);

// ---- Options shared by several commands ----------------------------------------------------------------------

struct Size {
    uint32_t width = 0, height = 0;
    std::string text() const { return std::to_string(width) + "x" + std::to_string(height); }
};
// "640x360" -> {640, 360}; nothing on a malformed size or a side over 8192.
std::optional<Size> parseSize(const std::string &text);

// Each binds the option to a field of the command's options struct and shows the field's value as the default in
// --help: --size WxH, --frames N, --fps F, --seed S, --engine ID, --camera-track FILE, --pattern P, --queries N.
CLI::Option *addSizeOption(CLI::App &command, Size &size);
CLI::Option *addFramesOption(CLI::App &command, long &frames, const std::string &description, bool zeroAllowed = false);
CLI::Option *addFpsOption(CLI::App &command, double &fps, const std::string &description);
CLI::Option *addSeedOption(CLI::App &command, uint64_t &seed);
CLI::Option *addEngineOption(CLI::App &command, std::string &moduleId, const std::string &description);
CLI::Option *addCameraTrackOption(CLI::App &command, std::optional<std::string> &path, const std::string &description);
CLI::Option *addPatternOption(CLI::App &command, std::string &pattern);
CLI::Option *addQueriesOption(CLI::App &command, long &queries);

// --isolated [--deadline-ms N]: every module runs in its own child process (mnemo-module-host).
struct IsolationOptions {
    bool isolated = false;
    long deadlineMs = 10000;
};
void addIsolationOptions(CLI::App &command, IsolationOptions &options);
void applyIsolation(modules::ModuleRegistry &registry, const IsolationOptions &options);

// What every command has, added to `app` and every command under it once the tree is built: --verbose (so it may
// stand anywhere on the command line) and -h,--help.
void addCommonOptions(CLI::App &app, bool &verbose);

} // namespace mnemo::cli
