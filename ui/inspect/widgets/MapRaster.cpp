#include "MapRaster.hpp"

#include "InspectStyle.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mnemo::ui {

namespace {

constexpr double kFitMargin = 0.06; // of the extent, each side, so edge points are not cut by the widget border
constexpr int kHaloWidth = 2;       // logical px of selection halo around a dot

std::vector<QPoint> discOffsets(int radius) {
    std::vector<QPoint> out;
    for (int dy = -radius; dy <= radius; ++dy)
        for (int dx = -radius; dx <= radius; ++dx)
            if (dx * dx + dy * dy <= radius * radius + radius) out.emplace_back(dx, dy);
    return out;
}

void stamp(QImage &image, int px, int py, const std::vector<QPoint> &offsets, QRgb colour) {
    const int w = image.width(), h = image.height();
    for (const QPoint &o : offsets) {
        const int x = px + o.x(), y = py + o.y();
        if (x >= 0 && y >= 0 && x < w && y < h) reinterpret_cast<QRgb *>(image.scanLine(y))[x] = colour;
    }
}

// Marks every cell a segment (in cell units) passes through, plus a one-cell border against rounding, so that an
// unmarked cell is known to lie wholly on one side of the polygon.
void markSegment(std::vector<uint8_t> &marks, int cols, int rows, QPointF a, QPointF b) {
    if (a.x() > b.x()) std::swap(a, b);
    const int firstCol = int(std::floor(a.x())), lastCol = int(std::floor(b.x()));
    const double dx = b.x() - a.x();
    for (int c = std::max(firstCol, -1); c <= std::min(lastCol, cols); ++c) {
        const double xa = std::max(a.x(), double(c)), xb = std::min(b.x(), double(c + 1));
        const double ya = dx > 0 ? a.y() + (xa - a.x()) * (b.y() - a.y()) / dx : a.y();
        const double yb = dx > 0 ? a.y() + (xb - a.x()) * (b.y() - a.y()) / dx : b.y();
        const int r0 = std::max(0, int(std::floor(std::min(ya, yb))) - 1);
        const int r1 = std::min(rows - 1, int(std::floor(std::max(ya, yb))) + 1);
        for (int cc = std::max(0, c - 1); cc <= std::min(cols - 1, c + 1); ++cc)
            for (int r = r0; r <= r1; ++r)
                marks[size_t(r) * cols + cc] = 1;
    }
}

} // namespace

// Single pixels when the screen is crowded, small discs when it is not.
int mapDotRadius(int onScreen, qreal dpr) {
    const int logical = onScreen <= 5000 ? 2 : onScreen <= 60000 ? 1 : 0;
    return int(std::lround(logical * dpr));
}

MapViewport fitMapView(const QRectF &bounds, QSize size) {
    return MapViewport::fit(bounds, size, {0.0, kFitMargin});
}

QRectF mapBounds(const std::vector<MapPoint> &points) {
    float x0 = std::numeric_limits<float>::max(), y0 = x0, x1 = std::numeric_limits<float>::lowest(), y1 = x1;
    for (const MapPoint &p : points) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
        x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
        y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
    }
    if (x0 > x1) return {};
    return QRectF(QPointF(x0, y0), QPointF(x1, y1));
}

MapRaster rasteriseMap(const MapRasterRequest &request) {
    MapRaster out;
    out.points = request.points;
    const std::vector<MapPoint> &points = *request.points;
    out.bounds = request.bounds ? *request.bounds : mapBounds(points);
    out.view = request.view ? *request.view : fitMapView(out.bounds, request.size);
    out.view.size = request.size;
    const MapViewport &view = out.view;
    const int w = request.size.width(), h = request.size.height();
    if (w <= 0 || h <= 0) return out;

    const qreal dpr = request.devicePixelRatio;
    out.image = QImage(QSize(int(std::ceil(w * dpr)), int(std::ceil(h * dpr))), QImage::Format_ARGB32_Premultiplied);
    out.image.setDevicePixelRatio(dpr);
    out.image.fill(inspectBackground());

    // Pass 1: which cell each point falls in (or none), and how many points each cell gets.
    out.cols = (w + MapRaster::kCell - 1) / MapRaster::kCell;
    out.rows = (h + MapRaster::kCell - 1) / MapRaster::kCell;
    const int n = int(points.size());
    std::vector<int> cellOf(size_t(n), -1);
    std::vector<int> counts(size_t(out.cols) * out.rows + 1, 0);
    for (int i = 0; i < n; ++i) {
        const QPointF s = view.toScreen(points[size_t(i)].x, points[size_t(i)].y);
        // NaN fails every comparison, so non-finite points stay off screen.
        if (!(s.x() >= 0 && s.y() >= 0 && s.x() < w && s.y() < h)) continue;
        const int cell = int(s.y()) / MapRaster::kCell * out.cols + int(s.x()) / MapRaster::kCell;
        cellOf[size_t(i)] = cell;
        ++counts[size_t(cell)];
        ++out.onScreen;
    }
    out.cellStart.assign(counts.size(), 0);
    for (size_t c = 1; c < counts.size(); ++c)
        out.cellStart[c] = out.cellStart[c - 1] + counts[c - 1];
    out.cellItems.resize(size_t(out.onScreen));

    // Pass 2: fill the cells in index order and write the pixels; later points land on top, as in a painter's order.
    std::vector<int> cursor(out.cellStart.begin(), out.cellStart.end() - 1);
    const int radius = mapDotRadius(out.onScreen, dpr);
    const std::vector<QPoint> disc = discOffsets(radius);
    const int iw = out.image.width(), ih = out.image.height();
    for (int i = 0; i < n; ++i) {
        const int cell = cellOf[size_t(i)];
        if (cell < 0) continue;
        out.cellItems[size_t(cursor[size_t(cell)]++)] = i;
        const MapPoint &p = points[size_t(i)];
        const QPointF s = view.toScreen(p.x, p.y);
        const int px = std::min(iw - 1, int(s.x() * dpr)), py = std::min(ih - 1, int(s.y() * dpr));
        if (radius == 0) {
            reinterpret_cast<QRgb *>(out.image.scanLine(py))[px] = categoryRgb(p.colourKey);
        } else {
            stamp(out.image, px, py, disc, categoryRgb(p.colourKey));
        }
    }
    return out;
}

