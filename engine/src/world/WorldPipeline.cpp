#include "mnemo/world/WorldPipeline.hpp"
#include "OutputStage.hpp"
#include "mnemo/core/Clock.hpp"
#include "mnemo/core/Guard.hpp"

#include "mnemo/core/Log.hpp"

#include <algorithm>
#include <chrono>

namespace mnemo::world {
namespace {
using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }
} // namespace

const char *worldPipelineStateName(WorldPipeline::State state) {
    switch (state) {
    case WorldPipeline::State::Stopped: return "stopped";
    case WorldPipeline::State::Starting: return "starting";
    case WorldPipeline::State::Running: return "running";
    case WorldPipeline::State::Paused: return "paused";
    case WorldPipeline::State::Finished: return "finished";
    case WorldPipeline::State::Failed: return "failed";
    }
    return "?";
}

WorldPipeline::WorldPipeline(modules::ModuleRegistry &registry)
    : m_registry(registry),
      m_display(std::make_unique<BoundedQueue<WorldFramePtr>>(2, QueueFullPolicy::DropOldest)),
      m_record(std::make_unique<BoundedQueue<WorldFramePtr>>(8, QueueFullPolicy::Block)) {}

WorldPipeline::~WorldPipeline() { stop(); }

void WorldPipeline::start(const WorldPipelineConfig &config) {
    stop();
    m_config = config;
    m_display = std::make_unique<BoundedQueue<WorldFramePtr>>(config.displayCapacity, QueueFullPolicy::DropOldest);
    m_record = std::make_unique<BoundedQueue<WorldFramePtr>>(config.recordCapacity, QueueFullPolicy::Block);
    m_integrator = CameraIntegrator(config.integrator, config.startPose);
    m_input.clear();
    m_trackCursor = 0;
    m_frameIndex = 0;
    m_step = 0;
    m_inFlight.clear(); // a run that ended by an exception may have left steps of its module
    m_lastSnapshotUs = 0;
    m_lastRetrieval = {};
    m_lastCamera.reset();
    {
        std::lock_guard lock(m_mutex);
        m_error.clear();
        m_warning.clear();
        m_pendingReset.reset();
        m_pendingParams.clear();
        m_stepMs.clear();
        m_latencyMs.clear();
        m_overheadMsPerFrame.clear();
        m_roundTripMs.clear();
        m_codecMs.clear();
        m_transportMs.clear();
        m_remotePipelined = false;
        m_retrievalMs.clear();
        m_snapshot.reset();
        m_pendingMemorySave.reset();
        m_pendingRetrieval.reset();
        m_pose = config.startPose;
        m_framesProduced = m_steps = m_lagged = 0;
        m_restarts = 0;
        m_framesPerWorldFrame = 1;
        m_lastRestartReason.clear();
        m_failuresInRow = 0;
        m_fpsWindowStartUs = mnemo::steadyNowUs();
        m_fpsWindowFrames = 0;
        m_producedFps = 0;
    }
    m_stop = false;
    m_paused = false;
    m_state = State::Starting;
    m_thread = std::thread([this] {
        // Whatever escapes the loop (a frame tap's exception, std::bad_alloc) fails the pipeline with a message and
        // closes its queues, so the viewport and the recorder wind down instead of the process terminating.
        Status s = guarded("the world engine thread", [this] {
            faultPoint("engine.world-thread");
            run();
        });
        if (!s.ok()) fail(s.message());
    });
}

void WorldPipeline::stop() {
    m_stop = true;
    // Unblock an engine thread waiting on a full record queue.
    if (m_record) m_record->close();
    if (m_thread.joinable()) m_thread.join();
    m_presenter.reset(); // it pushes to the display queue, which start() replaces
    m_output.reset();
    const State s = m_state.load();
    if (s != State::Failed && s != State::Finished) m_state = State::Stopped;
}

void WorldPipeline::pause() {
    m_paused = true;
    if (m_state == State::Running) m_state = State::Paused;
}

void WorldPipeline::resume() {
    m_paused = false;
    if (m_state == State::Paused) m_state = State::Running;
}

