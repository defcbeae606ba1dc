#pragma once
// The world <-> widget transform of a 2-D map that pans and zooms: `centre` sits in the middle of `size`, `scale`
// pixels per world unit, and each world axis points one way on screen. A plain value, free of widgets, so a pool
// thread can rasterise for a view (the embedding map) and the UI can compare the view it shows with the one an image
// was made for. PanZoomView owns one per map widget and changes it from the wheel and drags.

#include <QPointF>
#include <QRectF>
#include <QSize>
#include <QTransform>

namespace mnemo::ui {

struct MapViewport {
    // Room left around fitted content, each side: a fixed number of pixels, plus a fraction of the content's extent.
    struct FitMargin {
        double pixels = 0;
        double fraction = 0;
    };

    QPointF centre;
    double scale = 1.0;
    QSize size;
    bool xLeft = false; // +x points left: a top-down map seen from above with north up
    bool yDown = false; // +y points down, as in Qt's own coordinates (a graph layout); otherwise up, as on a chart

    double xSign() const { return xLeft ? -1.0 : 1.0; }
    double ySign() const { return yDown ? 1.0 : -1.0; }

    QPointF toScreen(double x, double y) const {
        return {size.width() * 0.5 + (x - centre.x()) * scale * xSign(),
                size.height() * 0.5 + (y - centre.y()) * scale * ySign()};
    }
    QPointF toWorld(QPointF screen) const {
        return {centre.x() + (screen.x() - size.width() * 0.5) / (scale * xSign()),
                centre.y() + (screen.y() - size.height() * 0.5) / (scale * ySign())};
    }
    QTransform worldToScreen() const;
    // Screen positions in `from` to screen positions in this view: how a stale image is shown while a new one renders.
    QTransform screenFrom(const MapViewport &from) const;

    // Moves the view so that the content follows a drag of `delta` widget pixels.
    void panBy(QPointF delta);
    // Changes the scale and keeps the world point under `anchor` (widget pixels) where it is.
    void zoomAbout(QPointF anchor, double newScale);

    bool operator==(const MapViewport &) const = default;

    // The view showing all of `bounds` with `margin`. A flat extent borrows the other axis's extent so the scale stays
    // finite; a single point gets a window of one unit each way.
    static MapViewport fit(const QRectF &bounds, QSize size, FitMargin margin);
};

} // namespace mnemo::ui
