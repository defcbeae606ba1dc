#pragma once
// The World workspace's model, the counterpart of InspectSession: it owns the module environment (created on a
// worker so start-up never blocks the UI), the world pipeline (which steps its module on its own engine thread), the
// session recorder and the sessions folder. Widgets observe it and call its slots; none reaches into the pipeline.
//
// What the UI shows is published at one cadence: every kPublishMs the session emits viewChanged() with a WorldView
// (state, statistics, the newest memory snapshot, recording figures, and the camera and pose of the frame *on
// screen*). The viewport takes frames through takeFrame() and reports each one it presents (presented()), so the
// frame, its camera and its pose travel together: the overlay, the memory map and the status bar all describe the
// frame the user is looking at, not the newest one the engine made.

#include "common/LatestJob.hpp"
#include "world/viewport/ViewportOverlay.hpp"

#include "mnemo/memory/MemorySnapshot.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/session/SessionRecorder.hpp"
#include "mnemo/world/WorldPipeline.hpp"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

class QTimer;

namespace mnemo::ui {

// One published picture of the world, for docks and the status bar.
struct WorldView {
    std::string moduleId;
    std::string state;   // "running", "paused", "failed", ... or "loading modules" before the environment
    std::string problem; // the pipeline's error or warning, or why there is no environment
    world::WorldPipelineStats stats;
    std::shared_ptr<const memory::MemorySnapshot> memory; // null until the first step with memory
    std::optional<camera::CameraFrame> displayedCamera;   // the camera of the frame on screen
    std::optional<camera::CameraPose> displayedPose;      // its integrator pose, when it had one
    uint64_t displayedFrame = 0;
    bool recording = false;
    session::SessionRecorder::Stats recordingStats;
    qint64 recordingMs = 0;
};

// A remote module's round trip and its split, for the overlay and the Engine panel; empty for a local module.
QString remoteTimingsText(const world::WorldPipelineStats &stats);

class WorldSession : public QObject {
    Q_OBJECT
public:
    static constexpr int kPublishMs = 100; // the docks' cadence: ten pictures a second

    explicit WorldSession(QObject *parent = nullptr);
    ~WorldSession() override;

    // Null until environmentReady().
    modules::ModuleEnvironment *environment() const { return m_env.get(); }
    // Why environment() stays null, once creating it failed (environmentReady() is then never emitted); else empty.
    QString environmentError() const { return QString::fromStdString(m_envError); }
    // The modules found, or null before the environment is ready.
    const modules::ModuleRegistry *registry() const { return m_env ? m_env->registry.get() : nullptr; }
    // Where modules run (the Plugins panel's choice): in process, or each instance in a child process. New instances
    // follow it; switching the running world's module restarts the world so it takes effect now.
    bool moduleIsolated(const QString &moduleId) const;
    uint32_t isolationDeadlineMs() const;
    bool restartFailedModule() const { return m_restartFailedModule; }
    // Frames shown per world frame: 1 as the module makes them; N > 1 puts frame-interpolate (RIFE) after the module,
    // so the viewport shows N frames per world frame, the ones in between recorded apart (between.mkv).
    int outputInterpolation() const { return m_outputInterpolation; }
    // The configuration of the running (or last started) world.
    const world::WorldPipelineConfig &config() const { return m_config; }
    // The newest published picture (also passed with viewChanged()).
    const WorldView &view() const { return m_view; }
    // Only for tests and benchmarks that drive the engine directly; widgets use the session's slots.
    world::WorldPipeline *pipeline() const { return m_pipeline.get(); }

    // The viewport's side (UI thread). takeFrame: the newest frame not shown yet, or null. presented: the frame was
    // handed to the display (stamps latency, and makes its camera and pose the ones the UI describes).
    world::WorldFramePtr takeFrame();
    bool frameWaiting() const;
    void presented(const world::WorldFramePtr &frame);
    const world::WorldFramePtr &onScreen() const { return m_onScreen; } // the last frame presented
    void submitController(const camera::ControllerTick &tick);
    // The overlay's engine-side fields, for the frame on screen.
    OverlayModel describe() const;

    // Another consumer of every frame the world makes (the Edit workspace's live source). Called on the engine
    // thread, so it must not block; null removes it, and once this returns no call of the old sink is in flight.
    using FrameSink = std::function<void(const std::shared_ptr<const Frame> &)>;
    void setStreamSink(FrameSink sink);

