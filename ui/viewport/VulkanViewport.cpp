#include "VulkanViewport.hpp"

#include "ViewportRenderer.hpp"

#include "mnemo/core/Log.hpp"

#include <QKeyEvent>
#include <QMouseEvent>

namespace mnemo::ui {

VulkanViewport::VulkanViewport(QVulkanInstance *instance, ViewportFeed feed) : m_feed(std::move(feed)) {
    setVulkanInstance(instance);
    // Frames are already sRGB-encoded bytes; an *_SRGB swapchain (lavapipe's first choice) would encode them twice.
    setPreferredColorFormats({VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM});
    choosePhysicalDevice();
}

// Same ranking as the engine (discrete > integrated > virtual > cpu), so both normally land on the same GPU.
void VulkanViewport::choosePhysicalDevice() {
    const auto devices = availablePhysicalDevices();
    auto rank = [](VkPhysicalDeviceType t) {
        switch (t) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 4;
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 3;
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
        case VK_PHYSICAL_DEVICE_TYPE_CPU: return 1;
        default: return 0;
        }
    };
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
    setCursor(capturing ? Qt::CrossCursor : Qt::ArrowCursor);
    emit captureChanged(capturing);
}

void VulkanViewport::notifyPresented(bool hadEngineFrame) {
    if (!hadEngineFrame) return;
    if (++m_presentedEngineFrames == 1) {
        log::info("viewport", "first frame presented (" + std::to_string(swapChainImageSize().width()) + "x" +
                                  std::to_string(swapChainImageSize().height()) + ")");
        emit firstFramePresented();
    }
}

void VulkanViewport::mousePressEvent(QMouseEvent *event) {
    requestActivate();
    if (!m_overlayWantsMouse && event->button() == Qt::LeftButton) setCapturing(true);
    QVulkanWindow::mousePressEvent(event);
}

void VulkanViewport::keyPressEvent(QKeyEvent *event) {
    if (event->key() == Qt::Key_Escape && m_capturing) {
        setCapturing(false);
        event->accept();
        return;
    }
    QVulkanWindow::keyPressEvent(event);
}

void VulkanViewport::focusOutEvent(QFocusEvent *event) {
    // Losing focus (Alt+Tab, another dock) must never leave the mouse grabbed.
    setCapturing(false);
    QVulkanWindow::focusOutEvent(event);
}

} // namespace mnemo::ui
