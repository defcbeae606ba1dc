#include "PanZoomView.hpp"

#include <QKeyEvent>
#include <QMouseEvent>

#include <algorithm>

namespace mnemo::ui {

PanZoomView::PanZoomView(MapViewport axes, double zoomPerNotch, QWidget *parent)
    : GestureView(zoomPerNotch, parent), m_axes(axes), m_manual(withAxesAndSize({})) {}

MapViewport PanZoomView::withAxesAndSize(MapViewport v) const {
    v.xLeft = m_axes.xLeft;
    v.yDown = m_axes.yDown;
    v.size = size();
    return v;
}

MapViewport PanZoomView::view() const {
    // Computed on demand, so the fitted view follows every resize and content change without a hook for each.
    if (m_fitted) {
        if (const auto fitted = fittedView()) return withAxesAndSize(*fitted);
    }
    return withAxesAndSize(m_manual);
}

void PanZoomView::zoomAt(QPointF anchor, double factor) {
    const auto fitted = fittedView();
    if (!fitted) return;
    const ScaleRange range = scaleRange(fitted->scale);
    MapViewport v = view();
    v.zoomAbout(anchor, std::clamp(v.scale * factor, range.min, range.max));
    m_manual = v;
    m_fitted = false;
    viewChanged(ViewChange::Zoomed);
}

void PanZoomView::panBy(QPointF delta) {
    if (!fittedView()) return;
    MapViewport v = view();
    v.panBy(delta);
    m_manual = v;
    m_fitted = false;
    viewChanged(ViewChange::Panned);
}

void PanZoomView::fitView() {
    m_fitted = true;
    viewChanged(ViewChange::Fitted);
}

void PanZoomView::setViewCentre(QPointF world) {
    m_manual.centre = world;
}

GestureView::Press PanZoomView::pressKind(const QMouseEvent &event) const {
    return event.button() == Qt::LeftButton ? Press::ClickOrPan : Press::Pan;
}

void PanZoomView::keyPressEvent(QKeyEvent *event) {
    if (event->key() == Qt::Key_F) {
        fitView();
        return;
    }
    GestureView::keyPressEvent(event);
}

} // namespace mnemo::ui
