// mnemo-cli edit: a video (or image folder, or still) through a chain of edit modules into an encoded file, with the
// temporal consistency of the result measured against its source. JSON: frames, fps, host overhead, GPU copies per
// frame, the mean warp error, the output, and each module's time. --camera-path drives the virtual-camera link with a
// camera path file (docs/camera-path.md) and saves the path next to the output. Every output gets its edit session
// (OUT.edit.json, docs/edit-session.md); --replay renders one again.
#include "Commands.hpp"

#include "mnemo/edit/CameraPath.hpp"
#include "mnemo/edit/EditRender.hpp"
#include "mnemo/edit/EditSessionFile.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>

namespace mnemo::cli {
namespace {

struct EditOptions {
    std::string input;
    std::string chain;
    std::vector<std::string> params;
    std::string output;
    std::string cameraPath;
    std::string replay;
    std::string codec = "h264";
    int crf = 18;
    long frames = 0;
    uint64_t seed = 1;
    bool noConsistency = false;
    std::string gpu = "auto";
    bool progress = false;
    IsolationOptions isolation;
};

CLI::App *defineEdit(CLI::App &root, EditOptions &o) {
    CLI::App *e = root.add_subcommand("edit", "edit a video through a chain of edit modules into a file (JSON)");
    e->add_option("INPUT", o.input, "a video file, an image folder or a still image");
    e->add_option("--chain", o.chain, "edit modules in order, comma-separated (mnemo-cli plugins lists them)")
        ->type_name("M1,M2,...");
    e->add_option("--replay", o.replay, "render an edit session (OUT.edit.json of an earlier edit) again to --out")
        ->type_name("SESSION")
        ->excludes("INPUT")
        ->excludes("--chain");
    e->add_option("--param", o.params, "a module's parameter, repeatable")->type_name("MODULE.NAME=V");
    e->add_option("--out", o.output, "the edited video: .mkv or .mp4 (empty: measure without writing)")
        ->type_name("FILE");
    e->add_option("--camera-path", o.cameraPath,
                  "a camera path (JSON, docs/camera-path.md) for the chain's virtual-camera; saved with --out as "
                  "OUT.camera-path.json")
        ->type_name("FILE");
    e->add_option("--codec", o.codec, "h264 or ffv1 (lossless, .mkv only)")
        ->check(CLI::IsMember({"h264", "ffv1"}))
        ->type_name("CODEC");
    e->add_option("--crf", o.crf, "H.264 quality: 0 (lossless) .. 51; 18 looks like the source, 23 encodes faster")
        ->check(CLI::Range(0, 51))
        ->capture_default_str();
    addFramesOption(*e, o.frames, "source frames to edit at most (0: all)", true);
    addSeedOption(*e, o.seed)->description("the modules' random seed (stylize re-rolls from it)");
    e->add_flag("--no-consistency", o.noConsistency, "do not measure the warp error (faster)");
    e->add_flag("--progress", o.progress, "print progress on stderr");
    e->add_option("--gpu", o.gpu,
                  "where modules with a GPU path run: auto (the GPU wherever there is a Vulkan device, lavapipe "
                  "included), on, off (their C paths); a replay runs where the recorded edit ran")
        ->check(CLI::IsMember({"auto", "on", "off"}))
        ->type_name("auto|on|off");
    addIsolationOptions(*e, o.isolation);
    return e;
}

nlohmann::json describe(const EditOptions &o, const edit::EditRenderConfig &config, const edit::EditRenderResult &r) {
    std::string chain;
    for (const auto &link : config.chain) chain += (chain.empty() ? "" : ",") + link.moduleId;
    nlohmann::json modules = nlohmann::json::array();
    for (const auto &link : r.links) {
        modules.push_back({{"module", link.moduleId},
                           {"frames", link.frames},
                           {"ms_per_frame", link.frames ? link.totalMs / double(link.frames) : 0.0}});
    }
    return {{"input", config.input},
            {"chain", chain},
            {"frames", r.frames},
            {"frames_written", r.framesWritten},
            {"frames_per_input", r.framesPerInput},
            {"size", std::to_string(r.width) + "x" + std::to_string(r.height)},
            {"source_fps", r.sourceFps},
            {"output_fps", r.sourceFps * r.framesPerInput},
            {"fps", r.fps()},
            {"realtime_factor", r.sourceFps > 0 ? r.fps() / r.sourceFps : 0.0},
            {"host_overhead_ms_per_frame", r.hostOverheadMsPerFrame()},
            {"decode_ms_per_frame", r.frames ? r.decodeMs / double(r.frames) : 0.0},
            {"encode_ms_per_frame", r.framesWritten ? r.encodeMs / double(r.framesWritten) : 0.0},
            {"gpu", r.gpu},
            {"gpu_copies_per_frame", r.gpuCopiesPerFrame},
            {"warp_error", o.noConsistency ? nlohmann::json(nullptr) : nlohmann::json(r.warpError)},
            {"consistency_ms_per_frame", r.frames ? r.meterMs / double(r.frames) : 0.0},
            {"modules", modules},
            {"output", o.output.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.output)}};
}

// The path from --camera-path on the chain's first virtual-camera link; null without the option.
Result<std::shared_ptr<const edit::CameraPath>> attachCameraPath(const EditOptions &o,
                                                                 std::vector<edit::ChainLink> &links) {
    if (o.cameraPath.empty()) return std::shared_ptr<const edit::CameraPath>();
    const auto link = std::find_if(links.begin(), links.end(),
                                   [](const edit::ChainLink &l) { return l.moduleId == "virtual-camera"; });
    if (link == links.end()) {
        return Status(StatusCode::InvalidArgument,
                      "--camera-path needs a virtual-camera in the chain (--chain ...,virtual-camera)");
    }
    auto loaded = edit::loadCameraPath(o.cameraPath);
    if (!loaded.ok()) return loaded.status();
    auto path = std::make_shared<const edit::CameraPath>(std::move(loaded.value()));
    link->automation = path;
    return std::shared_ptr<const edit::CameraPath>(path);
}

// The render the options describe: INPUT through --chain, or the recorded edit of --replay.
// `usage`: whether a failure is the command line's (exit 2) rather than an input's (exit 1).
Result<edit::EditRenderConfig> configure(const EditOptions &o, std::shared_ptr<const edit::CameraPath> &cameraPath,
                                         bool &usage) {
    usage = false;
    edit::EditRenderConfig config;
    if (!o.replay.empty()) {
        auto doc = edit::loadEditSession(o.replay);
        if (!doc.ok()) return doc.status();
        config = doc->config;
    } else {
        usage = true;
        if (o.input.empty() || o.chain.empty()) {
            return Status(StatusCode::InvalidArgument, "give INPUT and --chain, or --replay SESSION");
        }
        auto links = edit::parseChain(o.chain, o.params);
        if (!links.ok()) return links.status();
        usage = false;
        auto path = attachCameraPath(o, links.value());
        if (!path.ok()) return path.status();
        cameraPath = path.value();
        config.input = o.input;
        config.chain = links.value();
        config.codec = o.codec == "ffv1" ? media::VideoCodec::FFV1 : media::VideoCodec::H264;
        config.crf = o.crf;
        config.maxFrames = uint64_t(o.frames);
        config.seed = o.seed;
        config.gpu = *edit::gpuUseFromName(o.gpu);
    }
    config.output = o.output;
    config.measureConsistency = !o.noConsistency;
    return config;
}

int runEdit(const EditOptions &o) {
    std::shared_ptr<const edit::CameraPath> cameraPath;
    bool usage = false;
    auto configured = configure(o, cameraPath, usage);
    if (!configured.ok()) return failWith("edit", configured.message(), usage ? kUsageError : 1);
    const edit::EditRenderConfig &config = configured.value();
    auto env = modules::ModuleEnvironment::create();
    applyIsolation(*env->registry, o.isolation);
    auto progress = [&](uint64_t done, uint64_t expected) {
        if (o.progress && done % 30 == 0) std::fprintf(stderr, "edit: %llu / %llu frames\n",
                                                      static_cast<unsigned long long>(done),
                                                      static_cast<unsigned long long>(expected));
        return true;
    };
    auto result = edit::renderEdit(*env, config, progress);
    if (!result.ok()) return failWith("edit", result.message());
    nlohmann::json printed = describe(o, config, result.value());
    printed["camera_path"] = nullptr;
    printed["edit_session"] = nullptr;
    if (cameraPath && !o.output.empty()) { // the path the output was made with, next to it
        const std::string saved = o.output + ".camera-path.json";
        if (Status s = edit::saveCameraPath(*cameraPath, saved); !s.ok()) return failWith("edit", s.message());
        printed["camera_path"] = saved;
    }
    if (!o.output.empty()) { // how to make this output again
        const std::string session = o.output + ".edit.json";
        if (Status s = edit::saveEditSession(session, config, &result.value(), *env->registry); !s.ok()) {
            return failWith("edit", s.message());
        }
        printed["edit_session"] = session;
    }
    if (!o.replay.empty()) {
        printed["replayed"] = o.replay;
        // A module that changed since the edit was recorded may not give the same output: say which.
        if (auto doc = edit::loadEditSession(o.replay); doc.ok()) printed["module_versions_changed"] = edit::versionChanges(doc.value(), *env->registry);
    }
    printJson(printed);
    return 0;
}

} // namespace

void addEditCommand(CLI::App &root, CommandLine &line) {
    auto o = std::make_shared<EditOptions>();
    onParsed(*defineEdit(root, *o), line, [o] { return runEdit(*o); });
}

} // namespace mnemo::cli