    bool isRecording() const { return m_recorder != nullptr; }
    QString recordingFolder() const { return m_recordingFolder; }
    // Where sessions are recorded: $MNEMO_SESSIONS_DIR, else the app's data folder + /sessions.
    static QString sessionsFolder();

public slots:
    // (Re)starts the world with a module and its parameter values (load-time ones need this).
    void startWorld(const QString &moduleId, const mnemo::modules::ParamValues &params);
    void setPaused(bool paused);
    void resetWorld(quint64 seed);
    void setModuleIsolated(const QString &moduleId, bool isolated);
    void setIsolationDeadlineMs(int ms);
    // Whether a failed module step (an isolated module's crash or hang) restarts the module rather than stopping the
    // world; applies from the next start of the world.
    void setRestartFailedModule(bool restart);
    // outputInterpolation(); restarts a running world so it takes effect now.
    void setOutputInterpolation(int framesPerWorldFrame);
    // A run-time parameter of the running module.
    void setParam(const QString &name, double value);
    // Retrieval settings for the running world and the next ones.
    void setRetrieval(const mnemo::memory::RetrievalParams &params);
    // Saves the running world's memory bank (the engine thread writes it; the outcome is logged).
    void saveMemory(const QString &path);
    // Restarts the world from a saved memory bank.
    void openMemory(const QString &path);
    // Recording: a session folder (database + video) under sessionsFolder(). Never blocks the engine: if the disk
    // falls behind, frames are dropped from the recording and counted.
    void setRecording(bool on);
    void toggleRecording() { setRecording(!isRecording()); }
    // Adds a module served over the remote protocol (docs/remote-protocol.md): `url` is ws://HOST:PORT. Describing it
    // runs on a worker (a slow or silent server never blocks the UI); remoteConnected() or remoteFailed() follows, and
    // modulesChanged() after a success. A newer call supersedes one still connecting.
    // `frameFormat`: "rgba" (exact) or "jpeg" (smaller, for slow networks; raw RGBA if the server has no JPEG).
    void connectRemote(const QString &url, const QString &token, const QString &frameFormat = "rgba");
    // Forgets a connection still being described: its module is not added.
    void cancelRemote() { m_remoteJob.cancel(); }

signals:
    void environmentReady();
    void modulesChanged();
    void remoteConnected(const QString &moduleId);
    void remoteFailed(const QString &reason);
    void worldStarted();
    void recordingChanged(bool recording, const QString &folder);
    void viewChanged(const mnemo::ui::WorldView &view);

private:
    struct EnvironmentResult {
        modules::ModuleEnvironment *env = nullptr; // owned by whoever takes it
        std::string error;
    };
    static EnvironmentResult createEnvironment();
    void onEnvironmentReady();
    QString firstWorldModule() const;
    void startRecording();
    void stopRecording();
    qint64 recordingMs() const;
    void publish();
    void installFrameTap();
    void describeEngine(OverlayModel &model) const;
    void describeRecording(OverlayModel &model) const;
    void describeMemory(OverlayModel &model) const;

    std::unique_ptr<modules::ModuleEnvironment> m_env;
    std::string m_envError; // why there is no environment, once creating it failed
    std::unique_ptr<world::WorldPipeline> m_pipeline;
    QFutureWatcher<EnvironmentResult> m_envWatcher;
    world::WorldPipelineConfig m_config;
    bool m_restartFailedModule = true;
    int m_outputInterpolation = 1;
    std::string m_pendingMemoryLoad; // used by the next startWorld()
    std::shared_ptr<session::SessionRecorder> m_recorder;
    // What the engine thread's frame tap feeds: the recorder and the stream sink, swapped under the mutex.
    struct FrameConsumers {
        std::mutex mutex;
        std::weak_ptr<session::SessionRecorder> recorder;
        FrameSink sink;
    };
    std::shared_ptr<FrameConsumers> m_consumers = std::make_shared<FrameConsumers>();
    QString m_recordingFolder;
    qint64 m_recordingStartMs = 0;
    world::WorldFramePtr m_onScreen; // the last frame the viewport presented
    WorldView m_view;
    QTimer *m_publishTimer;
    LatestJob<mnemo::Result<modules::LoadedModule>> m_remoteJob{this, "connecting to a remote engine"};
};

} // namespace mnemo::ui

Q_DECLARE_METATYPE(mnemo::ui::WorldView)
