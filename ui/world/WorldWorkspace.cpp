#include "WorldWorkspace.hpp"

#include "../input/ControllerCapture.hpp"
#include "../viewport/SoftwareViewport.hpp"
#include "../viewport/VulkanViewport.hpp"

#include "mnemo/core/Clock.hpp"
#include "mnemo/core/Guard.hpp"
#include "mnemo/core/Log.hpp"

#include <nlohmann/json.hpp>
#include "mnemo/core/JsonText.hpp"

#include <QDateTime>
#include <QDir>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>
#include <QVBoxLayout>
#include <QVulkanInstance>
#include <QtConcurrent/QtConcurrentRun>

namespace mnemo::ui {
namespace {
constexpr int kControllerTickMs = 16; // ~60 Hz, the rate world-model demos sample controllers at
} // namespace

WorldWorkspace::WorldWorkspace(QVulkanInstance *vulkan, const QString &whyNoVulkan, QWidget *parent)
    : QWidget(parent), m_controller(new ControllerCapture(this)), m_tickTimer(new QTimer(this)) {
    setObjectName("worldWorkspace");
    ViewportFeed feed;
    feed.takeFrame = [this]() -> std::shared_ptr<const Frame> {
        if (!m_pipeline) return nullptr;
        auto item = m_pipeline->display().takeNewest();
        // Alias the frame inside the WorldFrame so the whole record stays alive while the viewport uses it.
        return item ? std::shared_ptr<const Frame>(*item, (*item)->frame.get()) : nullptr;
    };
    feed.frameWaiting = [this] { return m_pipeline && m_pipeline->display().size() > 0; };
    feed.presented = [this](const Frame &frame) {
        if (m_pipeline) m_pipeline->reportDisplayed(frame);
    };
    feed.describe = [this] { return describe(); };
    feed.controller = m_controller;

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    if (vulkan) {
        m_vulkanViewport = new VulkanViewport(vulkan, feed);
        m_viewportWidget = QWidget::createWindowContainer(m_vulkanViewport, this);
        m_viewportWidget->setFocusPolicy(Qt::ClickFocus);
        connect(m_vulkanViewport, &VulkanViewport::captureChanged, this, &WorldWorkspace::captureChanged);
        connect(m_vulkanViewport, &VulkanViewport::firstFramePresented, this, &WorldWorkspace::firstFramePresented);
    } else {
        m_softwareViewport = new SoftwareViewport(feed, whyNoVulkan, this);
        m_viewportWidget = m_softwareViewport;
        connect(m_softwareViewport, &SoftwareViewport::captureChanged, this, &WorldWorkspace::captureChanged);
        connect(m_softwareViewport, &SoftwareViewport::firstFramePresented, this,
                &WorldWorkspace::firstFramePresented);
    }
    m_viewportWidget->setObjectName("viewport");
    m_viewportWidget->setMinimumSize(320, 180);
    layout->addWidget(m_viewportWidget);

    connect(m_tickTimer, &QTimer::timeout, this, &WorldWorkspace::sampleController);
    m_tickTimer->start(kControllerTickMs);

    connect(&m_envWatcher, &QFutureWatcher<EnvironmentResult>::finished, this, &WorldWorkspace::onEnvironmentReady);
    m_envWatcher.setFuture(QtConcurrent::run(&WorldWorkspace::createEnvironment));
}

// On the worker. A throw becomes the error the overlay shows; the future never carries one, since result() would
// rethrow it in onEnvironmentReady() or the destructor.
WorldWorkspace::EnvironmentResult WorldWorkspace::createEnvironment() {
    EnvironmentResult result;
    const Status s = guarded("creating the module environment", [&] {
        faultPoint("ui.world.environment");
        result.env = modules::ModuleEnvironment::create().release();
    });
    if (!s.ok()) result.error = s.message();
    return result;
}

WorldWorkspace::~WorldWorkspace() {
    m_envWatcher.waitForFinished();
    if (!m_env) m_env.reset(m_envWatcher.future().result().env); // finished but not yet delivered (or failed: null)
    setRecording(false);
    // The viewport calls back into this object while it draws: remove it before the pipeline it reads goes away.
    delete m_viewportWidget;
    m_vulkanViewport = nullptr;
    m_softwareViewport = nullptr;
    if (m_pipeline) m_pipeline->stop();
}

void WorldWorkspace::onEnvironmentReady() {
    const EnvironmentResult result = m_envWatcher.future().result();
    m_env.reset(result.env);
    if (!m_env) {
        // No modules, no world: the overlay and the log say why, and nothing that needs an environment starts.
        m_envError = result.error;
        log::error("world", m_envError);
        return;
    }
    m_pipeline = std::make_unique<world::WorldPipeline>(*m_env->registry);
    // The reference world is the default; if it is missing or refused, any other world module is better than none.
    QString first = "reference-world";
    if (!m_env->registry->find(first.toStdString())) {
        for (const auto &m : m_env->registry->loaded()) {
            if (m.kind == modules::ModuleKind::World) {
                first = QString::fromStdString(m.id);
                log::warning("world", "reference-world is not available; starting " + m.id + " instead");
                break;
            }
        }
    }
    m_config.moduleId = first.toStdString();
    emit environmentReady();
    startWorld(first, {});
}

void WorldWorkspace::startWorld(const QString &moduleId, const modules::ParamValues &params) {
    if (!m_pipeline) return;
    setRecording(false); // a session records one world configuration
    world::WorldPipelineConfig config;
    config.moduleId = moduleId.toStdString();
    config.params = params;
    config.seed = m_config.seed ? m_config.seed : 1;
    config.retrieval = m_config.retrieval;
    config.memoryLoadPath = m_pendingMemoryLoad;
    m_pendingMemoryLoad.clear();
    m_config = config;
    m_pipeline->start(config);
    log::info("world", "starting " + config.moduleId);
    emit worldStarted();
}

void WorldWorkspace::setPaused(bool paused) {
    if (!m_pipeline) return;
    if (paused) {
        m_pipeline->pause();
    } else {
        m_pipeline->resume();
    }
}

void WorldWorkspace::resetWorld(quint64 seed) {
    m_config.seed = seed;
    if (m_pipeline) m_pipeline->requestReset(seed);
}

void WorldWorkspace::setRetrieval(const memory::RetrievalParams &params) {
    m_config.retrieval = params;
    if (m_pipeline) m_pipeline->setRetrievalParams(params);
}

void WorldWorkspace::saveMemory(const QString &path) {
    if (m_pipeline) m_pipeline->requestMemorySave(path.toStdString());
}

void WorldWorkspace::openMemory(const QString &path) {
    m_pendingMemoryLoad = path.toStdString();
    startWorld(QString::fromStdString(m_config.moduleId), m_config.params);
}

QString WorldWorkspace::sessionsFolder() {
    const QString env = qEnvironmentVariable("MNEMO_SESSIONS_DIR");
    if (!env.isEmpty()) return env;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/sessions";
}

session::SessionRecorder::Stats WorldWorkspace::recordingStats() const {
    return m_recorder ? m_recorder->stats() : session::SessionRecorder::Stats{};
}

qint64 WorldWorkspace::recordingMs() const {
    return m_recorder ? QDateTime::currentMSecsSinceEpoch() - m_recordingStartMs : 0;
}

void WorldWorkspace::setRecording(bool on) {
    if (on == isRecording() || !m_pipeline) return;
    if (!on) {
        m_pipeline->setFrameTap(nullptr);
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
                    log::info("session", "recorded " + std::to_string(recorder->stats().framesWritten) +
                                             " frames to " + folder.toStdString());
                }
            });
            if (!guard.ok()) log::error("session", guard.message());
        });
        emit recordingChanged(false, folder);
        return;
    }
    session::RecorderConfig rc;
    rc.folder = (sessionsFolder() + "/" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss")).toStdString();
    rc.policy = QueueFullPolicy::DropOldest;
    rc.queueCapacity = 64;
    const auto *module = m_pipeline->module();
    nlohmann::json params(m_config.params);
    session::SessionInfo info{"", m_config.moduleId, module ? module->version : "", mnemo::toJson(params), m_config.seed,
                              m_config.width, m_config.height, m_config.targetFps};
    auto recorder = session::SessionRecorder::start(rc, info);
    if (!recorder.ok()) {
        log::error("session", recorder.message());
        return;
    }
    m_recorder = std::move(recorder.value());
    m_recordingFolder = QString::fromStdString(rc.folder);
    m_recordingStartMs = QDateTime::currentMSecsSinceEpoch();
    std::weak_ptr<session::SessionRecorder> weak = m_recorder;
    m_pipeline->setFrameTap([weak](const world::WorldFramePtr &frame) {
        if (auto r = weak.lock()) r->push(frame);
    });
    log::info("session", "recording to " + rc.folder);
    emit recordingChanged(true, m_recordingFolder);
}

