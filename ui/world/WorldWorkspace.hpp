#pragma once
// The World workspace's central widget: a viewport (Vulkan with the ImGui overlay where the platform can present
// Vulkan, the software preview elsewhere) showing what the WorldSession's engine makes, and the controller capture
// that turns the user's keyboard and mouse into the session's controller ticks. The session is the model; this
// widget only shows it and feeds it input.

#include <QWidget>

class QVulkanInstance;
class QTimer;

namespace mnemo::ui {

class VulkanViewport;
class SoftwareViewport;
class ControllerCapture;
class WorldSession;

class WorldWorkspace : public QWidget {
    Q_OBJECT
public:
    // `vulkan` may be null (no Vulkan-capable platform): the software viewport is used and `whyNoVulkan` is shown.
    WorldWorkspace(WorldSession &session, QVulkanInstance *vulkan, const QString &whyNoVulkan,
                   QWidget *parent = nullptr);
    ~WorldWorkspace() override;

    WorldSession &session() const { return m_session; }
    ControllerCapture *controller() const { return m_controller; }
    // Exactly one of these is non-null.
    VulkanViewport *vulkanViewport() const { return m_vulkanViewport; }
    SoftwareViewport *softwareViewport() const { return m_softwareViewport; }
    // The widget in the layout that takes focus (the window container for the Vulkan viewport).
    QWidget *viewportWidget() const { return m_viewportWidget; }

    bool capturing() const;
    uint64_t presentedEngineFrames() const;

public slots:
    void releaseControl();

signals:
    void captureChanged(bool capturing);
    void firstFramePresented();

private:
    void createViewport(QVulkanInstance *vulkan, const QString &whyNoVulkan);
    void sampleController();

    WorldSession &m_session;
    ControllerCapture *m_controller;
    QTimer *m_tickTimer;
    VulkanViewport *m_vulkanViewport = nullptr;
    SoftwareViewport *m_softwareViewport = nullptr;
    QWidget *m_viewportWidget = nullptr;
};

} // namespace mnemo::ui