void WorldPipeline::requestReset(uint64_t seed) {
    std::lock_guard lock(m_mutex);
    m_pendingReset = seed;
}

void WorldPipeline::setParam(const std::string &name, double value) {
    std::lock_guard lock(m_mutex);
    m_pendingParams[name] = value;
}

std::shared_ptr<const memory::MemorySnapshot> WorldPipeline::memorySnapshot() const {
    std::lock_guard lock(m_mutex);
    return m_snapshot;
}

void WorldPipeline::setFrameTap(FrameTap tap) {
    std::lock_guard lock(m_mutex);
    m_tap = std::move(tap);
}

void WorldPipeline::requestMemorySave(const std::string &path) {
    const State s = m_state.load();
    if (s == State::Finished || s == State::Stopped || s == State::Failed) {
        // The engine thread is done with the bank (these states are set after its last use): save it here.
        saveMemory(path);
        return;
    }
    std::lock_guard lock(m_mutex);
    m_pendingMemorySave = path;
}

void WorldPipeline::setRetrievalParams(const memory::RetrievalParams &params) {
    std::lock_guard lock(m_mutex);
    m_pendingRetrieval = params;
}

void WorldPipeline::publishSnapshot(bool force) {
    // A snapshot copies every entry's pose: at most ten a second is plenty for a panel that repaints at that rate.
    const int64_t now = mnemo::steadyNowUs();
    if (!force && now - m_lastSnapshotUs < 100000) return;
    m_lastSnapshotUs = now;
    auto snapshot = memory::makeSnapshot(*m_bank, m_step, m_lastRetrieval, m_config.retrieval,
                                         m_lastCamera ? &*m_lastCamera : nullptr);
    std::lock_guard lock(m_mutex);
    m_snapshot = std::move(snapshot);
}

void WorldPipeline::reportDisplayed(const Frame &frame) {
    const double ms = double(mnemo::steadyNowUs() - frame.inputUs) / 1000.0;
    std::lock_guard lock(m_mutex);
    m_latencyMs.push(ms);
}

std::string WorldPipeline::error() const {
    std::lock_guard lock(m_mutex);
    return m_error;
}

std::string WorldPipeline::warning() const {
    std::lock_guard lock(m_mutex);
    return m_warning;
}

std::optional<CameraPose> WorldPipeline::pose() const {
    std::lock_guard lock(m_mutex);
    return m_pose;
}

WorldPipelineStats WorldPipeline::stats() const {
    std::lock_guard lock(m_mutex);
    WorldPipelineStats s;
    s.framesProduced = m_framesProduced;
    s.steps = m_steps;
    s.displayDropped = m_display ? m_display->droppedCount() : 0;
    s.laggedSteps = m_lagged;
    s.moduleRestarts = m_restarts;
    s.framesPerWorldFrame = m_framesPerWorldFrame;
    s.lastRestartReason = m_lastRestartReason;
    s.stepMsP50 = m_stepMs.percentile(0.5);
    s.stepMsP95 = m_stepMs.percentile(0.95);
    s.latencyMsP50 = m_latencyMs.percentile(0.5);
    s.latencyMsP95 = m_latencyMs.percentile(0.95);
    s.hostOverheadMsPerFrame = m_overheadMsPerFrame.mean();
    s.producedFps = m_producedFps;
    s.retrievalMsP50 = m_retrievalMs.percentile(0.5);
    s.retrievalMsP95 = m_retrievalMs.percentile(0.95);
    s.memoryEntries = m_snapshot ? m_snapshot->entries.size() : 0;
    s.remote = m_roundTripMs.count() > 0;
    s.remotePipelined = m_remotePipelined;
    s.roundTripMsP50 = m_roundTripMs.percentile(0.5);
    s.roundTripMsP95 = m_roundTripMs.percentile(0.95);
    s.codecMsP50 = m_codecMs.percentile(0.5);
    s.transportMsP50 = m_transportMs.percentile(0.5);
    s.stepMsHistory = m_stepMs.ordered();
    s.latencyMsHistory = m_latencyMs.ordered();
    return s;
}

