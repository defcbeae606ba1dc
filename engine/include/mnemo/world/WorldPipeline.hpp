#pragma once
// The real-time world pipeline: input -> camera integration -> module step -> display and recording.
//
// Threads and queues:
//   UI thread      submits controller ticks into ControllerInput (latest keys, accumulated motion).
//   engine thread  (owned here) takes the newest input once per step, integrates one camera per frame of the
//                  module's chunk, calls the module, and pushes the frames out. It creates the module instance
//                  itself, so start() never blocks the caller on shader compilation.
//   display        a bounded queue that drops the OLDEST frame when full: a slow display never slows the engine,
//                  and what it shows is always the newest frame (drops are counted).
//   record         an optional bounded queue that BLOCKS when full: recorders and exporters lose nothing.
// Latency: every frame carries the timestamp of the input sample that drove it; the consumer reports when the frame
// was shown (reportDisplayed) and the pipeline keeps input-to-display percentiles.
//
// Modes: real-time (paced at the target rate, live input) or fixed-timestep (as fast as possible, cameras from a
// scripted track or the integrator, fully deterministic for deterministic modules).

#include "mnemo/core/BoundedQueue.hpp"
#include "mnemo/core/SampleWindow.hpp"
#include "mnemo/edit/EditChain.hpp"
#include "mnemo/memory/MemorySnapshot.hpp"
#include "mnemo/modules/ModuleInstance.hpp"
#include "mnemo/render/FramePool.hpp"
#include "mnemo/camera/CameraIntegrator.hpp"
#include "mnemo/camera/CameraTrack.hpp"
#include "mnemo/camera/ControllerInput.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <thread>

namespace mnemo::world {

// The pipeline speaks the camera module's value types.
using camera::CameraFrame;
using camera::CameraIntegrator;
using camera::CameraPose;
using camera::CameraTrack;
using camera::ControllerInput;
using camera::ControllerTick;
using camera::IntegratorConfig;

struct WorldFrame {
    std::shared_ptr<const Frame> frame;
    CameraFrame camera;          // the camera the module reports it used
    std::optional<CameraPose> pose; // set when the integrator produced the camera
    double stepMs = 0;           // module time for the whole chunk this frame came from
    std::vector<memory::RetrievedEntry> memory; // what retrieval picked for this frame's step
    std::optional<std::vector<uint64_t>> memoryUsed; // the entries the module says it used (when it says)
    ControllerTick tick;         // the controller state the step consumed
    uint64_t step = 0;           // the pipeline step that produced it
};
using WorldFramePtr = std::shared_ptr<const WorldFrame>;

struct WorldPipelineConfig {
    std::string moduleId = "reference-world";
    uint32_t width = 640;
    uint32_t height = 360;
    uint64_t seed = 1;
    modules::ParamValues params;
    double targetFps = 30.0;
    bool fixedTimestep = false;            // true: no pacing, no live input
    std::optional<CameraTrack> track;      // scripted cameras (fixed-timestep runs)
    uint64_t maxFrames = 0;                // 0: until stopped (or the track ends)
    size_t displayCapacity = 2;
    bool record = false;
    size_t recordCapacity = 8;
    IntegratorConfig integrator;
    CameraPose startPose;
    // Camera-aware memory: every frame is written to the bank; each step retrieves for its cameras and hands the
    // picks to the module.
    bool memoryEnabled = true;
    memory::MemoryBankConfig memoryConfig;
    memory::RetrievalParams retrieval;
    std::string memoryLoadPath; // start from a saved bank (empty: start empty)
    std::string memorySavePath; // save the bank here when the run ends (empty: don't)
    // A failing step (an isolated module's crash or hang, or any module error) makes a new instance with the current
    // parameters and seed, and the walk goes on from the current camera; three failures in a row end the run.
    bool restartFailedModule = false;
    // A module that can pipeline steps (a remote one): how many steps may be sent before the oldest one's frames are
    // back. 2 (world_engine's queue) hides the network's round trip behind the server's work, at one step of latency;
    // 1: one step at a time. The controller is latest-only either way: a step takes the input gathered since the last.
    uint32_t stepsInFlight = 2;
    // Edit modules on the world's frames before display and recording, in order: frame-interpolate after a slow world
    // model shows N frames per world frame (cameras of the ones in between interpolated; recordings mark them). The
    // chain keeps the world's size. Empty: the module's frames as they are.
    std::vector<edit::ChainLink> outputChain;
};

struct WorldPipelineStats {
    uint64_t framesProduced = 0;
    uint64_t steps = 0;
    uint64_t displayDropped = 0;
    uint64_t laggedSteps = 0;      // steps that started later than their slot (real-time mode)
    double stepMsP50 = 0, stepMsP95 = 0;
    double latencyMsP50 = 0, latencyMsP95 = 0;
    double hostOverheadMsPerFrame = 0; // engine-loop time outside the module, per frame (mean of recent steps)
    double producedFps = 0;            // over the last second or so
    double retrievalMsP50 = 0, retrievalMsP95 = 0;
    size_t memoryEntries = 0;
    std::vector<float> stepMsHistory;  // oldest first, for graphs
    std::vector<float> latencyMsHistory;
    // A remote module's steps (zero otherwise): the round trip, and how it splits beyond the server's own step time
    // (stepMs): encoding and decoding the frames, and transport (the rest).
    // Pipelined (two steps in flight), the "round trip" runs from a step's send to its frames, so it includes waiting
    // behind the previous step and the pacing: no transport split is made then (transportMsP50 stays 0).
    bool remote = false, remotePipelined = false;
    double roundTripMsP50 = 0, roundTripMsP95 = 0;
    double codecMsP50 = 0, transportMsP50 = 0;
    uint32_t framesPerWorldFrame = 1; // the output chain's (an interpolator's N)
    uint32_t moduleRestarts = 0;   // new instances after failed steps (restartFailedModule)
    std::string lastRestartReason; // the failure that caused the last one
};

class OutputStage;
class Presenter;

class WorldPipeline {
public:
    enum class State { Stopped, Starting, Running, Paused, Finished, Failed };

