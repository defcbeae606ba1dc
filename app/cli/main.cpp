// mnemo-cli: the headless front end. Links the engine only (no Qt), runs with no display. The command line is parsed
// by CLI11 (every command has --help; unknown options and bad values exit 2 naming them), then the chosen command runs
// inside the exception boundary.

#include "Commands.hpp"

#include "mnemo/core/BuildInfo.hpp"
#include "mnemo/core/Guard.hpp"
#include "mnemo/core/Log.hpp"
#include "mnemo/core/Version.hpp"

#include <malloc.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace mnemo::cli {
namespace {

constexpr const char *kDescription =
    "mnemo-cli: Mnemo's headless front end. Drives world engines, benchmarks them, reads and writes sessions, media "
    "and agent-memory stores; prints JSON on stdout, messages on stderr.";

constexpr const char *kFooter =
    "Every command takes --help (or: mnemo-cli help COMMAND...).\n"
    "exit codes: 0 success, 1 the work failed, 2 usage error\n"
    "environment: MNEMO_PLUGIN_PATH (extra module folders), MNEMO_VK_DEVICE (device name substring),\n"
    "             VK_DRIVER_FILES (Vulkan driver), MNEMO_LOG_LEVEL";

std::string versionText() {
    std::string text = std::string("mnemo-cli ") + kVersion + " (" + kBuildType + ")";
    for (const auto &[name, version] : libraryVersions()) text += "\n  " + name + " " + version;
    return text;
}

// The commands chosen on the command line, the root first: {mnemo-cli, bench, retrieval}.
std::vector<const CLI::App *> chosenPath(const CLI::App &root) {
    std::vector<const CLI::App *> path{&root};
    for (auto chosen = root.get_subcommands(); !chosen.empty(); chosen = chosen.front()->get_subcommands()) {
        path.push_back(chosen.front());
    }
    return path;
}

// "bench retrieval"; empty for the root alone.
std::string commandName(const std::vector<const CLI::App *> &path) {
    std::string name;
    for (size_t i = 1; i < path.size(); ++i) name += (name.empty() ? "" : " ") + path[i]->get_name();
    return name;
}

std::string subcommandNames(const CLI::App &group) {
    std::string names;
    for (const CLI::App *c : group.get_subcommands({})) names += (names.empty() ? "" : ", ") + c->get_name();
    return names;
}

// What is wrong with the command line as far as `app` (the command that met the problem) is concerned.
std::string usageProblem(const CLI::App &app, const CLI::Error &e) {
    const std::vector<std::string> extras = app.remaining();
    for (const std::string &arg : extras) {
        if (arg.size() > 1 && arg[0] == '-') return "unknown option " + arg.substr(0, arg.find('='));
    }
    const bool group = !app.get_subcommands({}).empty();
    const bool root = app.get_parent() == nullptr;
    if (group && !extras.empty()) {
        return "unknown command '" + extras.front() + "'" + (root ? "" : " (" + subcommandNames(app) + ")");
    }
    if (group && app.get_subcommands().empty()) return "which one? (" + subcommandNames(app) + ")";
    if (!extras.empty()) return "unexpected argument '" + extras.front() + "'";
    return e.what();
}

// CLI11's failure message: "mnemo-cli <command>: <problem>" and where to read more; the usage for the root.
std::string describeFailure(const CLI::App *root, const CLI::Error &e) {
    std::vector<const CLI::App *> path = chosenPath(*root);
    for (size_t i = 0; i < path.size(); ++i) {
        if (!path[i]->remaining().empty()) {
            path.resize(i + 1); // the command whose arguments were not understood
            break;
        }
    }
    const std::string name = commandName(path);
    const std::string problem = "mnemo-cli" + (name.empty() ? "" : " " + name) + ": " + usageProblem(*path.back(), e);
    if (name.empty()) {
        return problem + "\n\n" + root->get_formatter()->make_help(root, root->get_name(), CLI::AppFormatMode::Normal);
    }
    return problem + "\nsee: mnemo-cli " + name + " --help\n";
}

// mnemo-cli help [COMMAND...]: the help of mnemo-cli or of one of its commands, on stdout.
int printHelp(const CLI::App &root, const std::vector<std::string> &topic) {
    const CLI::App *app = &root;
    std::string name = root.get_name();
    for (const std::string &word : topic) {
        const auto found = app->get_subcommands([&word](const CLI::App *c) { return c->get_name() == word; });
        if (found.empty()) return failWith("help", "unknown command '" + word + "'", kUsageError);
        app = found.front();
        name += " " + word;
    }
    std::cout << app->get_formatter()->make_help(app, name, CLI::AppFormatMode::Normal);
    return 0;
}

void addHelpAndVersionCommands(CLI::App &root, CommandLine &line) {
    CLI::App *version = root.add_subcommand("version", "version of mnemo-cli and of the libraries it runs with");
    onParsed(*version, line, [] {
        std::cout << versionText() << "\n";
        return 0;
    });
    auto topic = std::make_shared<std::vector<std::string>>();
    CLI::App *help = root.add_subcommand("help", "this text, or a command's (help bench inspect)");
    help->add_option("COMMAND", *topic, "a command and its subcommand")->default_str("");
    onParsed(*help, line, [&root, topic] { return printHelp(root, *topic); });
}

// Conventions for the whole tree; commands added later inherit them.
void configure(CLI::App &root) {
    root.option_defaults()
        ->always_capture_default()
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast) // a repeated option: the last one wins
        ->group("options");
    root.group("commands");
    // At most one command under each: a command's arguments are never read as the name of another.
    root.require_subcommand(0, 1);
    const auto formatter = root.get_formatter();
    formatter->label("Usage", "usage"); // the old usage text's spelling, which scripts and tests look for
    formatter->label("OPTIONS", "options");
    formatter->label("SUBCOMMAND", "COMMAND");
    formatter->label("Positionals", "arguments");
    formatter->column_width(34);
    root.set_version_flag("--version", std::function<std::string()>(versionText),
                          "version of mnemo-cli and of the libraries it runs with");
    root.failure_message(describeFailure);
}

