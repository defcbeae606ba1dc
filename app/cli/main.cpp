// mnemo-cli: the headless front end. Links the engine only (no Qt), runs with no display.

#include "CliArgs.hpp"
#include "Commands.hpp"

#include "mnemo/core/BuildInfo.hpp"
#include "mnemo/core/Guard.hpp"
#include "mnemo/core/Log.hpp"
#include "mnemo/core/Version.hpp"

#include <malloc.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

void printUsage(std::FILE *to) {
    std::fputs("usage: mnemo-cli <command> [options]\n"
               "\n"
               "commands:\n"
               "  gpu                      select a Vulkan device, run the compute self-test, print JSON\n"
               "  plugins                  list engine modules that loaded and those refused (JSON)\n"
               "  run                      drive a world module along a camera track, write PNG frames\n"
               "      --engine ID            module id (default reference-world)\n"
               "      --camera-track FILE    cameras to render (see docs/camera-track.md), or\n"
               "      --pattern P            a scripted track: walk, turn, out-and-back (default walk)\n"
               "      --size WxH --frames N --out DIR --seed S --param name=value (repeatable)\n"
               "      --realtime [--fps F]   pace at F frames/s instead of running as fast as possible\n"
               "      --record DIR           record a session (session.sqlite + video.mkv) into DIR\n"
               "      --video-codec C        h264 (default) or ffv1 (lossless) for the session video\n"
               "  replay DIR [--engine ID] [--csv FILE]\n"
               "                           re-drive an engine with a session's cameras and compare with its video\n"
               "  session DIR              what a recorded session holds (JSON)\n"
               "  export DIR --format dataset --out OUT\n"
               "                           frames as PNGs plus per-frame camera, action and prompt (frames.jsonl)\n"
               "  probe PATH [--decode]    what a video, still image or image folder is: kind, container, codec,\n"
               "                           size, pixel format, rotation, duration, frames (JSON);\n"
               "                           --decode decodes every frame and counts them\n"
               "  track                    write a scripted camera track: --pattern P --frames N --size WxH --out FILE\n"
               "  eval revisit             revisit consistency: --engine ID --camera-track FILE [--size WxH]\n"
               "                           [--threshold 0.6] [--min-gap 30] [--max-distance 2] [--out DIR];\n"
               "                           JSON summary, per-revisit CSV and a plot\n"
               "  bench pipeline           host overhead per frame with the null engine (JSON)\n"
               "  bench reference-world    reference-world frame rate on this machine (JSON)\n"
               "  bench retrieval          memory retrieval time, both algorithms [--entries 100000] (JSON)\n"
               "  bench decode [FILE]      decode speed: one thread, keyframe intervals in parallel, vs ffmpeg\n"
               "                           [--threads N] [--repeat 3] (JSON)\n"
               "  inspect PATH             an agent-memory store (Mem0, Chroma, LangGraph, Letta, MCP memory, Mnemo),\n"
               "                           read-only: JSON summary [--as-of T] [--visible-to P] [--search TEXT]\n"
               "                           [--query TEXT | --like ID] [--k 10] [--export items.jsonl] [--with-embeddings]\n"
               "  memstore VERB FILE ...   write a Mnemo agent-memory store: create, add, update, delete, relate,\n"
               "                           policy, access, script SCRIPT.jsonl, index (docs/agent-memory-store.md)\n"
               "  bench inspect            1M-item store: open, full-text and 10-NN times [--items N] [--store F] (JSON)\n"
               "  --version                version of mnemo-cli and of the libraries it runs with\n"
               "  help                     this text\n"
               "\n"
               "options: --verbose logs engine messages (info and above) to stderr\n"
               "exit codes: 0 success, 1 the work failed, 2 usage error\n"
               "environment: MNEMO_PLUGIN_PATH (extra module folders), MNEMO_VK_DEVICE (device name substring),\n"
               "             VK_DRIVER_FILES (Vulkan driver), MNEMO_LOG_LEVEL\n",
               to);
}

int commandVersion() {
    std::printf("mnemo-cli %s (%s)\n", mnemo::kVersion, mnemo::kBuildType);
    for (const auto &[name, version] : mnemo::libraryVersions()) {
        std::printf("  %s %s\n", name.c_str(), version.c_str());
    }
    return 0;
}

constexpr int kUnknownCommand = -1;

int runCommand(const std::string &command, const mnemo::cli::CliArgs &args) {
    if (command == "gpu") return mnemo::cli::commandGpu(args);
    if (command == "plugins") return mnemo::cli::commandPlugins(args);
    if (command == "track") return mnemo::cli::commandTrack(args);
    if (command == "run") return mnemo::cli::commandRun(args);
    if (command == "bench") return mnemo::cli::commandBench(args);
    if (command == "eval") return mnemo::cli::commandEval(args);
    if (command == "probe") return mnemo::cli::commandProbe(args);
    if (command == "session") return mnemo::cli::commandSession(args);
    if (command == "export") return mnemo::cli::commandExport(args);
    if (command == "replay") return mnemo::cli::commandReplay(args);
    if (command == "inspect") return mnemo::cli::commandInspect(args);
    if (command == "memstore") return mnemo::cli::commandMemstore(args);
    return kUnknownCommand;
}

} // namespace

int main(int argc, char **argv) {
    // Frames are large (0.9 MB at 640x360, 3.7 MB at 720p) and come and go every few milliseconds. By default glibc
    // serves such blocks with mmap and returns them to the kernel on free, so every frame costs hundreds of page
    // faults; keeping them in the heap (up to 32 MiB blocks, trimmed only past 1 GiB) lets buffers be reused.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    const mnemo::cli::CliArgs args(std::vector<std::string>(argv + 1, argv + argc), {"verbose", "realtime", "decode", "with-embeddings", "keep"});
    // stdout carries JSON; diagnostics go to stderr, and only warnings unless asked for more.
    mnemo::log::setMinimumLevel(args.flag("verbose") ? mnemo::log::Level::Info : mnemo::log::Level::Warning);
    if (!args.error().empty()) {
        std::fprintf(stderr, "mnemo-cli: %s\n", args.error().c_str());
        return 2;
    }
    if (args.positional().empty()) {
        printUsage(stderr);
        return 2;
    }
    const std::string &command = args.positional().front();
    if (command == "--version" || command == "version") return commandVersion();
    if (command == "help" || command == "--help" || command == "-h") {
        printUsage(stdout);
        return 0;
    }
    // No exception leaves a command: whatever escapes becomes the documented exit code 1 with a message.
    int rc = 2;
    mnemo::Status s = mnemo::guarded("mnemo-cli " + command, [&] {
        mnemo::faultPoint("cli.command");
        rc = runCommand(command, args);
    });
    if (!s.ok()) {
        std::fprintf(stderr, "mnemo-cli: %s\n", s.message().c_str());
        return 1;
    }
    if (rc != kUnknownCommand) return rc;
    std::fprintf(stderr, "mnemo-cli: unknown command '%s'\n\n", command.c_str());
    printUsage(stderr);
    return 2;
}
