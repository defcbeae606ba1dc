#include "ViewportControl.hpp"

#include "world/input/ControllerCapture.hpp"

#include <QKeyEvent>
#include <QWheelEvent>

namespace mnemo::ui {

void ViewportControl::setCapturing(bool capturing) {
    if (capturing == m_capturing) return;
    m_capturing = capturing;
    if (!capturing && m_controller) m_controller->clear();
    if (m_onChange) m_onChange(capturing);
}

void ViewportControl::press(QPointF position, bool leftButton, bool overlayWantsMouse) {
    m_last = position;
    if (leftButton && !overlayWantsMouse) setCapturing(true);
}

void ViewportControl::move(QPointF position) {
    const QPointF delta = position - m_last;
    m_last = position;
    if (m_capturing && m_controller && !delta.isNull()) m_controller->mouseMoved(delta);
}

void ViewportControl::wheel(const QWheelEvent &event) {
    if (m_capturing && m_controller) m_controller->wheel(float(event.angleDelta().y()) / 120.0f);
}

bool ViewportControl::keyPress(const QKeyEvent &event) {
    if (event.key() == Qt::Key_Escape && m_capturing) {
        setCapturing(false);
        return true;
    }
    if (m_capturing && m_controller) m_controller->keyEvent(event, true);
    return false;
}

void ViewportControl::keyRelease(const QKeyEvent &event) {
    if (m_capturing && m_controller) m_controller->keyEvent(event, false);
}

} // namespace mnemo::ui
