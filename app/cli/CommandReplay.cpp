// mnemo-cli replay SESSION_DIR [--engine ID] [--csv FILE]
// Re-drives an engine (the recorded one by default) with the session's recorded cameras and controller state, and
// compares every frame with the recorded video: a deterministic engine recorded losslessly (FFV1) replays exactly.
#include "Commands.hpp"

#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/session/SessionReplay.hpp"

#include <cmath>
#include <fstream>
#include <memory>

namespace mnemo::cli {
namespace {

struct ReplayOptions {
    std::string folder;
    std::string engine;
    std::string csvPath;
};

CLI::App *defineReplay(CLI::App &root, ReplayOptions &o) {
    CLI::App *replay = root.add_subcommand(
        "replay", "re-drive an engine with a session's cameras and compare with its video (JSON)");
    replay->add_option("SESSION_DIR", o.folder, "a recorded session (mnemo-cli run --record)")->required();
    addEngineOption(*replay, o.engine, "the engine to drive (default: the recorded one)");
    replay->add_option("--csv", o.csvPath, "write per-frame mse, psnr and ssim here")->type_name("FILE");
    return replay;
}

struct ReplayResult {
    std::string engineId;
    uint64_t frames = 0, identical = 0;
    double psnrSum = 0, ssimSum = 0, worstPsnr = INFINITY;
    size_t finite = 0; // frames with a finite PSNR (identical ones have +inf)
};

Result<ReplayResult> runReplay(const ReplayOptions &o) {
    std::ofstream csv;
    if (!o.csvPath.empty()) {
        csv.open(o.csvPath);
        csv << "frame,mse,psnr,ssim\n";
    }
    ReplayResult r;
    auto env = modules::ModuleEnvironment::create();
    auto compared = session::replaySession(*env->registry, o.folder, o.engine, [&](const session::ReplayFrame &f) {
        const auto &c = f.comparison;
        r.identical += c.mse == 0.0;
        r.ssimSum += c.ssim;
        if (std::isfinite(c.psnr)) {
            r.psnrSum += c.psnr;
            ++r.finite;
            r.worstPsnr = std::min(r.worstPsnr, c.psnr);
        }
        if (csv.is_open()) {
            csv << f.frameIndex << ',' << c.mse << ',' << (std::isfinite(c.psnr) ? std::to_string(c.psnr) : "inf")
                << ',' << c.ssim << '\n';
        }
    });
    if (!compared.ok()) return compared.status();
    r.frames = compared->framesCompared;
    r.engineId = compared->engineId;
    if (r.frames == 0) return Status(StatusCode::NotFound, "nothing to compare in '" + o.folder + "'");
    return r;
}

void printReplay(const ReplayOptions &o, const ReplayResult &r) {
    const auto orNull = [&](double v) { return r.finite ? nlohmann::json(v) : nlohmann::json(nullptr); };
    nlohmann::json out{{"session", o.folder},
                       {"engine", r.engineId},
                       {"frames_compared", r.frames},
                       {"identical", r.identical},
                       {"deterministic", r.identical == r.frames},
                       {"psnr_mean", orNull(r.psnrSum / double(r.finite))},
                       {"psnr_min", orNull(r.worstPsnr)},
                       {"ssim_mean", r.ssimSum / double(r.frames)}};
    if (!o.csvPath.empty()) out["csv"] = o.csvPath;
    printJson(out);
}

} // namespace

void addReplayCommand(CLI::App &root, CommandLine &line) {
    auto o = std::make_shared<ReplayOptions>();
    onParsed(*defineReplay(root, *o), line,
             [o] { return finish("replay", runReplay(*o), [&](const ReplayResult &r) { printReplay(*o, r); }); });
}

} // namespace mnemo::cli