void WorldWorkspace::sampleController() {
    if (!m_pipeline || !capturing()) return;
    m_pipeline->input().submit(m_controller->sample(mnemo::steadyNowUs()));
}

OverlayModel WorldWorkspace::describe() const {
    OverlayModel model;
    if (!m_env) {
        model.state = m_envError.empty() ? "loading modules" : "failed";
        model.engineDevice = m_envError.empty() ? "starting..." : "none";
        model.problem = m_envError;
        return model;
    }
    model.engineDevice = m_env->vulkan ? m_env->vulkan->deviceInfo().name + " (" + m_env->vulkan->deviceInfo().type + ")"
                                       : "none: " + m_env->vulkanError;
    if (!m_pipeline) return model;
    const auto *module = m_env->registry->find(m_config.moduleId);
    model.moduleName = module ? module->name + " " + module->version : m_config.moduleId;
    model.state = world::worldPipelineStateName(m_pipeline->state());
    model.problem = m_pipeline->state() == world::WorldPipeline::State::Failed ? m_pipeline->error()
                                                                               : m_pipeline->warning();
    const auto stats = m_pipeline->stats();
    model.producedFps = stats.producedFps;
    model.stepMsP50 = stats.stepMsP50;
    model.stepMsP95 = stats.stepMsP95;
    model.latencyMsP50 = stats.latencyMsP50;
    model.latencyMsP95 = stats.latencyMsP95;
    model.displayDropped = stats.displayDropped;
    model.stepMsHistory = stats.stepMsHistory;
    model.latencyMsHistory = stats.latencyMsHistory;
    if (m_recorder) {
        const auto rec = m_recorder->stats();
        const qint64 seconds = recordingMs() / 1000;
        char line[160];
        std::snprintf(line, sizeof line, "REC %lld:%02lld  %llu frames%s", static_cast<long long>(seconds / 60),
                      static_cast<long long>(seconds % 60), static_cast<unsigned long long>(rec.framesWritten),
                      rec.framesDropped ? (", " + std::to_string(rec.framesDropped) + " dropped: the disk is too slow").c_str()
                                        : "");
        model.recording = rec.error.empty() ? line : "Recording stopped: " + rec.error;
    }
    model.memoryEntries = stats.memoryEntries;
    model.retrievalMsP50 = stats.retrievalMsP50;
    model.retrievalMsP95 = stats.retrievalMsP95;
    model.retrievalName = memory::retrievalAlgorithmName(m_config.retrieval.algorithm);
    if (const auto snapshot = m_pipeline->memorySnapshot()) {
        for (const auto &pick : snapshot->lastRetrieval.picks) {
            if (model.memoryPicks.size() >= 4) break; // the Memory panel has the full list
            char line[96];
            std::snprintf(line, sizeof line, "frame %llu  score %.2f  covers %.0f%%",
                          static_cast<unsigned long long>(pick.frameIndex), pick.score, pick.covered * 100.0f);
            model.memoryPicks.push_back(line);
        }
    }
    if (const auto pose = m_pipeline->pose()) {
        model.hasPose = true;
        model.x = pose->x;
        model.y = pose->y;
        model.z = pose->z;
        model.yawDeg = pose->yawDeg;
        model.pitchDeg = pose->pitchDeg;
    }
    return model;
}

bool WorldWorkspace::capturing() const {
    return m_vulkanViewport ? m_vulkanViewport->capturing() : m_softwareViewport->capturing();
}

uint64_t WorldWorkspace::presentedEngineFrames() const {
    return m_vulkanViewport ? m_vulkanViewport->presentedEngineFrames() : m_softwareViewport->presentedEngineFrames();
}

void WorldWorkspace::releaseControl() {
    if (m_vulkanViewport) m_vulkanViewport->setCapturing(false);
    if (m_softwareViewport) m_softwareViewport->setCapturing(false);
}

} // namespace mnemo::ui
