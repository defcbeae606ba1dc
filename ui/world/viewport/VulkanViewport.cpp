#include "VulkanViewport.hpp"

#include "ViewportRenderer.hpp"
#include "input/ControllerCapture.hpp"

#include "mnemo/core/Log.hpp"
#include "mnemo/gpu/VulkanContext.hpp"

#include <QCursor>
#include <QKeyEvent>
#include <QMouseEvent>

namespace mnemo::ui {

namespace {
// Draw when a new engine frame waits, and at least this often so the overlay's graphs stay live. Drawing only then
// (instead of at the display's refresh rate) leaves the CPU to the engine on software Vulkan.
constexpr int kPollMs = 4;
constexpr int kOverlayRefreshMs = 100;
} // namespace

VulkanViewport::VulkanViewport(QVulkanInstance *instance, ViewportFeed feed)
    : m_feed(std::move(feed)), m_pollTimer(new QTimer(this)) {
    m_sinceLastDraw.start();
    connect(m_pollTimer, &QTimer::timeout, this, &VulkanViewport::pollForWork);
    m_pollTimer->start(kPollMs);
    setVulkanInstance(instance);
    // Frames are already sRGB-encoded bytes; an *_SRGB swapchain (lavapipe's first choice) would encode them twice.
    setPreferredColorFormats({VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM});
    choosePhysicalDevice();
}

// Same ranking as the engine (discrete > integrated > virtual > cpu), so both normally land on the same GPU.
void VulkanViewport::choosePhysicalDevice() {
    const auto devices = availablePhysicalDevices();
    const auto rank = [](VkPhysicalDeviceType t) { return gpu::deviceTypeRank(t); };
    const QByteArray filter = qgetenv("MNEMO_VK_DEVICE");
    int best = -1;
    int bestRank = -1;
    for (int i = 0; i < devices.size(); ++i) {
        if (!filter.isEmpty() && !QByteArray(devices[i].deviceName).contains(filter)) continue;
        if (rank(devices[i].deviceType) > bestRank) {
            bestRank = rank(devices[i].deviceType);
            best = i;
        }
    }
    if (best >= 0) setPhysicalDeviceIndex(best);
}

QVulkanWindowRenderer *VulkanViewport::createRenderer() { return new ViewportRenderer(this); }

void VulkanViewport::setCapturing(bool capturing) {
    if (capturing == m_capturing) return;
    m_capturing = capturing;
    setKeyboardGrabEnabled(capturing);
    setMouseGrabEnabled(capturing);
    // Mouse-look: a hidden cursor kept at the centre, so motion never stops at the window's edge.
    setCursor(capturing ? Qt::BlankCursor : Qt::ArrowCursor);
    if (capturing) {
        recentreCursor();
    } else if (m_feed.controller) {
        m_feed.controller->clear();
    }
    emit captureChanged(capturing);
}

void VulkanViewport::pollForWork() {
    const bool frameWaiting = m_feed.frameWaiting && m_feed.frameWaiting();
    if (frameWaiting || m_sinceLastDraw.elapsed() >= kOverlayRefreshMs) requestUpdate();
}

void VulkanViewport::notifyPresented(bool hadEngineFrame) {
    m_sinceLastDraw.restart();
    if (!hadEngineFrame) return;
    if (++m_presentedEngineFrames == 1) {
        log::info("viewport", "first frame presented (" + std::to_string(swapChainImageSize().width()) + "x" +
                                  std::to_string(swapChainImageSize().height()) + ")");
        emit firstFramePresented();
    }
}

void VulkanViewport::mousePressEvent(QMouseEvent *event) {
    requestActivate();
    requestUpdate(); // the overlay reacts to clicks
    if (!m_overlayWantsMouse && event->button() == Qt::LeftButton) setCapturing(true);
    QVulkanWindow::mousePressEvent(event);
}

void VulkanViewport::recentreCursor() {
    m_lastMouse = QPointF(width() / 2.0, height() / 2.0);
    QCursor::setPos(mapToGlobal(m_lastMouse.toPoint()));
}

void VulkanViewport::mouseMoveEvent(QMouseEvent *event) {
    if (m_capturing && m_feed.controller) {
        const QPointF delta = event->position() - m_lastMouse;
        if (!delta.isNull()) {
            m_feed.controller->mouseMoved(delta);
            recentreCursor(); // the warp's own move event then has a zero delta
        }
    }
    QVulkanWindow::mouseMoveEvent(event);
}

void VulkanViewport::wheelEvent(QWheelEvent *event) {
    if (m_capturing && m_feed.controller) m_feed.controller->wheel(float(event->angleDelta().y()) / 120.0f);
    QVulkanWindow::wheelEvent(event);
}

void VulkanViewport::keyPressEvent(QKeyEvent *event) {
    if (event->key() == Qt::Key_Escape && m_capturing) {
        setCapturing(false);
        event->accept();
        return;
    }
    if (m_capturing && m_feed.controller) m_feed.controller->keyEvent(*event, true);
    QVulkanWindow::keyPressEvent(event);
}

void VulkanViewport::keyReleaseEvent(QKeyEvent *event) {
    if (m_capturing && m_feed.controller) m_feed.controller->keyEvent(*event, false);
    QVulkanWindow::keyReleaseEvent(event);
}

void VulkanViewport::focusOutEvent(QFocusEvent *event) {
    // Losing focus (Alt+Tab, another dock) must never leave the mouse grabbed.
    setCapturing(false);
    QVulkanWindow::focusOutEvent(event);
}

} // namespace mnemo::ui
