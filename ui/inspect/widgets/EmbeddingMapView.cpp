#include "EmbeddingMapView.hpp"

#include "InspectStyle.hpp"

#include "mnemo/core/Log.hpp"

#include <QLineF>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <utility>

namespace mnemo::ui {

namespace {

constexpr double kLassoStep = 2.0;      // px between recorded lasso vertices
constexpr size_t kMaxHighlights = 2000; // rings painted one by one; more would make hover paints slow
constexpr double kMaxZoomIn = 1e5;      // relative to the fitted scale
constexpr double kMaxZoomOut = 0.05;
constexpr double kZoomPerNotch = 1.25;
const QRgb kSelectionHalo = qRgb(245, 245, 245); // the halo around selected points
const QColor kHighlight(255, 214, 64);
const QColor kCurrent(255, 255, 255);

} // namespace

EmbeddingMapView::EmbeddingMapView(QWidget *parent) : PanZoomView(MapViewport{}, kZoomPerNotch, parent) {
    setObjectName("embeddingMap");
    setMinimumSize(160, 120);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_emptyMessage = tr("No points to show");
}

void EmbeddingMapView::setPoints(std::vector<MapPoint> points, QStringList legendNames, QString caption) {
    m_points = std::make_shared<const std::vector<MapPoint>>(std::move(points));
    m_legend = std::move(legendNames);
    m_caption = std::move(caption);
    m_rasterError.clear();
    m_bounds.reset();
    m_selected.reset();
    m_highlighted.clear();
    m_current = -1;
    m_selectionLayer = {};
    m_selectionJob.cancel();
    fitView(); // rasterises the new points
}

void EmbeddingMapView::setSelected(const std::vector<int> &indices) {
    m_selected = indices.empty() ? nullptr : std::make_shared<const std::vector<int>>(indices);
    requestSelectionLayer();
    update();
}

void EmbeddingMapView::setHighlighted(const std::vector<int> &indices) {
    m_highlighted.assign(indices.begin(), indices.begin() + std::min(indices.size(), kMaxHighlights));
    update();
}

void EmbeddingMapView::setCurrent(int index) {
    m_current = index;
    update();
}

void EmbeddingMapView::setEmptyMessage(QString message) {
    m_emptyMessage = std::move(message);
    update();
}

QPointF EmbeddingMapView::toScreen(int index) const {
    if (!m_points || index < 0 || index >= int(m_points->size())) return {qQNaN(), qQNaN()};
    const MapPoint &p = (*m_points)[size_t(index)];
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) return {qQNaN(), qQNaN()};
    return view().toScreen(p.x, p.y);
}

int EmbeddingMapView::pointAt(QPointF pos) const {
    if (!hasCurrentRaster()) return -1;
    // The grid belongs to the raster's view, which lags the current one during a zoom: ask in its coordinates.
    const MapViewport shown = view();
    const QPointF world = shown.toWorld(pos);
    return m_raster.nearest(m_raster.view.toScreen(world.x(), world.y()),
                            kPickRadius * m_raster.view.scale / shown.scale);
}

std::vector<int> EmbeddingMapView::pointsInside(const QPolygonF &polygon) const {
    if (!hasCurrentRaster()) return {};
    return m_raster.inside(m_raster.view.screenFrom(view()).map(polygon));
}

std::optional<MapViewport> EmbeddingMapView::fittedView() const {
    if (!m_bounds) return std::nullopt; // the view is not known before the first raster
    return fitMapView(*m_bounds, size());
}

EmbeddingMapView::ScaleRange EmbeddingMapView::scaleRange(double fittedScale) const {
    return {fittedScale * kMaxZoomOut, fittedScale * kMaxZoomIn};
}

void EmbeddingMapView::viewChanged(ViewChange) {
    requestRaster();
    update();
}

void EmbeddingMapView::requestRaster() {
    if (!m_points || m_points->empty() || width() <= 0 || height() <= 0) {
        m_rasterJob.cancel();
        return;
    }
    const bool newPoints = !hasCurrentRaster();
    // A view change while a raster is in flight waits for it (applyRaster notices the view moved on), so a burst of
    // wheel events costs two rasterisations, not one per event. New points supersede at once.
    if (m_rasterJob.busy() && !newPoints) return;
    MapRasterRequest request{m_points, m_bounds, std::nullopt, size(), devicePixelRatioF()};
    if (m_bounds) request.view = view();
    m_rasterJob.run([request](const auto &) { return rasteriseMap(request); },
                    [this](MapRaster &&raster) { applyRaster(std::move(raster)); },
                    [this](const QString &message) { rasterFailed(message); });
}

void EmbeddingMapView::applyRaster(MapRaster &&raster) {
    if (raster.points != m_points) return;
    m_rasterError.clear();
    const bool firstForPoints = !m_bounds;
    m_bounds = raster.bounds;
    m_raster = std::move(raster);
    if (!(m_raster.view == view()) || m_raster.image.devicePixelRatio() != devicePixelRatioF()) requestRaster();
    if (firstForPoints || !(m_selectionLayer.view == m_raster.view)) requestSelectionLayer();
    update();
}

void EmbeddingMapView::rasterFailed(const QString &message) {
    // Without a raster the view says so in place of "Rasterising…", which would otherwise stay forever; with one, it
    // keeps showing the older raster, and the log says why it did not follow the view.
    m_rasterError = message;
    log::error("inspect", message.toStdString());
    update();
}

