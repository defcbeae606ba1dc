#pragma once
// The embedding map's heavy half, free of widgets so it can run on a pool thread: rasterising a point cloud for a
// view (common/MapViewport) into an image with direct scanline writes (no QPainter per point), and a uniform grid of
// the on-screen points built in the same pass, so that picking and lasso queries look at a few cells instead of every
// point. A MapRaster is immutable once built; the widget keeps the newest one and queries it on the UI thread.

#include "common/MapViewport.hpp"

#include <QImage>
#include <QPointF>
#include <QPolygonF>
#include <QRectF>
#include <QSize>

#include <memory>
#include <optional>
#include <vector>

namespace mnemo::ui {

struct MapPoint {
    float x, y;
    quint32 colourKey;
};

using MapPoints = std::shared_ptr<const std::vector<MapPoint>>;

// The embedding map's view of all of `bounds` (x right, y up), with a margin of a few percent of the extent so points
// on the edge are not cut by the widget's border.
MapViewport fitMapView(const QRectF &bounds, QSize size);

struct MapRasterRequest {
    MapPoints points;
    std::optional<QRectF> bounds;    // of the finite points; computed (one extra pass) when unknown
    std::optional<MapViewport> view; // nullopt: fit to the bounds
    QSize size;                      // logical pixels
    qreal devicePixelRatio = 1.0;
};

class MapRaster {
public:
    static constexpr int kCell = 8; // logical px per grid cell: a 6 px pick radius touches at most 3x3 cells

    MapPoints points; // what was rasterised: the widget drops a raster whose points it no longer shows
    MapViewport view;
    QRectF bounds;
    QImage image;     // background plus points, at the request's device pixel ratio
    int onScreen = 0; // points inside the view

    // Index of the on-screen point nearest to `screen` (this raster's view) within `radius` px, or -1.
    int nearest(QPointF screen, double radius) const;
    // On-screen points whose position lies inside `polygon` (this raster's view, odd-even rule), ascending.
    std::vector<int> inside(const QPolygonF &polygon) const;

    int cols = 0, rows = 0;
    std::vector<int> cellStart; // cols * rows + 1 offsets into cellItems
    std::vector<int> cellItems; // point indices grouped by cell, ascending within a cell
};

// Pure and thread-safe; the cost is a few linear passes over the points.
MapRaster rasteriseMap(const MapRasterRequest &request);

// A transparent layer that marks each of `indices` in `view` with a halo in `colour` and its dot redrawn on top, so a
// selected cluster reads as outlined and keeps its colours. The selection can be as large as the point cloud after a
// lasso, so it is rasterised like the points rather than painted one ellipse at a time.
QImage rasteriseSelection(const MapPoints &points, const std::vector<int> &indices, const MapViewport &view,
                          qreal devicePixelRatio, int onScreen, QRgb colour);

// The dot radius in device pixels the rasteriser uses when `onScreen` points are in view.
int mapDotRadius(int onScreen, qreal devicePixelRatio);

// Bounds of the finite points; an invalid rect when there are none.
QRectF mapBounds(const std::vector<MapPoint> &points);

} // namespace mnemo::ui
