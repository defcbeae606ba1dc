#pragma once
// The World workspace's real viewport: a QVulkanWindow that presents engine frames with a Dear ImGui overlay.
// Embedded in the widget layout through QWidget::createWindowContainer(). Needs a platform with Vulkan surfaces
// (xcb, wayland); under QT_QPA_PLATFORM=offscreen the workspace uses SoftwareViewport instead.
//
// Input: a click takes keyboard and mouse (the viewport then "controls"); Escape releases them. Events the ImGui
// overlay wants (hovering the HUD) stay with the overlay.

// Qt's Vulkan headers define VK_NO_PROTOTYPES; including Vulkan first keeps the prototypes that ImGui's backend and
// the renderer call directly.
#include <vulkan/vulkan.h>

#include "ViewportControl.hpp"
#include "ViewportFeed.hpp"

#include <QElapsedTimer>
#include <QTimer>
#include <QVulkanWindow>

namespace mnemo::ui {

class VulkanViewport : public QVulkanWindow {
    Q_OBJECT
public:
    explicit VulkanViewport(QVulkanInstance *instance, ViewportFeed feed);

    QVulkanWindowRenderer *createRenderer() override;

    const ViewportFeed &feed() const { return m_feed; }
    bool capturing() const { return m_control.capturing(); }
    void setCapturing(bool capturing) { m_control.setCapturing(capturing); }

    // Thread: UI. Called by the renderer after each frame is handed to the swapchain.
    void notifyPresented(bool hadEngineFrame);
    // Asks for a redraw now (input changed, or the overlay must follow).
    void wake() { requestUpdate(); }
    uint64_t presentedEngineFrames() const { return m_presentedEngineFrames; }

signals:
    void captureChanged(bool capturing);
    // Emitted once, when the first frame that contains an engine image has been queued for presentation.
    void firstFramePresented();
    void rendererFailed(const QString &message);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;

private:
    void choosePhysicalDevice();
    void recentreCursor();
    void pollForWork();
    void applyCapture(bool capturing);
    ViewportFeed m_feed;
    ViewportControl m_control;
    QTimer *m_pollTimer;
    QElapsedTimer m_sinceLastDraw;
    uint64_t m_presentedEngineFrames = 0;

    friend class ViewportRenderer;
    bool m_overlayWantsMouse = false; // set by the renderer from io.WantCaptureMouse
};

} // namespace mnemo::ui
