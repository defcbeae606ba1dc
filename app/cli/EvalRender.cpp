#include "EvalRender.hpp"

#include <algorithm>

namespace mnemo::cli {

Result<Rendered> render(modules::ModuleEnvironment &env, world::WorldPipelineConfig config) {
    config.record = true;
    config.fixedTimestep = true;
    world::WorldPipeline pipeline(*env.registry);
    pipeline.start(config);
    Rendered out;
    out.cameras.width = config.width;
    out.cameras.height = config.height;
    while (auto item = pipeline.record().pop(std::chrono::seconds(60))) {
        out.frames.push_back((*item)->frame);
        camera::CameraTrackFrame f;
        f.camera = (*item)->camera;
        out.cameras.frames.push_back(f);
    }
    if (pipeline.state() == world::WorldPipeline::State::Failed) return Status(StatusCode::Internal, pipeline.error());
    if (out.frames.empty()) return Status(StatusCode::Internal, "the run produced no frames");
    // A comparison over part of a track would read as one over all of it.
    size_t expected = config.track ? config.track->frames.size() : 0;
    if (config.maxFrames) expected = expected ? std::min<size_t>(expected, config.maxFrames) : config.maxFrames;
    if (expected && out.frames.size() != expected) {
        return Status(StatusCode::Internal, config.moduleId + " stopped after " + std::to_string(out.frames.size()) +
                                                " of " + std::to_string(expected) +
                                                " frames (a frame took over 60 s?)");
    }
    return out;
}

Result<RenderedWithTruth> renderWithTruth(modules::ModuleEnvironment &env, const world::WorldPipelineConfig &config) {
    for (const char *id : {config.moduleId.c_str(), "reference-world"}) {
        if (!env.registry->find(id))
            return Status(StatusCode::NotFound, std::string("module '") + id + "' is not loaded");
    }
    auto generated = render(env, config);
    if (!generated.ok()) return generated.status();
    world::WorldPipelineConfig truthConfig = config;
    truthConfig.moduleId = "reference-world";
    truthConfig.track = generated->cameras;
    truthConfig.params.clear();
    truthConfig.memoryEnabled = false;
    auto truth = render(env, truthConfig);
    if (!truth.ok()) return truth.status().withContext("ground truth");
    return RenderedWithTruth{std::move(generated.value()), std::move(truth.value())};
}

} // namespace mnemo::cli
