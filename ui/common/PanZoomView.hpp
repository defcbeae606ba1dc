#pragma once
// A 2-D map widget's view: fitted to the content (following its bounds and the widget's size) until the user zooms or
// pans, then wherever they took it, until a double click or F fits it again. The gestures are GestureView's; by
// default a left drag pans and the other buttons pan at once. Subclasses say what the fitted view is, how far the
// zoom may go, and react to view changes (relayout, rerasterise) in viewChanged.

#include "common/GestureView.hpp"
#include "common/MapViewport.hpp"

#include <optional>

namespace mnemo::ui {

class PanZoomView : public GestureView {
    Q_OBJECT
public:
    // What the widget shows now: the fitted view while following the content, else where the user left it.
    MapViewport view() const;
    bool isFitted() const { return m_fitted; }

    void zoomAt(QPointF anchor, double factor); // keeps the world point under `anchor` in place
    void panBy(QPointF delta);                  // widget px; the content follows
    void fitView() override;

protected:
    enum class ViewChange { Fitted, Zoomed, Panned };
    struct ScaleRange {
        double min, max; // pixels per world unit
    };

    // `axes` carries the directions of the world axes on screen (xLeft, yDown); the rest of it is ignored.
    PanZoomView(MapViewport axes, double zoomPerNotch, QWidget *parent);

    // The view that shows all the content at the current size; nullopt while there is none (zoom and pan then do
    // nothing). Only centre and scale are used.
    virtual std::optional<MapViewport> fittedView() const = 0;
    virtual ScaleRange scaleRange(double fittedScale) const = 0;
    virtual void viewChanged(ViewChange) { update(); }

    // Moves the centre of a view the user took over, without reporting a change: e.g. to keep a moving camera in view.
    void setViewCentre(QPointF world);

    Press pressKind(const QMouseEvent &event) const override;
    void zoomAround(QPointF anchor, double factor) override { zoomAt(anchor, factor); }
    void panByPixels(QPointF delta) override { panBy(delta); }
    void keyPressEvent(QKeyEvent *event) override; // F fits

private:
    MapViewport withAxesAndSize(MapViewport v) const;

    MapViewport m_axes;
    bool m_fitted = true;
    MapViewport m_manual; // the user's view once they zoomed or panned
};

} // namespace mnemo::ui