void WorldPipeline::fail(const std::string &message) {
    {
        std::lock_guard lock(m_mutex);
        m_error = message;
    }
    log::error("world", message);
    m_state = State::Failed;
    m_display->close();
    m_record->close();
}

void WorldPipeline::saveMemory(const std::string &path) {
    if (!m_bank) return;
    if (Status s = m_bank->save(path); !s.ok()) {
        log::warning("world", s.message());
        std::lock_guard lock(m_mutex);
        m_warning = s.message();
    } else {
        log::info("world", "memory bank saved to " + path + " (" + std::to_string(m_bank->size()) + " entries)");
    }
}

void WorldPipeline::applyCommands(modules::ModuleInstance &instance, bool toModule) {
    std::optional<uint64_t> reset;
    std::map<std::string, double> params;
    std::optional<std::string> savePath;
    std::optional<memory::RetrievalParams> retrieval;
    {
        std::lock_guard lock(m_mutex);
        reset.swap(m_pendingReset);
        params.swap(m_pendingParams);
        savePath.swap(m_pendingMemorySave);
        retrieval.swap(m_pendingRetrieval);
    }
    if (retrieval) m_config.retrieval = *retrieval;
    if (savePath) saveMemory(*savePath);
    if (!toModule) return;
    for (const auto &[name, value] : params) {
        if (Status s = instance.setParam(name, value); s.ok()) {
            m_config.params[name] = value; // what a restarted instance starts from
        } else {
            // A rejected parameter is the user's to fix, not a reason to stop the world.
            log::warning("world", s.message());
            std::lock_guard lock(m_mutex);
            m_warning = s.message();
        }
    }
    if (reset) {
        if (Status s = instance.reset(*reset); !s.ok()) log::warning("world", s.message());
        m_config.seed = *reset;
        m_integrator.reset(m_config.startPose);
        m_input.clear();
        if (m_bank) m_bank->clear(); // a reset world has no past
        std::lock_guard lock(m_mutex);
        m_pose = m_config.startPose;
    }
}

bool WorldPipeline::nextCameras(uint32_t chunk, ControllerTick &tick, std::vector<CameraFrame> &cameras,
                                std::vector<CameraPose> &poses) {
    cameras.clear();
    poses.clear();
    if (m_config.track) {
        const CameraTrack &track = *m_config.track;
        for (uint32_t i = 0; i < chunk; ++i) {
            if (m_trackCursor >= track.frames.size()) break;
            CameraFrame c = track.frames[m_trackCursor].camera;
            c.intrinsics = track.intrinsicsFor(m_trackCursor, m_config.width, m_config.height);
            if (i == 0 && track.frames[m_trackCursor].controller) tick = *track.frames[m_trackCursor].controller;
            cameras.push_back(c);
            ++m_trackCursor;
        }
        tick.tUs = mnemo::steadyNowUs(); // scripted input is "sampled" when the step takes it
        return !cameras.empty();
    }
    tick = m_config.fixedTimestep ? ControllerTick{} : m_input.take();
    if (m_config.fixedTimestep || tick.tUs == 0) tick.tUs = mnemo::steadyNowUs();
    const camera::Intrinsics k = camera::intrinsicsFromHorizontalFov(m_config.integrator.horizontalFovDeg, m_config.width,
                                                     m_config.height);
    poses = m_integrator.advance(tick, chunk);
    for (const auto &p : poses) cameras.push_back({camera::poseToCameraToWorld(p), k});
    return true;
}

// The engine thread: prepare the module and the memory, then step until stopped, then finish. A failure in any
// phase ends the run with the state Failed and the message as error().
void WorldPipeline::run() {
    auto instance = createInstance();
    if (!instance.ok()) return fail(instance.message());
    if (Status s = startOutput(); !s.ok()) return fail(s.message());
    if (Status s = loadMemoryBank(); !s.ok()) return fail(s.message());
    m_state = m_paused ? State::Paused : State::Running;
    if (Status s = stepLoop(instance.value()); !s.ok()) return fail(s.message());
    finishRun(*instance.value());
}

