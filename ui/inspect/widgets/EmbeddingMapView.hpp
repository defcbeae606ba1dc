#pragma once
// A 2-D scatter of embeddings (already projected by the caller), coloured by a caller-chosen key. Up to millions of
// points: they are rasterised off the UI thread (MapRaster) whenever the points, the size or the view change, and a
// paint only blits the newest image, shifted and scaled to the current view while a newer one renders, then draws the
// few overlays (selection, nearest-neighbour rings, the current point, the lasso, legend and caption).
//
// Mouse (pan and zoom are PanZoomView's): wheel zooms around the cursor, middle- or right-drag pans, a left click
// picks the nearest point within 6 px, a left drag (or a Shift+drag with any button) draws a lasso. F or a double
// click fits the view to the points. The view only reports picks and lassos; what becomes selected is the caller's
// call (setSelected).

#include "common/LatestJob.hpp"
#include "common/PanZoomView.hpp"
#include "MapRaster.hpp"

#include <QPolygonF>
#include <QStringList>

#include <memory>
#include <vector>

namespace mnemo::ui {

class EmbeddingMapView : public PanZoomView {
    Q_OBJECT
public:
    static constexpr double kPickRadius = 6.0; // px

    explicit EmbeddingMapView(QWidget *parent = nullptr);

    // Replaces the points (legendNames[k] names colour key k) and fits the view to them. Clears the selection,
    // highlights and current point, since their indices referred to the old points.
    void setPoints(std::vector<MapPoint> points, QStringList legendNames, QString caption);
    void setSelected(const std::vector<int> &indices);    // drawn with a halo; any size
    void setHighlighted(const std::vector<int> &indices); // e.g. nearest neighbours: bold rings on top, first 2000
    void setCurrent(int index);                           // -1 for none
    void setEmptyMessage(QString message);                // shown when there are no points

    int pointCount() const { return m_points ? int(m_points->size()) : 0; }
    bool isBusy() const { return m_rasterJob.busy() || m_selectionJob.busy(); } // a rasterisation is in flight

    // Widget coordinates of a point in the current view; NaN for an index out of range or a non-finite point.
    QPointF toScreen(int index) const;
    // The point nearest to `pos` within kPickRadius, or -1. Uses the newest raster's grid.
    int pointAt(QPointF pos) const;
    // Points inside a widget-coordinate polygon, ascending.
    std::vector<int> pointsInside(const QPolygonF &polygon) const;

signals:
    void pointClicked(int index);
    void lassoSelected(std::vector<int> indices); // ascending; empty when the lasso caught nothing

protected:
    std::optional<MapViewport> fittedView() const override;
    ScaleRange scaleRange(double fittedScale) const override;
    void viewChanged(ViewChange change) override;
    Press pressKind(const QMouseEvent &event) const override;
    void clicked(QPointF pos) override;
    void drawStarted(QPointF pressPos) override; // the lasso
    void drawMoved(QPointF pos) override;
    void drawFinished(QPointF pos) override;

    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    struct SelectionLayer {
        QImage image;
        MapViewport view;
    };

    bool hasCurrentRaster() const { return m_raster.points && m_raster.points == m_points; }
    void requestRaster();
    void applyRaster(MapRaster &&raster);
    void rasterFailed(const QString &message);
    void requestSelectionLayer();
    void paintMarkers(QPainter &p) const;
    void paintOverlays(QPainter &p) const;

    MapPoints m_points;
    QStringList m_legend;
    QString m_caption;
    QString m_emptyMessage;
    QString m_rasterError; // why the last rasterisation of these points failed; shown while there is no raster
    std::optional<QRectF> m_bounds; // known once the first raster of these points is back; the fitted view needs it
    MapRaster m_raster;             // may lag behind view() while a newer one renders
    SelectionLayer m_selectionLayer;
    std::shared_ptr<const std::vector<int>> m_selected;
    std::vector<int> m_highlighted;
    int m_current = -1;

    QPolygonF m_lasso;

    LatestJob<MapRaster> m_rasterJob{this, "rasterising the map"};
    LatestJob<SelectionLayer> m_selectionJob{this, "drawing the selection"};
};

} // namespace mnemo::ui
