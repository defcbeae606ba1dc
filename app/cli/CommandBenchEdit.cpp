// mnemo-cli bench edit: decode -> a three-module edit chain -> encode, on its own 1280x720 H.264 test video (or a
// given one). JSON: fps, realtime_factor (fps / the source's fps), host_overhead_ms_per_frame, gpu_copies_per_frame
// and where the time went.
#include "BenchVideo.hpp"
#include "Commands.hpp"

#include "mnemo/edit/EditRender.hpp"

#include <filesystem>
#include <memory>
#include <unistd.h>

namespace mnemo::cli {
namespace {

constexpr int kBenchSeconds = 10;

struct BenchEditOptions {
    std::string file;
    Size size{kBenchVideoWidth, kBenchVideoHeight};
    std::string chain = "color,stylize,color";
    long frames = 150;
    bool consistency = false;
    bool cpu = false;
    int crf = 18;
    IsolationOptions isolation;
};

CLI::App *defineBenchEdit(CLI::App &bench, BenchEditOptions &o) {
    CLI::App *e = bench.add_subcommand("edit", "decode -> edit chain -> encode throughput (JSON)");
    e->add_option("FILE", o.file, "the video to edit (default: a generated H.264 test video of --size)");
    addSizeOption(*e, o.size)->description("size of the generated test video");
    e->add_option("--chain", o.chain, "edit modules in order, comma-separated")->type_name("M1,M2,...");
    addFramesOption(*e, o.frames, "frames to edit (0: all)", true);
    e->add_flag("--consistency", o.consistency, "also measure the warp error (the live meter's cost)");
    e->add_flag("--cpu", o.cpu, "run every module's CPU path (default: the modules' Vulkan paths, on any device)");
    e->add_option("--crf", o.crf, "H.264 quality of the output, as mnemo-cli edit --crf")
        ->check(CLI::Range(0, 51))
        ->capture_default_str();
    addIsolationOptions(*e, o.isolation);
    return e;
}

Result<edit::EditRenderResult> runBenchEdit(const BenchEditOptions &o) {
    std::string input = o.file;
    if (input.empty()) {
        auto generated = generateBenchVideo(o.size.width, o.size.height, kBenchSeconds);
        if (!generated.ok()) return generated.status();
        input = generated.value();
    }
    auto links = edit::parseChain(o.chain, {});
    if (!links.ok()) return links.status();
    edit::EditRenderConfig config;
    config.input = input;
    config.chain = links.value();
    config.output = (std::filesystem::temp_directory_path() / ("mnemo-bench-edit-" + std::to_string(getpid()) +
                                                               ".mkv")).string();
    config.maxFrames = uint64_t(o.frames);
    config.measureConsistency = o.consistency;
    config.crf = o.crf;
    config.gpu = o.cpu ? edit::GpuUse::Never : edit::GpuUse::Always;
    auto env = modules::ModuleEnvironment::create();
    applyIsolation(*env->registry, o.isolation);
    auto result = edit::renderEdit(*env, config);
    std::error_code ec;
    std::filesystem::remove(config.output, ec);
    return result;
}

void printBenchEdit(const BenchEditOptions &o, const edit::EditRenderResult &r) {
    const double n = double(std::max<uint64_t>(r.frames, 1));
    nlohmann::json modules = nlohmann::json::array(); // in chain order: a module may appear twice
    for (const auto &link : r.links) {
        modules.push_back({{"module", link.moduleId}, {"ms_per_frame", link.frames ? link.totalMs / double(link.frames) : 0.0}});
    }
    printJson({{"bench", "edit"},
               {"size", std::to_string(r.width) + "x" + std::to_string(r.height)},
               {"chain", o.chain},
               {"crf", o.crf},
               {"frames", r.frames},
               {"fps", r.fps()},
               {"source_fps", r.sourceFps},
               {"realtime_factor", r.sourceFps > 0 ? r.fps() / r.sourceFps : 0.0},
               {"host_overhead_ms_per_frame", r.hostOverheadMsPerFrame()},
               {"gpu", r.gpu},
               {"gpu_copies_per_frame", r.gpuCopiesPerFrame},
               {"flow_uploads_per_frame", r.flowUploadsPerFrame},
               {"decode_ms_per_frame", r.decodeMs / n},
               {"chain_ms_per_frame", r.chainMs / n},
               {"encode_ms_per_frame", r.encodeMs / n},
               {"consistency_ms_per_frame", r.meterMs / n},
               {"module_ms_per_frame", modules},
               {"warp_error", o.consistency ? nlohmann::json(r.warpError) : nlohmann::json(nullptr)}});
}

} // namespace

void addBenchEditCommand(CLI::App &bench, CommandLine &line) {
    auto o = std::make_shared<BenchEditOptions>();
    onParsed(*defineBenchEdit(bench, *o), line,
             [o] { return finish("bench edit", runBenchEdit(*o), [&](const auto &r) { printBenchEdit(*o, r); }); });
}

} // namespace mnemo::cli
