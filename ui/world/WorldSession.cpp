#include "WorldSession.hpp"

#include "mnemo/core/Guard.hpp"
#include "mnemo/core/JsonText.hpp"
#include "mnemo/core/Log.hpp"
#include "mnemo/modules/Remote.hpp"

#include <nlohmann/json.hpp>

#include <QDateTime>
#include <QStandardPaths>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <cstdio>

namespace mnemo::ui {

WorldSession::WorldSession(QObject *parent) : QObject(parent), m_publishTimer(new QTimer(this)) {
    setObjectName("worldSession");
    qRegisterMetaType<mnemo::ui::WorldView>();
    m_view.state = "loading modules";
    connect(m_publishTimer, &QTimer::timeout, this, &WorldSession::publish);
    m_publishTimer->start(kPublishMs);
    connect(&m_envWatcher, &QFutureWatcher<EnvironmentResult>::finished, this, &WorldSession::onEnvironmentReady);
    m_envWatcher.setFuture(QtConcurrent::run(&WorldSession::createEnvironment));
}

// On the worker. A throw becomes the error the overlay shows; the future never carries one, since result() would
// rethrow it in onEnvironmentReady() or the destructor.
WorldSession::EnvironmentResult WorldSession::createEnvironment() {
    EnvironmentResult result;
    const Status s = guarded("creating the module environment", [&] {
        faultPoint("ui.world.environment");
        result.env = modules::ModuleEnvironment::create().release();
    });
    if (!s.ok()) result.error = s.message();
    return result;
}

WorldSession::~WorldSession() {
    blockSignals(true); // observers may already be gone; nothing they would show remains
    m_envWatcher.waitForFinished();
    if (!m_env) m_env.reset(m_envWatcher.future().result().env); // finished but not yet delivered (or failed: null)
    setRecording(false);
    if (m_pipeline) m_pipeline->stop();
}

void WorldSession::onEnvironmentReady() {
    const EnvironmentResult result = m_envWatcher.future().result();
    m_env.reset(result.env);
    if (!m_env) {
        // No modules, no world: the overlay and the log say why, and nothing that needs an environment starts.
        m_envError = result.error;
        log::error("world", m_envError);
        publish();
        return;
    }
    m_pipeline = std::make_unique<world::WorldPipeline>(*m_env->registry);
    installFrameTap();
    const QString first = firstWorldModule();
    m_config.moduleId = first.toStdString();
    emit environmentReady();
    startWorld(first, {});
}

// The reference world is the default; if it is missing or refused, any other world module is better than none.
QString WorldSession::firstWorldModule() const {
    if (m_env->registry->find("reference-world")) return "reference-world";
    for (const auto &m : m_env->registry->loaded()) {
        if (m.kind == modules::ModuleKind::World) {
            log::warning("world", "reference-world is not available; starting " + m.id + " instead");
            return QString::fromStdString(m.id);
        }
    }
    return "reference-world";
}

void WorldSession::startWorld(const QString &moduleId, const modules::ParamValues &params) {
    if (!m_pipeline) return;
    setRecording(false); // a session records one world configuration
    world::WorldPipelineConfig config;
    config.moduleId = moduleId.toStdString();
    config.params = params;
    config.seed = m_config.seed ? m_config.seed : 1;
    config.retrieval = m_config.retrieval;
    config.memoryLoadPath = m_pendingMemoryLoad;
    config.restartFailedModule = m_restartFailedModule;
    if (m_outputInterpolation > 1) {
        config.outputChain = {{"frame-interpolate", {{"factor", double(m_outputInterpolation)}}, false, {}, {}}};
    }
    m_pendingMemoryLoad.clear();
    m_config = config;
    m_onScreen.reset();
    m_pipeline->start(config);
    log::info("world", "starting " + config.moduleId);
    emit worldStarted();
}

bool WorldSession::moduleIsolated(const QString &moduleId) const {
    return m_env && m_env->host->isolation(moduleId.toStdString()).enabled;
}

uint32_t WorldSession::isolationDeadlineMs() const {
    return m_env ? m_env->host->isolation("").deadlineMs : modules::Isolation{}.deadlineMs;
}

void WorldSession::setModuleIsolated(const QString &moduleId, bool isolated) {
    if (!m_env || moduleIsolated(moduleId) == isolated) return;
    m_env->host->setIsolation(moduleId.toStdString(), {isolated, isolationDeadlineMs()});
    log::info("modules", moduleId.toStdString() + (isolated ? " runs in its own process from now on"
                                                               : " runs in Mnemo's process from now on"));
    if (m_pipeline && moduleId.toStdString() == m_config.moduleId) startWorld(moduleId, m_config.params);
}

// The deadline of every isolated module (the default and each one set).
void WorldSession::setIsolationDeadlineMs(int ms) {
    if (!m_env || ms <= 0) return;
    m_env->host->setIsolation("", {false, uint32_t(ms)});
    for (const auto &m : m_env->registry->loaded()) {
        m_env->host->setIsolation(m.id, {m_env->host->isolation(m.id).enabled, uint32_t(ms)});
    }
}

void WorldSession::setRestartFailedModule(bool restart) { m_restartFailedModule = restart; }

void WorldSession::setOutputInterpolation(int framesPerWorldFrame) {
    if (framesPerWorldFrame == m_outputInterpolation) return;
    m_outputInterpolation = std::max(1, framesPerWorldFrame);
    if (m_pipeline && !m_config.moduleId.empty()) {
        startWorld(QString::fromStdString(m_config.moduleId), m_config.params);
    }
}

void WorldSession::setPaused(bool paused) {
    if (!m_pipeline) return;
    if (paused) {
        m_pipeline->pause();
    } else {
        m_pipeline->resume();
    }
}

void WorldSession::resetWorld(quint64 seed) {
    m_config.seed = seed;
    if (m_pipeline) m_pipeline->requestReset(seed);
}

void WorldSession::setParam(const QString &name, double value) {
    if (m_pipeline) m_pipeline->setParam(name.toStdString(), value);
}

void WorldSession::setRetrieval(const memory::RetrievalParams &params) {
    m_config.retrieval = params;
    if (m_pipeline) m_pipeline->setRetrievalParams(params);
}

void WorldSession::saveMemory(const QString &path) {
    if (m_pipeline) m_pipeline->requestMemorySave(path.toStdString());
}

void WorldSession::openMemory(const QString &path) {
    m_pendingMemoryLoad = path.toStdString();
    startWorld(QString::fromStdString(m_config.moduleId), m_config.params);
}

QString WorldSession::sessionsFolder() {
    const QString env = qEnvironmentVariable("MNEMO_SESSIONS_DIR");
    if (!env.isEmpty()) return env;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/sessions";
}

qint64 WorldSession::recordingMs() const {
    return m_recorder ? QDateTime::currentMSecsSinceEpoch() - m_recordingStartMs : 0;
}

void WorldSession::setRecording(bool on) {
    if (on == isRecording() || !m_pipeline) return;
    if (on) {
        startRecording();
    } else {
        stopRecording();
    }
    publish();
}

void WorldSession::stopRecording() {
    {
        std::lock_guard lock(m_consumers->mutex);
        m_consumers->recorder.reset();
    }
    // The session keeps the world's memory as it was when recording stopped (docs/memory-bank.md).
    m_pipeline->requestMemorySave((m_recordingFolder + "/memory.mnemo-memory").toStdString());
    // Finishing drains the queue and closes the video: off the UI thread.
    auto recorder = std::move(m_recorder);
    const QString folder = m_recordingFolder;
    (void)QtConcurrent::run([recorder, folder] {
        // Nobody reads this future: a throw would vanish in it, so it is logged like a failed finish().
        const Status guard = guarded("finishing the recording in " + folder.toStdString(), [&] {
            faultPoint("ui.world.recorder-finish");
            if (Status s = recorder->finish(); !s.ok()) {
                log::error("session", s.message());
            } else {
                log::info("session", "recorded " + std::to_string(recorder->stats().framesWritten) + " frames to " +
                                         folder.toStdString());
            }
        });
        if (!guard.ok()) log::error("session", guard.message());
    });
    emit recordingChanged(false, folder);
}

void WorldSession::startRecording() {
    session::RecorderConfig rc;
    rc.folder = (sessionsFolder() + "/" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss")).toStdString();
    rc.policy = QueueFullPolicy::DropOldest;
    rc.queueCapacity = 64;
    const auto *module = m_pipeline->module();
    nlohmann::json params(m_config.params);
    session::SessionInfo info{"",           m_config.moduleId, module ? module->version : "", mnemo::toJson(params),
                              m_config.seed, m_config.width,   m_config.height,                m_config.targetFps};
    auto recorder = session::SessionRecorder::start(rc, info);
    if (!recorder.ok()) {
        log::error("session", recorder.message());
        return;
    }
    m_recorder = std::move(recorder.value());
    m_recordingFolder = QString::fromStdString(rc.folder);
    m_recordingStartMs = QDateTime::currentMSecsSinceEpoch();
    {
        std::lock_guard lock(m_consumers->mutex);
        m_consumers->recorder = m_recorder;
    }
    log::info("session", "recording to " + rc.folder);
    emit recordingChanged(true, m_recordingFolder);
}

// One tap for the pipeline's lifetime; the recorder and the stream sink come and go behind it. Both only hand the
// frame over (a queue push), so holding the mutex while they run costs the engine thread nothing.
void WorldSession::installFrameTap() {
    m_pipeline->setFrameTap([consumers = m_consumers](const world::WorldFramePtr &frame) {
        std::lock_guard lock(consumers->mutex);
        if (auto recorder = consumers->recorder.lock()) recorder->push(frame);
        if (consumers->sink && frame->frame) consumers->sink(frame->frame);
    });
}

void WorldSession::setStreamSink(FrameSink sink) {
    std::lock_guard lock(m_consumers->mutex);
    m_consumers->sink = std::move(sink);
}

world::WorldFramePtr WorldSession::takeFrame() {
    if (!m_pipeline) return nullptr;
    auto item = m_pipeline->display().takeNewest();
    return item ? *item : nullptr;
}

bool WorldSession::frameWaiting() const { return m_pipeline && m_pipeline->display().size() > 0; }

void WorldSession::presented(const world::WorldFramePtr &frame) {
    if (!frame) return;
    m_onScreen = frame;
    if (m_pipeline) m_pipeline->reportDisplayed(*frame->frame);
}

void WorldSession::submitController(const camera::ControllerTick &tick) {
    if (m_pipeline) m_pipeline->input().submit(tick);
}

// The one place the UI's picture of the world is taken; every observer gets the same one.
void WorldSession::publish() {
    WorldView view;
    view.moduleId = m_config.moduleId;
    if (!m_env) {
        view.state = m_envError.empty() ? "loading modules" : "failed";
        view.problem = m_envError;
    } else if (m_pipeline) {
        view.state = world::worldPipelineStateName(m_pipeline->state());
        view.problem = m_pipeline->state() == world::WorldPipeline::State::Failed ? m_pipeline->error()
                                                                                  : m_pipeline->warning();
        view.stats = m_pipeline->stats();
        view.memory = m_pipeline->memorySnapshot();
    }
    if (m_onScreen) {
        view.displayedCamera = m_onScreen->camera;
        view.displayedPose = m_onScreen->pose;
        view.displayedFrame = m_onScreen->frame->index;
    }
    view.recording = isRecording();
    if (m_recorder) view.recordingStats = m_recorder->stats();
    view.recordingMs = recordingMs();
    m_view = std::move(view);
    emit viewChanged(m_view);
}

OverlayModel WorldSession::describe() const {
    OverlayModel model;
    model.state = m_view.state;
    model.problem = m_view.problem;
    if (!m_env) {
        model.engineDevice = m_envError.empty() ? "starting..." : "none";
        return model;
    }
    describeEngine(model);
    describeRecording(model);
    describeMemory(model);
    if (m_onScreen && m_onScreen->frame->interpolated()) {
        model.between = "in between " + std::to_string(m_onScreen->frame->part + 1) + "/" +
                        std::to_string(m_onScreen->frame->parts) + " (interpolated)";
    }
    // The pose of the frame being shown, not the engine's newest: the overlay describes what the user sees.
    if (m_onScreen && m_onScreen->pose) {
        const camera::CameraPose &pose = *m_onScreen->pose;
        model.hasPose = true;
        model.x = pose.x;
        model.y = pose.y;
        model.z = pose.z;
        model.yawDeg = pose.yawDeg;
        model.pitchDeg = pose.pitchDeg;
    }
    return model;
}

QString remoteTimingsText(const world::WorldPipelineStats &stats) {
    if (!stats.remote) return {};
    if (stats.remotePipelined) {
        return QObject::tr("remote, two steps in flight: send to frames %1 / %2 ms (p50/p95; includes waiting behind "
                           "the previous step) = server %3 + codec %4 ms (p50) + waiting and transport")
            .arg(stats.roundTripMsP50, 0, 'f', 1)
            .arg(stats.roundTripMsP95, 0, 'f', 1)
            .arg(stats.stepMsP50, 0, 'f', 1)
            .arg(stats.codecMsP50, 0, 'f', 1);
    }
    return QObject::tr("remote: round trip %1 / %2 ms (p50/p95) = server %3 + codec %4 + transport %5 ms (p50)")
        .arg(stats.roundTripMsP50, 0, 'f', 1)
        .arg(stats.roundTripMsP95, 0, 'f', 1)
        .arg(stats.stepMsP50, 0, 'f', 1)
        .arg(stats.codecMsP50, 0, 'f', 1)
        .arg(stats.transportMsP50, 0, 'f', 1);
}

void WorldSession::connectRemote(const QString &url, const QString &token, const QString &frameFormat) {
    if (!m_env) return emit remoteFailed(tr("the modules are still loading"));
    auto endpoint = modules::parseRemoteUrl(url.trimmed().toStdString(), token.toStdString());
    if (!endpoint.ok()) return emit remoteFailed(QString::fromStdString(endpoint.message()));
    endpoint->deadlineMs = 5000; // describing is a short exchange: a silent server is reported within seconds
    endpoint->frameFormat = frameFormat.toStdString();
    m_remoteJob.run(
        [endpoint = endpoint.value()](const auto &) { return modules::describeRemote(endpoint); },
        [this](mnemo::Result<modules::LoadedModule> &&described) {
            if (!described.ok()) return emit remoteFailed(QString::fromStdString(described.message()));
            described->remote->deadlineMs = 10000; // steps of a big model take longer than describing it
            auto added = m_env->registry->addDescribed(std::move(described.value()));
            if (!added.ok()) return emit remoteFailed(QString::fromStdString(added.message()));
            emit modulesChanged();
            emit remoteConnected(QString::fromStdString(added.value()));
        },
        [this](const QString &message) { emit remoteFailed(message); });
}

void WorldSession::describeEngine(OverlayModel &model) const {
    model.engineDevice = m_env->vulkan ? m_env->vulkan->deviceInfo().name + " (" + m_env->vulkan->deviceInfo().type +
                                             ")"
                                       : "none: " + m_env->vulkanError;
    const auto *module = m_env->registry->find(m_config.moduleId);
    model.moduleName = module ? module->name + " " + module->version : m_config.moduleId;
    const world::WorldPipelineStats &stats = m_view.stats;
    model.producedFps = stats.producedFps;
    model.stepMsP50 = stats.stepMsP50;
    model.stepMsP95 = stats.stepMsP95;
    model.latencyMsP50 = stats.latencyMsP50;
    model.latencyMsP95 = stats.latencyMsP95;
    model.displayDropped = stats.displayDropped;
    model.stepMsHistory = stats.stepMsHistory;
    model.remoteTimings = remoteTimingsText(stats).toStdString();
    model.latencyMsHistory = stats.latencyMsHistory;
}

void WorldSession::describeRecording(OverlayModel &model) const {
    if (!m_view.recording) return;
    const auto &rec = m_view.recordingStats;
    const qint64 seconds = m_view.recordingMs / 1000;
    char line[160];
    std::snprintf(line, sizeof line, "REC %lld:%02lld  %llu frames%s", static_cast<long long>(seconds / 60),
                  static_cast<long long>(seconds % 60), static_cast<unsigned long long>(rec.framesWritten),
                  rec.framesDropped ? (", " + std::to_string(rec.framesDropped) + " dropped: the disk is too slow").c_str()
                                    : "");
    model.recording = rec.error.empty() ? line : "Recording stopped: " + rec.error;
}

void WorldSession::describeMemory(OverlayModel &model) const {
    if (m_onScreen && m_onScreen->memoryUsed) {
        std::string ids;
        for (size_t i = 0; i < m_onScreen->memoryUsed->size() && i < 6; ++i) {
            ids += (i ? ", " : "") + std::to_string((*m_onScreen->memoryUsed)[i]);
        }
        model.memoryUse = "the model used " + std::to_string(m_onScreen->memoryUsed->size()) + " of " +
                          std::to_string(m_onScreen->memory.size()) + " picks" + (ids.empty() ? "" : " (entries " + ids + ")");
    }
    model.memoryEntries = m_view.stats.memoryEntries;
    model.retrievalMsP50 = m_view.stats.retrievalMsP50;
    model.retrievalMsP95 = m_view.stats.retrievalMsP95;
    model.retrievalName = memory::retrievalAlgorithmName(m_config.retrieval.algorithm);
    if (!m_view.memory) return;
    for (const auto &pick : m_view.memory->lastRetrieval.picks) {
        if (model.memoryPicks.size() >= 4) break; // the Memory panel has the full list
        char line[96];
        std::snprintf(line, sizeof line, "frame %llu  score %.2f  covers %.0f%%",
                      static_cast<unsigned long long>(pick.frameIndex), pick.score, pick.covered * 100.0f);
        model.memoryPicks.push_back(line);
    }
}

} // namespace mnemo::ui