void EmbeddingMapView::requestSelectionLayer() {
    if (!m_selected || !hasCurrentRaster()) {
        m_selectionJob.cancel();
        m_selectionLayer = {};
        return;
    }
    const MapPoints points = m_points;
    const auto selected = m_selected;
    const MapViewport view = m_raster.view;
    const qreal dpr = m_raster.image.devicePixelRatio();
    const int onScreen = m_raster.onScreen;
    m_selectionJob.run(
        [points, selected, view, dpr, onScreen](const auto &) {
            return SelectionLayer{rasteriseSelection(points, *selected, view, dpr, onScreen, kSelectionHalo), view};
        },
        [this](SelectionLayer &&layer) {
            m_selectionLayer = std::move(layer);
            update();
        });
}

void EmbeddingMapView::paintEvent(QPaintEvent *) {
    QPainter p(this);
    p.fillRect(rect(), inspectBackground());
    if (!m_points || m_points->empty()) {
        paintCentredMessage(p, rect(), m_emptyMessage);
        paintTag(p, QPoint(8, 8), Qt::AlignLeft | Qt::AlignTop, m_caption);
        return;
    }
    if (!hasCurrentRaster()) {
        paintCentredMessage(p, rect(), !m_rasterError.isEmpty()
                                           ? m_rasterError
                                           : tr("Rasterising %1 points…").arg(groupedCount(qint64(m_points->size()))));
        paintTag(p, QPoint(8, 8), Qt::AlignLeft | Qt::AlignTop, m_caption);
        return;
    }
    // The same transform is the identity once the raster caught up with the view: a plain blit.
    const MapViewport shown = view();
    p.save();
    p.setTransform(shown.screenFrom(m_raster.view));
    p.drawImage(QPointF(0, 0), m_raster.image);
    p.restore();
    if (m_selected && !m_selectionLayer.image.isNull()) {
        p.save();
        p.setTransform(shown.screenFrom(m_selectionLayer.view));
        p.drawImage(QPointF(0, 0), m_selectionLayer.image);
        p.restore();
    }
    paintMarkers(p);
    paintOverlays(p);
}

void EmbeddingMapView::paintMarkers(QPainter &p) const {
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(kHighlight, 2.0));
    const QRectF visible = QRectF(rect()).adjusted(-10, -10, 10, 10);
    for (int i : m_highlighted) {
        const QPointF s = toScreen(i);
        if (std::isfinite(s.x()) && visible.contains(s)) p.drawEllipse(s, 6.5, 6.5);
    }
    const QPointF c = toScreen(m_current); // NaN for none, which QRectF::contains does not reject
    if (std::isfinite(c.x()) && visible.contains(c)) {
        p.setPen(QPen(Qt::black, 4.0));
        p.drawEllipse(c, 9, 9);
        p.setPen(QPen(kCurrent, 2.0));
        p.drawEllipse(c, 9, 9);
        p.drawLine(c + QPointF(-15, 0), c + QPointF(-11, 0));
        p.drawLine(c + QPointF(11, 0), c + QPointF(15, 0));
        p.drawLine(c + QPointF(0, -15), c + QPointF(0, -11));
        p.drawLine(c + QPointF(0, 11), c + QPointF(0, 15));
    }
    if (!m_lasso.isEmpty()) {
        p.setPen(QPen(QColor(255, 255, 255, 220), 1.2, Qt::DashLine));
        p.setBrush(QColor(255, 255, 255, 28));
        p.drawPolygon(m_lasso);
    }
    p.restore();
}

void EmbeddingMapView::paintOverlays(QPainter &p) const {
    paintLegend(p, QPoint(width() - 8, 8), m_legend);
    paintTag(p, QPoint(8, 8), Qt::AlignLeft | Qt::AlignTop, m_caption);
    QString count = tr("%1 points").arg(groupedCount(qint64(m_points->size())));
    if (m_selected) count += tr(" · %1 selected").arg(groupedCount(qint64(m_selected->size())));
    if (m_raster.onScreen < int(m_points->size())) count += tr(" · %1 in view").arg(groupedCount(m_raster.onScreen));
    paintTag(p, QPoint(8, height() - 8), Qt::AlignLeft | Qt::AlignBottom, count);
}

void EmbeddingMapView::resizeEvent(QResizeEvent *) {
    requestRaster();
}

GestureView::Press EmbeddingMapView::pressKind(const QMouseEvent &event) const {
    if (event.button() == Qt::LeftButton) return Press::ClickOrDraw;
    if (event.button() == Qt::MiddleButton || event.button() == Qt::RightButton)
        return event.modifiers() & Qt::ShiftModifier ? Press::Draw : Press::Pan;
    return Press::Ignore;
}

void EmbeddingMapView::clicked(QPointF pos) {
    const int index = pointAt(pos);
    if (index >= 0) emit pointClicked(index);
}

void EmbeddingMapView::drawStarted(QPointF pressPos) {
    m_lasso = {pressPos};
}

void EmbeddingMapView::drawMoved(QPointF pos) {
    if (QLineF(m_lasso.back(), pos).length() >= kLassoStep) m_lasso << pos;
    update();
}

void EmbeddingMapView::drawFinished(QPointF pos) {
    QPolygonF lasso = std::exchange(m_lasso, {});
    update();
    // A lasso too small to enclose anything is a click, like a plain one (a Shift+press that never moved).
    if (lasso.size() < 3) {
        clicked(pos);
        return;
    }
    lasso << pos;
    emit lassoSelected(pointsInside(lasso));
}

} // namespace mnemo::ui