void addCommands(CLI::App &root, CommandLine &line) {
    addGpuCommand(root, line);
    addPluginsCommand(root, line);
    addRunCommand(root, line);
    addServeCommand(root, line);
    addReplayCommand(root, line);
    addSessionCommand(root, line);
    addExportCommand(root, line);
    addProbeCommand(root, line);
    addTrackCommand(root, line);
    addEvalCommand(root, line);
    addEditCommand(root, line);
    addBenchCommand(root, line);
    addInspectCommand(root, line);
    addNnCommand(root, line);
    addMemstoreCommand(root, line);
    addHelpAndVersionCommands(root, line);
}

// No exception leaves a command: whatever escapes becomes the documented exit code 1 with a message.
int runGuarded(const std::string &command, const Action &action) {
    int rc = kUsageError;
    const Status s = guarded("mnemo-cli " + command, [&] {
        faultPoint("cli.command");
        rc = action();
    });
    if (s.ok()) return rc;
    std::fprintf(stderr, "mnemo-cli: %s\n", s.message().c_str());
    return kWorkFailed;
}

int runCommandLine(int argc, char **argv) {
    CLI::App root{kDescription, "mnemo-cli"};
    CommandLine line;
    configure(root);
    addCommands(root, line);
    addCommonOptions(root, line.verbose);
    root.footer(kFooter); // after the commands, which would inherit it
    try {
        root.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        return root.exit(e) == 0 ? 0 : kUsageError; // --help and --version exit 0, every refusal 2
    }
    // stdout carries JSON; diagnostics go to stderr, and only warnings unless asked for more.
    log::setMinimumLevel(line.verbose ? log::Level::Info : log::Level::Warning);
    if (!line.action) {
        std::cerr << root.help();
        return kUsageError;
    }
    return runGuarded(commandName(chosenPath(root)), line.action);
}

} // namespace
} // namespace mnemo::cli

int main(int argc, char **argv) {
    // Frames are large (0.9 MB at 640x360, 3.7 MB at 720p) and come and go every few milliseconds. By default glibc
    // serves such blocks with mmap and returns them to the kernel on free, so every frame costs hundreds of page
    // faults; keeping them in the heap (up to 32 MiB blocks, trimmed only past 1 GiB) lets buffers be reused.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    return mnemo::cli::runCommandLine(argc, argv);
}