// The output chain, when there is one, and in real time a presenter pacing what it adds to the display (fixed-timestep
// runs go as fast as they can: nothing to pace).
Status WorldPipeline::startOutput() {
    m_presenter.reset();
    m_output.reset();
    m_outputFailure = {};
    if (m_config.outputChain.empty()) return {};
    auto made = OutputStage::create(m_registry, m_config.outputChain, m_config.width, m_config.height, m_config.seed);
    if (!made.ok()) return made.status();
    m_output = std::move(made.value());
    if (!m_config.fixedTimestep && m_output->framesPerInput() > 1) {
        const double chunk = double(std::max(1u, m_module ? m_module->chunkFrames : 1u));
        const auto step = std::chrono::microseconds(int64_t(1e6 * chunk / std::max(1.0, m_config.targetFps)));
        m_presenter = std::make_unique<Presenter>(*m_display, step);
    }
    std::lock_guard lock(m_mutex);
    m_framesPerWorldFrame = m_output->framesPerInput();
    return {};
}

Result<std::unique_ptr<modules::ModuleInstance>> WorldPipeline::createInstance() {
    m_module = m_registry.find(m_config.moduleId);
    if (!m_module) {
        return Status(StatusCode::NotFound,
                      "no world module '" + m_config.moduleId + "' is loaded (see the Plugins panel)");
    }
    if (m_module->kind != modules::ModuleKind::World) {
        return Status(StatusCode::InvalidArgument, "module '" + m_config.moduleId + "' is not a world module");
    }
    auto created = modules::ModuleInstance::create(*m_module, m_registry.host(), m_config.width, m_config.height,
                                                   m_config.params);
    if (!created.ok()) return created.status();
    if (Status s = created.value()->reset(m_config.seed); !s.ok()) return s;
    return created;
}

Status WorldPipeline::loadMemoryBank() {
    m_bank = std::make_unique<memory::MemoryBank>(m_config.memoryConfig);
    if (m_config.memoryLoadPath.empty()) return {};
    auto loaded = memory::MemoryBank::load(m_config.memoryLoadPath);
    if (!loaded.ok()) return loaded.status();
    m_bank = std::make_unique<memory::MemoryBank>(std::move(loaded.value()));
    m_bank->setConfig(m_config.memoryConfig);
    for (const auto &e : m_bank->entries()) m_frameIndex = std::max(m_frameIndex, e.frameIndex + 1);
    log::info("world", "memory bank loaded from " + m_config.memoryLoadPath + " (" + std::to_string(m_bank->size()) +
                           " entries)");
    return {};
}

// Paced at the target rate in real time (a late step restarts the schedule instead of bursting to catch up), as
// fast as possible with a fixed timestep.
Status WorldPipeline::stepLoop(std::unique_ptr<modules::ModuleInstance> &instance) {
    const uint32_t chunk = m_module->chunkFrames;
    const auto interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(double(chunk) / std::max(1.0, m_config.targetFps)));
    auto next = Clock::now();
    while (!m_stop) {
        if (m_paused) {
            if (auto drained = drainInFlight(*instance); !drained.ok()) { // the step sent before the pause is shown
                if (Status s = restartAfter(drained.status(), instance); !s.ok()) return s;
            } else if (!drained.value()) {
                if (!m_outputFailure.ok()) return m_outputFailure;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            next = Clock::now();
            continue;
        }
        if (!m_config.fixedTimestep) std::this_thread::sleep_until(next);
        const bool pipelined = m_config.stepsInFlight > 1 && instance->canPipelineSteps();
        auto stepped = pipelined ? stepPipelined(*instance, chunk) : stepOnce(*instance, chunk);
        if (!stepped.ok()) {
            if (Status s = restartAfter(stepped.status(), instance); !s.ok()) return s;
            continue;
        }
        if (!stepped.value()) { // the track ended, the frame budget is spent, the recording queue closed
            if (!m_outputFailure.ok()) return m_outputFailure; // or the output chain failed
            break;
        }
        if (!m_config.fixedTimestep) {
            next += interval;
            if (Clock::now() > next) {
                std::lock_guard lock(m_mutex);
                ++m_lagged;
                next = Clock::now();
            }
        }
    }
    return {};
}

