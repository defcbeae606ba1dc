#include "GestureView.hpp"

#include <QMouseEvent>
#include <QWheelEvent>

#include <cmath>
#include <utility>

namespace mnemo::ui {

GestureView::GestureView(double zoomPerNotch, QWidget *parent) : QWidget(parent), m_zoomPerNotch(zoomPerNotch) {}

void GestureView::wheelEvent(QWheelEvent *event) {
    const double notches = event->angleDelta().y() / 120.0;
    if (notches != 0) zoomAround(event->position(), std::pow(m_zoomPerNotch, notches));
    event->accept();
}

void GestureView::mousePressEvent(QMouseEvent *event) {
    const Press press = pressKind(*event);
    if (press == Press::Ignore) return; // a button that does nothing here leaves a gesture under way alone
    m_press = press;
    m_button = event->button();
    m_pressPos = m_lastPanPos = event->position();
    if (m_press == Press::Draw) drawStarted(m_pressPos);
    event->accept();
}

void GestureView::mouseMoveEvent(QMouseEvent *event) {
    const QPointF pos = event->position();
    if (isPressed() && !(event->buttons() & m_button)) m_press = Press::Ignore; // its release went elsewhere
    const bool undecided = m_press == Press::ClickOrPan || m_press == Press::ClickOrDraw;
    if (undecided && (pos - m_pressPos).manhattanLength() > kClickSlop) {
        m_press = m_press == Press::ClickOrPan ? Press::Pan : Press::Draw;
        if (m_press == Press::Draw) drawStarted(m_pressPos);
    }
    if (m_press == Press::Pan) {
        // From the press point on the first step, so the point grabbed stays under the mouse.
        const QPointF delta = pos - std::exchange(m_lastPanPos, pos);
        if (!delta.isNull()) panByPixels(delta);
    } else if (m_press == Press::Draw) {
        drawMoved(pos);
    }
}

void GestureView::mouseReleaseEvent(QMouseEvent *event) {
    if (!isPressed() || event->button() != m_button) return;
    const Press press = std::exchange(m_press, Press::Ignore);
    if (press == Press::ClickOrPan || press == Press::ClickOrDraw)
        clicked(event->position());
    else if (press == Press::Draw)
        drawFinished(event->position());
}

void GestureView::mouseDoubleClickEvent(QMouseEvent *event) {
    // The first click of the pair was already released and handled; this one starts no gesture.
    m_press = Press::Ignore;
    if (event->button() == Qt::LeftButton) doubleClicked(event->position());
}

} // namespace mnemo::ui
