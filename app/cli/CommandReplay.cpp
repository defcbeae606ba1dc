#include "Commands.hpp"

#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/session/SessionReplay.hpp"

#include <nlohmann/json.hpp>
#include "mnemo/core/JsonText.hpp"

#include <cmath>
#include <fstream>
#include <iostream>

namespace mnemo::cli {

// mnemo-cli replay SESSION_DIR [--engine ID] [--csv FILE]
// Re-drives an engine (the recorded one by default) with the session's recorded cameras and controller state, and
// compares every frame with the recorded video: a deterministic engine recorded losslessly (FFV1) replays exactly.
int commandReplay(const CliArgs &args) {
    if (args.positional().size() < 2) return failWith("replay", "usage: mnemo-cli replay SESSION_DIR [--engine ID]", 2);
    const std::string folder = args.positional()[1];
    const std::string engine = args.valueOr("engine", "");
    const std::string csvPath = args.valueOr("csv", "");
    if (const auto unused = args.unusedOptions(); !unused.empty()) return failWith("replay", "unknown option " + unused.front(), 2);
    std::ofstream csv;
    if (!csvPath.empty()) {
        csv.open(csvPath);
        csv << "frame,mse,psnr,ssim\n";
    }
    uint64_t identical = 0;
    double psnrSum = 0, ssimSum = 0, worstPsnr = INFINITY;
    size_t finite = 0;
    auto env = modules::ModuleEnvironment::create();
    auto compared = session::replaySession(*env->registry, folder, engine, [&](const session::ReplayFrame &f) {
        const auto &c = f.comparison;
        identical += c.mse == 0.0;
        ssimSum += c.ssim;
        if (std::isfinite(c.psnr)) {
            psnrSum += c.psnr;
            ++finite;
            worstPsnr = std::min(worstPsnr, c.psnr);
        }
        if (csv.is_open()) {
            csv << f.frameIndex << ',' << c.mse << ',' << (std::isfinite(c.psnr) ? std::to_string(c.psnr) : "inf")
                << ',' << c.ssim << '\n';
        }
    });
    if (!compared.ok()) return failWith("replay", compared.message());
    const uint64_t n = compared->framesCompared;
    if (n == 0) return failWith("replay", "nothing to compare in '" + folder + "'");
    nlohmann::json out{{"session", folder},
                       {"engine", compared->engineId},
                       {"frames_compared", n},
                       {"identical", identical},
                       {"deterministic", identical == n},
                       {"psnr_mean", finite ? nlohmann::json(psnrSum / double(finite)) : nlohmann::json(nullptr)},
                       {"psnr_min", finite ? nlohmann::json(worstPsnr) : nlohmann::json(nullptr)},
                       {"ssim_mean", ssimSum / double(n)}};
    if (!csvPath.empty()) out["csv"] = csvPath;
    std::cout << mnemo::toJson(out, 2) << "\n";
    return 0;
}

} // namespace mnemo::cli
