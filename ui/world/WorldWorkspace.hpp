#pragma once
// The World workspace: a viewport (Vulkan with the ImGui overlay where the platform can present Vulkan, the
// software preview elsewhere) showing a world module driven by the user's keyboard and mouse.
//
// Start-up never blocks the UI thread: the engine environment (Vulkan device, module scan) is created on a worker
// thread, and the world pipeline creates its module on its own engine thread.

#include "../viewport/ViewportOverlay.hpp"

#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/session/SessionRecorder.hpp"
#include "mnemo/world/WorldPipeline.hpp"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>

class QVulkanInstance;
class QTimer;

namespace mnemo::ui {

class VulkanViewport;
class SoftwareViewport;
class ControllerCapture;

class WorldWorkspace : public QWidget {
    Q_OBJECT
public:
    // `vulkan` may be null (no Vulkan-capable platform): the software viewport is used and `whyNoVulkan` is shown.
    WorldWorkspace(QVulkanInstance *vulkan, const QString &whyNoVulkan, QWidget *parent = nullptr);
    ~WorldWorkspace() override;

    // Null until environmentReady().
    modules::ModuleEnvironment *environment() const { return m_env.get(); }
    // Why environment() stays null, once creating it failed (environmentReady() is then never emitted); else empty.
    QString environmentError() const { return QString::fromStdString(m_envError); }
    world::WorldPipeline *pipeline() const { return m_pipeline.get(); }
    ControllerCapture *controller() const { return m_controller; }

    // Exactly one of these is non-null.
    VulkanViewport *vulkanViewport() const { return m_vulkanViewport; }
    SoftwareViewport *softwareViewport() const { return m_softwareViewport; }
    // The widget in the layout that takes focus (the window container for the Vulkan viewport).
    QWidget *viewportWidget() const { return m_viewportWidget; }

    bool capturing() const;
    uint64_t presentedEngineFrames() const;
    // The configuration of the running (or last started) world.
    const world::WorldPipelineConfig &worldConfig() const { return m_config; }

public slots:
    void releaseControl();
    // (Re)starts the world with a module and its parameter values (load-time ones need this).
    void startWorld(const QString &moduleId, const mnemo::modules::ParamValues &params);
    void setPaused(bool paused);
    void resetWorld(quint64 seed);
    // Retrieval settings for the running world and the next ones.
    void setRetrieval(const mnemo::memory::RetrievalParams &params);
    // Saves the running world's memory bank (the engine thread writes it; the outcome is logged).
    void saveMemory(const QString &path);
    // Restarts the world from a saved memory bank.
    void openMemory(const QString &path);
    // Recording: a session folder (database + video) under sessionsFolder(). Never blocks the engine: if the disk
    // falls behind, frames are dropped from the recording and counted (shown in the status bar).
    void setRecording(bool on);
    void toggleRecording() { setRecording(!isRecording()); }

public:
    bool isRecording() const { return m_recorder != nullptr; }
    session::SessionRecorder::Stats recordingStats() const;
    QString recordingFolder() const { return m_recordingFolder; }
    qint64 recordingMs() const;
    // Where sessions are recorded: $MNEMO_SESSIONS_DIR, else the app's data folder + /sessions.
    static QString sessionsFolder();

signals:
    void captureChanged(bool capturing);
    void firstFramePresented();
    void environmentReady();
    void worldStarted();
    void recordingChanged(bool recording, const QString &folder);

private:
    void onEnvironmentReady();
    void sampleController();
    OverlayModel describe() const;

    // What the environment worker hands back: the environment (owned by whoever takes it), or why there is none.
    struct EnvironmentResult {
        modules::ModuleEnvironment *env = nullptr;
        std::string error;
    };
    static EnvironmentResult createEnvironment();

    std::unique_ptr<modules::ModuleEnvironment> m_env;
    std::string m_envError; // why there is no environment, once creating it failed
    std::unique_ptr<world::WorldPipeline> m_pipeline;
    QFutureWatcher<EnvironmentResult> m_envWatcher;
    world::WorldPipelineConfig m_config;
    std::string m_pendingMemoryLoad; // used by the next startWorld()
    std::shared_ptr<session::SessionRecorder> m_recorder;
    QString m_recordingFolder;
    qint64 m_recordingStartMs = 0;
    ControllerCapture *m_controller;
    QTimer *m_tickTimer;
    VulkanViewport *m_vulkanViewport = nullptr;
    SoftwareViewport *m_softwareViewport = nullptr;
    QWidget *m_viewportWidget = nullptr;
};

} // namespace mnemo::ui