QImage rasteriseSelection(const MapPoints &points, const std::vector<int> &indices, const MapViewport &view, qreal dpr,
                          int onScreen, QRgb colour) {
    QImage image(QSize(int(std::ceil(view.size.width() * dpr)), int(std::ceil(view.size.height() * dpr))),
                 QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(Qt::transparent);
    if (!points || image.isNull()) return image;
    const int dot = mapDotRadius(onScreen, dpr);
    const std::vector<QPoint> halo = discOffsets(dot + int(std::lround(kHaloWidth * dpr)));
    const std::vector<QPoint> disc = discOffsets(dot);
    const int n = int(points->size()), reach = dot + int(std::lround(kHaloWidth * dpr)) + 1;
    // All halos first, then all dots, so no halo covers a neighbouring selected dot.
    for (const bool dots : {false, true}) {
        for (int i : indices) {
            if (i < 0 || i >= n) continue;
            const MapPoint &p = (*points)[size_t(i)];
            const QPointF s = view.toScreen(p.x, p.y) * dpr;
            if (!(s.x() >= -reach && s.y() >= -reach && s.x() < image.width() + reach &&
                  s.y() < image.height() + reach)) {
                continue; // off screen, or not finite
            }
            stamp(image, int(std::floor(s.x())), int(std::floor(s.y())), dots ? disc : halo,
                  dots ? categoryRgb(p.colourKey) : colour);
        }
    }
    return image;
}

int MapRaster::nearest(QPointF screen, double radius) const {
    if (cols == 0 || !points) return -1;
    const int c0 = std::max(0, int(std::floor((screen.x() - radius) / kCell)));
    const int c1 = std::min(cols - 1, int(std::floor((screen.x() + radius) / kCell)));
    const int r0 = std::max(0, int(std::floor((screen.y() - radius) / kCell)));
    const int r1 = std::min(rows - 1, int(std::floor((screen.y() + radius) / kCell)));
    int best = -1;
    double bestDist = radius * radius;
    for (int r = r0; r <= r1; ++r) {
        for (int c = c0; c <= c1; ++c) {
            const int cell = r * cols + c;
            for (int k = cellStart[size_t(cell)]; k < cellStart[size_t(cell) + 1]; ++k) {
                const int i = cellItems[size_t(k)];
                const QPointF d = view.toScreen((*points)[size_t(i)].x, (*points)[size_t(i)].y) - screen;
                const double dist = d.x() * d.x() + d.y() * d.y();
                // Ties go to the later index: it is the one drawn on top.
                if (dist < bestDist || (dist == bestDist && i > best)) best = i, bestDist = dist;
            }
        }
    }
    return best;
}

std::vector<int> MapRaster::inside(const QPolygonF &polygon) const {
    std::vector<int> out;
    if (polygon.size() < 3 || cols == 0 || !points) return out;
    std::vector<uint8_t> boundary(size_t(cols) * rows, 0);
    for (qsizetype i = 0; i < polygon.size(); ++i) {
        const QPointF a = polygon[i] / kCell, b = polygon[(i + 1) % polygon.size()] / kCell;
        markSegment(boundary, cols, rows, a, b);
    }
    const QRectF box = polygon.boundingRect();
    const int c0 = std::max(0, int(std::floor(box.left() / kCell)));
    const int c1 = std::min(cols - 1, int(std::floor(box.right() / kCell)));
    const int r0 = std::max(0, int(std::floor(box.top() / kCell)));
    const int r1 = std::min(rows - 1, int(std::floor(box.bottom() / kCell)));
    for (int r = r0; r <= r1; ++r) {
        for (int c = c0; c <= c1; ++c) {
            const size_t cell = size_t(r) * cols + c;
            const int begin = cellStart[cell], end = cellStart[cell + 1];
            if (begin == end) continue;
            if (boundary[cell]) {
                for (int k = begin; k < end; ++k) {
                    const int i = cellItems[size_t(k)];
                    if (polygon.containsPoint(view.toScreen((*points)[size_t(i)].x, (*points)[size_t(i)].y),
                                              Qt::OddEvenFill)) {
                        out.push_back(i);
                    }
                }
            } else if (polygon.containsPoint(QPointF((c + 0.5) * kCell, (r + 0.5) * kCell), Qt::OddEvenFill)) {
                // No edge crosses this cell: one test decides for every point in it.
                out.insert(out.end(), cellItems.begin() + begin, cellItems.begin() + end);
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace mnemo::ui
