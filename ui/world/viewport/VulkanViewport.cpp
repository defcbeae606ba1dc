#include "VulkanViewport.hpp"

#include "ViewportRenderer.hpp"
#include "world/input/ControllerCapture.hpp"

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
    : m_feed(std::move(feed)), m_control(m_feed.controller, [this](bool capturing) { applyCapture(capturing); }),
      m_pollTimer(new QTimer(this)) {
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

// What taking control means for a window: keyboard and mouse grabbed, and mouse-look with a hidden cursor kept at the
// centre, so motion never stops at the window's edge.
void VulkanViewport::applyCapture(bool capturing) {
    setKeyboardGrabEnabled(capturing);
    setMouseGrabEnabled(capturing);
    setCursor(capturing ? Qt::BlankCursor : Qt::ArrowCursor);
    if (capturing) recentreCursor();
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
    m_control.press(event->position(), event->button() == Qt::LeftButton, m_overlayWantsMouse);
    if (capturing()) recentreCursor();
    QVulkanWindow::mousePressEvent(event);
}

void VulkanViewport::recentreCursor() {
    const QPointF centre(width() / 2.0, height() / 2.0);
    m_control.setReference(centre);
    QCursor::setPos(mapToGlobal(centre.toPoint()));
}

void VulkanViewport::mouseMoveEvent(QMouseEvent *event) {
    if (capturing() && event->position() != QPointF(width() / 2.0, height() / 2.0)) {
        m_control.move(event->position());
        recentreCursor(); // the warp's own move event then has a zero delta
    }
    QVulkanWindow::mouseMoveEvent(event);
}

void VulkanViewport::wheelEvent(QWheelEvent *event) {
    m_control.wheel(*event);
    QVulkanWindow::wheelEvent(event);
}

void VulkanViewport::keyPressEvent(QKeyEvent *event) {
    if (m_control.keyPress(*event)) {
        event->accept();
        return;
    }
    QVulkanWindow::keyPressEvent(event);
}

void VulkanViewport::keyReleaseEvent(QKeyEvent *event) {
    m_control.keyRelease(*event);
    QVulkanWindow::keyReleaseEvent(event);
}

void VulkanViewport::focusOutEvent(QFocusEvent *event) {
    m_control.focusLost();
    QVulkanWindow::focusOutEvent(event);
}

} // namespace mnemo::ui
