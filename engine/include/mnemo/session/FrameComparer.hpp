#pragma once
// Renders one recorded frame's camera again with the session's engine and compares the result with the recording:
// the engine side of the replay window's "Compare Frame".
//
// The comparer owns the module instance it steps and steps it on its own worker thread, the only thread that ever
// touches that instance (module instances have one owner at a time, and GPU work is submitted from engine-owned
// threads only, never from a UI or pool thread). Requests wait in a one-slot queue that drops the older request when
// a newer one arrives, so clicking faster than the engine renders never builds a backlog. Outcomes are handed to a
// callback on the worker thread.

#include "mnemo/core/BoundedQueue.hpp"
#include "mnemo/metrics/ImageMetrics.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/modules/ModuleInstance.hpp"
#include "mnemo/session/SessionDatabase.hpp"
#include "mnemo/world/WorldPipeline.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <thread>

namespace mnemo::session {

class FrameComparer {
public:
    struct Request {
        uint64_t id = 0;                        // echoed in the outcome
        FrameRow row;                           // the recorded camera and controller state
        std::shared_ptr<const Frame> recorded;  // the recorded video frame; null compares nothing
    };
    struct Outcome {
        uint64_t id = 0;
        std::shared_ptr<const Frame> engine;           // what the engine rendered; null on error
        std::optional<metrics::Comparison> comparison; // engine vs recorded, when both exist
        std::string problem; // why there is no frame or no comparison; empty when both exist
    };
    using Done = std::function<void(Outcome)>;

    // `env` must outlive the comparer. `config` names the engine, size, seed and parameters (session::replayConfig).
    FrameComparer(modules::ModuleEnvironment &env, world::WorldPipelineConfig config, Done done);
    ~FrameComparer(); // drops a pending request and waits for the one being rendered
    FrameComparer(const FrameComparer &) = delete;
    FrameComparer &operator=(const FrameComparer &) = delete;

    // Thread: any. Replaces a request that has not started yet.
    void request(Request request);

private:
    void run();
    Outcome compare(const Request &request);
    Status ensureInstance();

    modules::ModuleEnvironment &m_env;
    world::WorldPipelineConfig m_config;
    Done m_done;
    std::unique_ptr<modules::ModuleInstance> m_instance; // worker thread only
    BoundedQueue<Request> m_requests{1, QueueFullPolicy::DropOldest};
    std::thread m_worker;
};

} // namespace mnemo::session