// A new instance after a failed step, when the user asked for it: the current parameters and seed, the camera where
// it is (the integrator and the memory are the pipeline's, not the module's). The failure stands after three in a row.
Status WorldPipeline::restartAfter(const Status &failure, std::unique_ptr<modules::ModuleInstance> &instance) {
    if (!m_config.restartFailedModule || ++m_failuresInRow > 3 || m_stop) return failure;
    log::warning("world", failure.message() + ": starting the module again");
    instance.reset(); // the failed one goes first: its memory, its device, whatever it holds exclusively
    auto fresh = createInstance();
    if (!fresh.ok()) return Status(failure.code(), failure.message() + "; restarting it failed: " + fresh.message());
    instance = std::move(fresh.value());
    std::lock_guard lock(m_mutex);
    ++m_restarts;
    m_lastRestartReason = failure.message();
    return {};
}

// A step's cameras, frames and memory picks; false when a scripted track has ended.
bool WorldPipeline::beginStep(StepWork &work, uint32_t chunk) {
    work.trackCursor = m_trackCursor;
    work.step = m_step;
    work.firstIndex = m_frameIndex;
    if (!nextCameras(chunk, work.tick, work.cameras, work.poses)) return false;
    acquireFrames(work);
    return true;
}

// After the module's frames are in: timings, memory writes, hand-off, statistics. False once the recording is closed.
bool WorldPipeline::finishStep(StepWork &work, modules::ModuleInstance &instance,
                               modules::StepMemoryContext &memoryContext, double loopMs) {
    work.stepMs = instance.lastStepModuleMs(); // the module's own time; isolation's transport is host overhead
    if (m_module->remote) {
        work.roundTripMs = instance.lastStepCallMs();
        work.codecMs = instance.lastStepCodecMs();
    }
    work.readyUs = mnemo::steadyNowUs();
    work.memoryUsed = instance.lastStepMemoryUsed();
    if (m_config.memoryEnabled) rememberFrames(work, memoryContext);
    const bool open = handOff(work);
    recordStepStats(work, std::max(0.0, loopMs - work.stepMs));
    m_failuresInRow = 0; // a step's frames came back (a pipelined send alone proves nothing)
    return open;
}

// One step: cameras, memory retrieval, the module's frames, memory writes, hand-off. True to keep going.
Result<bool> WorldPipeline::stepOnce(modules::ModuleInstance &instance, uint32_t chunk) {
    const auto loopStart = Clock::now();
    applyCommands(instance);
    StepWork work;
    if (!beginStep(work, chunk)) return false; // the scripted track ended
    std::vector<mnemo_memory_pick> picks = retrieveMemory(work);
    modules::StepMemoryContext memoryContext{m_bank.get(), m_config.retrieval, m_frameIndex, {}};
    Status stepStatus = instance.worldStep(work.cameras, {work.tick}, work.raw, &work.used, picks,
                                           m_config.memoryEnabled ? &memoryContext : nullptr);
    if (!stepStatus.ok()) {
        m_trackCursor = work.trackCursor; // a scripted track gives these cameras again to a restarted module
        return stepStatus;
    }
    m_frameIndex += work.frames.size();
    ++m_step;
    if (!finishStep(work, instance, memoryContext, msSince(loopStart))) return false; // closed: we are stopping
    return !(m_config.maxFrames && m_frameIndex >= m_config.maxFrames);
}

// Pipelined: send this step, then collect the oldest once stepsInFlight are out (or nothing more will be sent). The
// module's calls other than steps wait until nothing is in flight. True to keep going.
Result<bool> WorldPipeline::stepPipelined(modules::ModuleInstance &instance, uint32_t chunk) {
    const auto loopStart = Clock::now();
    if (hasPendingCommands()) {
        auto drained = drainInFlight(instance);
        if (!drained.ok() || !drained.value()) return drained;
        applyCommands(instance);
    }
    bool more = !(m_config.maxFrames && m_frameIndex >= m_config.maxFrames);
    auto work = std::make_unique<StepWork>();
    if (more && beginStep(*work, chunk)) {
        std::vector<mnemo_memory_pick> picks = retrieveMemory(*work);
        std::vector<uint64_t> indices;
        for (const auto &f : work->frames) indices.push_back(f->index);
        if (Status s = instance.submitWorldStep(work->cameras, {work->tick}, indices, picks); !s.ok()) {
            m_trackCursor = work->trackCursor;
            forgetInFlight();
            return s;
        }
        m_frameIndex += work->frames.size();
        ++m_step;
        m_inFlight.push_back(std::move(work));
    } else {
        more = false;
    }
    const size_t depth = std::clamp<size_t>(m_config.stepsInFlight, 1, modules::kMaxStepsInFlight);
    if (m_inFlight.size() >= depth || (!more && !m_inFlight.empty())) {
        auto collected = collectOldest(instance, loopStart);
        if (!collected.ok() || !collected.value()) return collected;
    }
    return more || !m_inFlight.empty();
}