    explicit WorldPipeline(modules::ModuleRegistry &registry);
    ~WorldPipeline();

    // Thread: owner. Stops a running pipeline first. Progress and failures show in state()/error().
    void start(const WorldPipelineConfig &config);
    void stop();
    void pause();
    void resume();
    // Applied at the start of the next step (coalesced: the last request wins).
    void requestReset(uint64_t seed);
    void setParam(const std::string &name, double value);

    ControllerInput &input() { return m_input; }
    // Recreated by start() with the configured capacities: fetch them after start(), from the thread that started.
    BoundedQueue<WorldFramePtr> &display() { return *m_display; }
    BoundedQueue<WorldFramePtr> &record() { return *m_record; }

    // The newest picture of the memory (null until memory has entries). Thread: any.
    std::shared_ptr<const memory::MemorySnapshot> memorySnapshot() const;
    // Saves the bank when the engine thread next gets to it; the outcome is logged (and a failure becomes warning()).
    void requestMemorySave(const std::string &path);
    // Changes retrieval settings from the next step on.
    void setRetrievalParams(const memory::RetrievalParams &params);

    // A callback that sees every frame on the engine thread (a recorder's push). It must not block: hand the
    // frame over and return. Null removes it. Thread: any.
    using FrameTap = std::function<void(const WorldFramePtr &)>;
    void setFrameTap(FrameTap tap);

    // Thread: the consumer that showed `frame`. Feeds the input-to-display latency statistics.
    void reportDisplayed(const Frame &frame);

    State state() const { return m_state.load(); }
    std::string error() const;
    // The last non-fatal problem (a rejected parameter), empty if none.
    std::string warning() const;
    WorldPipelineStats stats() const;
    std::optional<CameraPose> pose() const;
    const WorldPipelineConfig &config() const { return m_config; }
    // The loaded module description (valid while running).
    const modules::LoadedModule *module() const { return m_module; }

private:
    // What one step works on, from its cameras to the frames it hands off.
    struct StepWork {
        ControllerTick tick;
        std::vector<CameraFrame> cameras, used; // asked for, and what the module reports it used
        std::vector<CameraPose> poses;
        std::vector<std::shared_ptr<Frame>> frames;
        std::vector<Frame *> raw;
        memory::RetrievalResult retrieval;
        double stepMs = 0;
        double roundTripMs = 0, codecMs = 0; // remote modules
        bool pipelined = false;              // sent before the previous step's frames were back
        std::optional<std::vector<uint64_t>> memoryUsed;
        int64_t readyUs = 0;
        uint64_t step = 0;       // the pipeline step it is
        size_t trackCursor = 0;  // where a scripted track was before it: a failed step gives its cameras again
        uint64_t firstIndex = 0; // its first frame's index
    };

