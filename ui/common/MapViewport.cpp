#include "MapViewport.hpp"

#include <algorithm>

namespace mnemo::ui {

QTransform MapViewport::worldToScreen() const {
    const double sx = scale * xSign(), sy = scale * ySign();
    return QTransform(sx, 0, 0, sy, size.width() * 0.5 - centre.x() * sx, size.height() * 0.5 - centre.y() * sy);
}

QTransform MapViewport::screenFrom(const MapViewport &from) const {
    return from.worldToScreen().inverted() * worldToScreen();
}

void MapViewport::panBy(QPointF delta) {
    centre -= QPointF(delta.x() / (scale * xSign()), delta.y() / (scale * ySign()));
}

void MapViewport::zoomAbout(QPointF anchor, double newScale) {
    const QPointF world = toWorld(anchor);
    scale = newScale;
    centre = QPointF(world.x() - (anchor.x() - size.width() * 0.5) / (scale * xSign()),
                     world.y() - (anchor.y() - size.height() * 0.5) / (scale * ySign()));
}

MapViewport MapViewport::fit(const QRectF &bounds, QSize size, FitMargin margin) {
    MapViewport v;
    v.size = size;
    v.centre = bounds.center();
    const double w = bounds.width(), h = bounds.height();
    if (!(w > 0) && !(h > 0)) {
        v.scale = std::max(1e-12, std::min(size.width(), size.height()) / 2.0);
        return v;
    }
    const double fw = w > 0 ? w : h, fh = h > 0 ? h : w, grow = 1.0 + 2.0 * margin.fraction;
    const double roomW = std::max(1.0, size.width() - 2.0 * margin.pixels);
    const double roomH = std::max(1.0, size.height() - 2.0 * margin.pixels);
    v.scale = std::max(1e-12, std::min(roomW / (fw * grow), roomH / (fh * grow)));
    return v;
}

} // namespace mnemo::ui