// The oldest step in flight: its frames, then what every step does with them. False once the recording is closed.
Result<bool> WorldPipeline::collectOldest(modules::ModuleInstance &instance, Clock::time_point loopStart) {
    StepWork &work = *m_inFlight.front();
    if (Status s = instance.collectWorldStep(work.raw, &work.used); !s.ok()) {
        forgetInFlight();
        return s;
    }
    const std::unique_ptr<StepWork> done = std::move(m_inFlight.front());
    m_inFlight.pop_front();
    done->pipelined = true;
    modules::StepMemoryContext memoryContext{m_bank.get(), m_config.retrieval, m_frameIndex, {}};
    return finishStep(*done, instance, memoryContext, msSince(loopStart));
}

// Collects every step in flight; false once the recording is closed.
Result<bool> WorldPipeline::drainInFlight(modules::ModuleInstance &instance) {
    while (!m_inFlight.empty()) {
        auto collected = collectOldest(instance, Clock::now());
        if (!collected.ok() || !collected.value()) return collected;
    }
    return true;
}

// After a failure: the steps in flight are lost; a restarted module is asked for them again (a scripted track's
// cameras, the same frame indices).
void WorldPipeline::forgetInFlight() {
    if (m_inFlight.empty()) return;
    m_trackCursor = m_inFlight.front()->trackCursor;
    m_frameIndex = m_inFlight.front()->firstIndex;
    m_step = m_inFlight.front()->step;
    m_inFlight.clear();
}

bool WorldPipeline::hasPendingCommands() const {
    std::lock_guard lock(m_mutex);
    return m_pendingReset || !m_pendingParams.empty() || m_pendingMemorySave || m_pendingRetrieval;
}

void WorldPipeline::acquireFrames(StepWork &work) {
    for (size_t i = 0; i < work.cameras.size(); ++i) {
        work.frames.push_back(m_pool->acquire(m_config.width, m_config.height));
        work.frames.back()->index = m_frameIndex + i;
        work.frames.back()->inputUs = work.tick.tUs;
        work.raw.push_back(work.frames.back().get());
    }
}

// What the stored frames know about the cameras about to be generated; every pick counts as a read.
std::vector<mnemo_memory_pick> WorldPipeline::retrieveMemory(StepWork &work) {
    std::vector<mnemo_memory_pick> picks;
    if (!m_config.memoryEnabled) return picks;
    work.retrieval = memory::retrieve(*m_bank, work.cameras, m_frameIndex, m_config.retrieval);
    for (const auto &p : work.retrieval.picks) {
        m_bank->recordRetrieval(m_step, p.entryId, p.score, p.covered);
        if (const auto *e = m_bank->find(p.entryId)) picks.push_back(modules::toMemoryPick(*e, p.score, p.covered));
    }
    return picks;
}

// Each new frame enters the bank with the camera the module used and any latent it attached during the step.
void WorldPipeline::rememberFrames(StepWork &work, modules::StepMemoryContext &context) {
    for (size_t i = 0; i < work.frames.size(); ++i) {
        auto latent = context.attachedLatents.find(work.frames[i]->index);
        m_bank->add(work.frames[i]->index, work.readyUs, work.step, work.used[i], work.frames[i].get(),
                    latent == context.attachedLatents.end() ? std::vector<uint8_t>{} : std::move(latent->second));
    }
    m_lastRetrieval = work.retrieval;
    m_lastCamera = work.used.back();
    publishSnapshot(false);
}

