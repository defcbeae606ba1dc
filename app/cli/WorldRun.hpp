#pragma once
// Runs a world pipeline to completion with a blocking consumer (nothing dropped), optionally writing each frame as
// a PNG, and measures the run. Shared by `run` and the benchmarks.

#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/world/WorldPipeline.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace mnemo::cli {

struct WorldRunReport {
    bool ok = false;
    std::string error;
    uint64_t frames = 0;        // the world module's
    uint64_t framesBetween = 0; // made between them by the output chain (an interpolator)
    double wallSeconds = 0;
    double fps = 0;                      // frames / wall time, including the consumer's work
    double moduleMsTotal = 0;            // sum of module step times
    double consumerMsTotal = 0;          // time the consumer spent on frames (PNG encoding)
    double stepMsP50 = 0, stepMsP95 = 0; // per module step, over the whole run
    double latencyMsP50 = 0, latencyMsP95 = 0; // input sample -> consumer, over the whole run
    // Host time per frame outside the module and the consumer: input, cameras, queues, hand-over.
    double hostOverheadMsPerFrame = 0;
    world::WorldPipelineStats stats;
    size_t memoryEntries = 0;
    camera::CameraTrack camerasUsed;      // what the module reports it rendered
};

struct WorldRunOutputs {
    std::optional<std::string> pngFolder;     // write frame_NNNNNN.png here
    std::optional<std::string> memoryOut;     // save the memory bank here when the run ends
    std::optional<std::string> sessionFolder; // record a session (database + video) here
    bool losslessVideo = false;               // FFV1 instead of H.264 for the session video
};

WorldRunReport runWorld(modules::ModuleEnvironment &env, const world::WorldPipelineConfig &config,
                        const WorldRunOutputs &outputs);

// Parses repeated "--param name=value" into values; an error names the bad item.
bool parseParams(const std::vector<std::string> &items, modules::ParamValues &out, std::string &error);

nlohmann::json statsJson(const WorldRunReport &report);

} // namespace mnemo::cli