    void run();
    Result<std::unique_ptr<modules::ModuleInstance>> createInstance();
    Status loadMemoryBank();
    Status stepLoop(std::unique_ptr<modules::ModuleInstance> &instance);
    Status restartAfter(const Status &failure, std::unique_ptr<modules::ModuleInstance> &instance);
    Result<bool> stepOnce(modules::ModuleInstance &instance, uint32_t chunk);
    Result<bool> stepPipelined(modules::ModuleInstance &instance, uint32_t chunk);
    Result<bool> collectOldest(modules::ModuleInstance &instance, std::chrono::steady_clock::time_point loopStart);
    Result<bool> drainInFlight(modules::ModuleInstance &instance);
    bool beginStep(StepWork &work, uint32_t chunk);
    bool finishStep(StepWork &work, modules::ModuleInstance &instance, modules::StepMemoryContext &memoryContext,
                    double loopMs);
    void forgetInFlight();
    bool hasPendingCommands() const;
    void acquireFrames(StepWork &work);
    std::vector<mnemo_memory_pick> retrieveMemory(StepWork &work);
    void rememberFrames(StepWork &work, modules::StepMemoryContext &context);
    bool handOff(StepWork &work);
    bool deliver(const WorldFramePtr &frame);
    Status startOutput();
    void recordStepStats(const StepWork &work, double overheadMs);
    void finishRun(modules::ModuleInstance &instance);
    bool nextCameras(uint32_t chunk, ControllerTick &tick, std::vector<CameraFrame> &cameras,
                     std::vector<CameraPose> &poses);
    // toModule false: only what does not call the module (retrieval settings, a memory save).
    void applyCommands(modules::ModuleInstance &instance, bool toModule = true);
    void publishSnapshot(bool force);
    void saveMemory(const std::string &path);
    void fail(const std::string &message);

    modules::ModuleRegistry &m_registry;
    const modules::LoadedModule *m_module = nullptr;
    WorldPipelineConfig m_config;
    ControllerInput m_input;
    CameraIntegrator m_integrator;
    std::unique_ptr<BoundedQueue<WorldFramePtr>> m_display;
    std::unique_ptr<BoundedQueue<WorldFramePtr>> m_record;
    std::shared_ptr<FramePool> m_pool = FramePool::create();
    std::thread m_thread;
    std::atomic<State> m_state{State::Stopped};
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_paused{false};
    size_t m_trackCursor = 0;
    uint64_t m_frameIndex = 0;
    uint64_t m_step = 0;
    std::unique_ptr<memory::MemoryBank> m_bank; // owned by the engine thread while running
    int64_t m_lastSnapshotUs = 0;
    memory::RetrievalResult m_lastRetrieval;
    std::optional<CameraFrame> m_lastCamera;

    mutable std::mutex m_mutex; // guards everything below
    std::string m_error;
    std::string m_warning;
    std::optional<uint64_t> m_pendingReset;
    std::map<std::string, double> m_pendingParams;
    std::optional<std::string> m_pendingMemorySave;
    std::optional<memory::RetrievalParams> m_pendingRetrieval;
    std::shared_ptr<const memory::MemorySnapshot> m_snapshot;
    FrameTap m_tap;
    SampleWindow m_retrievalMs{240};
    SampleWindow m_stepMs{240};
    SampleWindow m_latencyMs{240};
    SampleWindow m_overheadMsPerFrame{240};
    SampleWindow m_roundTripMs{240}; // remote modules only, with the two below
    SampleWindow m_codecMs{240};
    SampleWindow m_transportMs{240};
    bool m_remotePipelined = false; // the last remote step was pipelined
    std::optional<CameraPose> m_pose;
    uint64_t m_framesProduced = 0;
    uint64_t m_steps = 0;
    uint64_t m_lagged = 0;
    uint32_t m_restarts = 0;          // guarded by m_mutex, with m_lastRestartReason
    uint32_t m_framesPerWorldFrame = 1;
    std::string m_lastRestartReason;
    uint32_t m_failuresInRow = 0;     // engine thread only
    std::deque<std::unique_ptr<StepWork>> m_inFlight; // pipelined steps sent, oldest first (engine thread only)
    std::unique_ptr<OutputStage> m_output;            // the output chain (engine thread only); null without one
    std::unique_ptr<Presenter> m_presenter;           // paces an interpolating output chain's frames to the display
    Status m_outputFailure;                           // why the output chain stopped the run
    int64_t m_fpsWindowStartUs = 0;
    uint64_t m_fpsWindowFrames = 0;
    double m_producedFps = 0;
};

const char *worldPipelineStateName(WorldPipeline::State state);

} // namespace mnemo::world