// To the display (drops the oldest), the frame tap, and the recording queue (blocks). False once that is closed.
bool WorldPipeline::handOff(StepWork &work) {
    std::vector<WorldFramePtr> shown; // what the output chain made of the step's frames, paced as one group
    for (size_t i = 0; i < work.frames.size(); ++i) {
        work.frames[i]->renderMs = work.stepMs / double(work.frames.size());
        work.frames[i]->producedUs = work.readyUs;
        auto wf = std::make_shared<WorldFrame>();
        wf->frame = work.frames[i];
        wf->camera = work.used[i];
        if (i < work.poses.size()) wf->pose = work.poses[i];
        wf->stepMs = work.stepMs;
        wf->memory = work.retrieval.picks;
        wf->memoryUsed = work.memoryUsed;
        wf->tick = work.tick;
        wf->step = work.step;
        if (!m_output) {
            if (!deliver(wf)) return false;
            continue;
        }
        auto outputs = m_output->process(wf);
        if (!outputs.ok()) {
            m_outputFailure = outputs.status().withContext("the World's output chain");
            return false;
        }
        for (const WorldFramePtr &out : outputs.value()) {
            if (!deliver(out)) return false;
        }
        if (m_presenter) shown.insert(shown.end(), outputs->begin(), outputs->end());
    }
    if (m_presenter) m_presenter->present(shown);
    return true;
}

// A frame to its consumers: the display (unless the presenter paces it), the tap, the recording.
bool WorldPipeline::deliver(const WorldFramePtr &wf) {
    if (!m_presenter) m_display->push(wf);
    FrameTap tap;
    {
        std::lock_guard lock(m_mutex);
        tap = m_tap;
    }
    if (tap) tap(wf);
    return !m_config.record || m_record->push(wf);
}

void WorldPipeline::recordStepStats(const StepWork &work, double overheadMs) {
    std::lock_guard lock(m_mutex);
    if (m_config.memoryEnabled) m_retrievalMs.push(work.retrieval.elapsedMs);
    m_stepMs.push(work.stepMs);
    if (work.roundTripMs > 0) {
        m_roundTripMs.push(work.roundTripMs);
        m_codecMs.push(work.codecMs);
        if (!work.pipelined) m_transportMs.push(std::max(0.0, work.roundTripMs - work.stepMs - work.codecMs));
        m_remotePipelined = work.pipelined;
    }
    m_overheadMsPerFrame.push(overheadMs / double(work.frames.size()));
    m_framesProduced += work.frames.size();
    ++m_steps;
    if (!work.poses.empty()) m_pose = work.poses.back();
    m_fpsWindowFrames += work.frames.size();
    const int64_t windowUs = work.readyUs - m_fpsWindowStartUs;
    if (windowUs >= 500000) {
        m_producedFps = double(m_fpsWindowFrames) * 1e6 / double(windowUs);
        m_fpsWindowStartUs = work.readyUs;
        m_fpsWindowFrames = 0;
    }
}

void WorldPipeline::finishRun(modules::ModuleInstance &instance) {
    m_inFlight.clear(); // stopped with steps in flight: their frames would come after the stop
    if (m_config.memoryEnabled && m_bank->size() > 0) publishSnapshot(true);
    // A save requested at the very end still happens; a reset or parameter for a module with steps still in flight
    // is dropped (the module refuses calls then, and the world is ending).
    applyCommands(instance, instance.stepsInFlight() == 0);
    if (!m_config.memorySavePath.empty()) saveMemory(m_config.memorySavePath);
    if (!m_stop) m_state = State::Finished;
    // A save requested between the last applyCommands() and the state change above would otherwise be lost.
    std::optional<std::string> lateSave;
    {
        std::lock_guard lock(m_mutex);
        lateSave.swap(m_pendingMemorySave);
    }
    if (lateSave) saveMemory(*lateSave);
    m_presenter.reset(); // what it still holds is not shown: the world ended
    m_record->close(); // tells a draining consumer that nothing more will come
}

} // namespace mnemo::world
