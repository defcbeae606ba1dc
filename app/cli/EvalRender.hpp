#pragma once
// What the engine evaluations share: a world run kept frame by frame, and the reference world's ground truth for
// exactly the cameras the engine reports it used.

#include "mnemo/camera/CameraTrack.hpp"
#include "mnemo/render/Frame.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/world/WorldPipeline.hpp"

#include <memory>
#include <vector>

namespace mnemo::cli {

// Frames of a run, in order, kept for comparison.
struct Rendered {
    std::vector<std::shared_ptr<const Frame>> frames;
    camera::CameraTrack cameras;
};

// Runs `config` to its end (recorded, fixed time step) and keeps every frame.
Result<Rendered> render(modules::ModuleEnvironment &env, world::WorldPipelineConfig config);

struct RenderedWithTruth {
    Rendered generated;
    Rendered truth;
};

// The engine's run, then the reference world on the cameras it used. Both modules must be loaded.
Result<RenderedWithTruth> renderWithTruth(modules::ModuleEnvironment &env, const world::WorldPipelineConfig &config);

} // namespace mnemo::cli
