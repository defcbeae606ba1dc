#include "CliOptions.hpp"

#include "mnemo/camera/CameraTrack.hpp"
#include "mnemo/core/JsonText.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace mnemo::cli {

void onParsed(CLI::App &command, CommandLine &line, Action action) {
    command.callback([&line, action = std::move(action)] { line.action = action; });
}

int failWith(const std::string &command, const std::string &message, int code) {
    std::fprintf(stderr, "mnemo-cli %s: %s\n", command.c_str(), message.c_str());
    return code;
}

void printJson(const nlohmann::json &value, int indent) {
    std::cout << mnemo::toJson(value, indent) << "\n";
}

// ---- Checks ----------------------------------------------------------------------------------------------------

CLI::Validator checkedBy(std::function<std::string(const std::string &)> check) {
    // No description: the option's type name (WxH, N, FILE) says what to give.
    return CLI::Validator([check = std::move(check)](std::string &text) { return check(text); }, "");
}

namespace {

std::optional<double> number(const std::string &text) {
    char *end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0') return std::nullopt;
    return value;
}

} // namespace

CLI::Validator positive() {
    return checkedBy([](const std::string &text) -> std::string {
        const auto value = number(text);
        return value && *value > 0 ? "" : "must be a positive number, not '" + text + "'";
    });
}

CLI::Validator notNegative() {
    return checkedBy([](const std::string &text) -> std::string {
        const auto value = number(text);
        return value && *value >= 0 ? "" : "must be a number from 0 up, not '" + text + "'";
    });
}

CLI::Validator wholeNumberIn(long min, long max, const std::string &note) {
    return checkedBy([=](const std::string &text) -> std::string {
        char *end = nullptr;
        const long value = std::strtol(text.c_str(), &end, 10);
        if (!text.empty() && *end == '\0' && value >= min && value <= max) return "";
        return "must be a whole number from " + (note.empty() ? std::to_string(min) : note) + " to " +
               std::to_string(max) + ", not '" + text + "'";
    });
}

// ---- Shared options ---------------------------------------------------------------------------------------------

std::string shellQuoted(const std::string &text) {
    std::string out = "'";
    for (char ch : text) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
}

std::optional<Size> parseSize(const std::string &text) {
    unsigned w = 0, h = 0;
    char extra = 0;
    if (std::sscanf(text.c_str(), "%ux%u%c", &w, &h, &extra) != 2 || w == 0 || h == 0 || w > 8192 || h > 8192) {
        return std::nullopt;
    }
    return Size{uint32_t(w), uint32_t(h)};
}

CLI::Option *addSizeOption(CLI::App &command, Size &size) {
    const auto check = [example = size.text()](const std::string &text) {
        return parseSize(text) ? std::string() : "must look like " + example + " (up to 8192x8192), not '" + text + "'";
    };
    return command
        .add_option_function<std::string>(
            "--size", [&size](const std::string &text) { size = *parseSize(text); }, "frame size in pixels")
        ->check(checkedBy(check))
        ->type_name("WxH")
        ->default_str(size.text());
}

CLI::Option *addFramesOption(CLI::App &command, long &frames, const std::string &description, bool zeroAllowed) {
    return command.add_option("--frames", frames, description)
        ->check(zeroAllowed ? notNegative() : positive())
        ->type_name("N");
}

CLI::Option *addFpsOption(CLI::App &command, double &fps, const std::string &description) {
    return command.add_option("--fps", fps, description)->check(positive())->type_name("F");
}

CLI::Option *addSeedOption(CLI::App &command, uint64_t &seed) {
    return command.add_option("--seed", seed, "the world's random seed")->type_name("S");
}

CLI::Option *addEngineOption(CLI::App &command, std::string &moduleId, const std::string &description) {
    return command.add_option("--engine", moduleId, description)->type_name("ID");
}

CLI::Option *addCameraTrackOption(CLI::App &command, std::optional<std::string> &path, const std::string &description) {
    return command.add_option("--camera-track", path, description)->type_name("FILE");
}

CLI::Option *addPatternOption(CLI::App &command, std::string &pattern) {
    // The engine knows the patterns: a one-frame track tells whether it knows this one, in its own words.
    const auto check = [](const std::string &text) {
        auto track = camera::makeScriptedTrack(text, 1, 16, 16);
        return track.ok() ? std::string() : track.message();
    };
    return command.add_option("--pattern", pattern, "a scripted camera track: walk, turn, out-and-back or explore")
        ->check(checkedBy(check))
        ->type_name("P");
}

CLI::Option *addQueriesOption(CLI::App &command, long &queries) {
    return command.add_option("--queries", queries, "queries to time")->check(positive())->type_name("N");
}

void addCommonOptions(CLI::App &app, bool &verbose) {
    app.add_flag("--verbose", verbose, "log engine messages (info and above) to stderr");
    // A command copies its help flag before it copies the option defaults: set again, it joins the other options.
    app.set_help_flag("-h,--help", "print this help and exit");
    // An argument's name says what it is (FILE, SESSION_DIR); "TEXT" after it would add nothing.
    for (CLI::Option *argument : app.get_options([](CLI::Option *o) { return o->get_positional(); })) {
        argument->type_name("");
    }
    for (CLI::App *command : app.get_subcommands([](CLI::App *) { return true; })) addCommonOptions(*command, verbose);
}

void addIsolationOptions(CLI::App &command, IsolationOptions &options) {
    command.add_flag("--isolated", options.isolated,
                     "run modules in their own process: a crash or hang is an error, not the end of mnemo-cli");
    command.add_option("--deadline-ms", options.deadlineMs, "with --isolated: a call unanswered this long is a hang")
        ->check(CLI::Range(1L, 3600000L))
        ->capture_default_str()
        ->type_name("MS");
}

void applyIsolation(modules::ModuleRegistry &registry, const IsolationOptions &options) {
    registry.setIsolation("", {options.isolated, uint32_t(options.deadlineMs)});
}

} // namespace mnemo::cli
