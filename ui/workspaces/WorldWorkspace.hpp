#pragma once
// The World workspace: the viewport (Vulkan with the ImGui overlay where the platform can present Vulkan, the
// software preview elsewhere) fed by the engine's frame source.

#include <QWidget>

#include <memory>

class QVulkanInstance;

namespace mnemo {
class TestPatternSource;
}

namespace mnemo::ui {

class VulkanViewport;
class SoftwareViewport;

class WorldWorkspace : public QWidget {
    Q_OBJECT
public:
    // `vulkan` may be null (no Vulkan-capable platform): the software viewport is used and `whyNoVulkan` is shown.
    WorldWorkspace(QVulkanInstance *vulkan, const QString &whyNoVulkan, QWidget *parent = nullptr);
    ~WorldWorkspace() override;

    TestPatternSource &source() { return *m_source; }
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
    std::unique_ptr<TestPatternSource> m_source;
    VulkanViewport *m_vulkanViewport = nullptr;
    SoftwareViewport *m_softwareViewport = nullptr;
    QWidget *m_viewportWidget = nullptr;
};

} // namespace mnemo::ui
