#include "edit/EditTimeline.hpp"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

namespace mnemo::ui {
namespace {

constexpr double kMinSpan = 8;          // frames across the whole plot at the deepest zoom
constexpr double kZoomPerNotch = 1.25;
constexpr double kMinTickSpacing = 64;  // px between labelled ticks
const QColor kBackground(24, 25, 30);
const QColor kLabel(150, 156, 170);

} // namespace

EditTimeline::EditTimeline(QWidget *parent)
    : TimelineBase({kMinSpan, std::numeric_limits<double>::max()}, kZoomPerNotch, parent) {
    setMinimumHeight(150);
    setToolTip(tr("Click or drag to scrub · wheel to zoom · right-drag to pan · double click to fit"));
}

QColor EditTimeline::linkColor(size_t link) {
    static const QColor colors[] = {{96, 165, 250}, {251, 146, 60}, {74, 222, 128}, {244, 114, 182}, {250, 204, 21},
                                    {167, 139, 250}};
    return colors[link % std::size(colors)];
}

void EditTimeline::setView(const EditView &view, const std::vector<std::string> &linkNames) {
    m_view = view;
    m_linkNames = linkNames;
    uint64_t last = view.stats.frameCountHint > 0 ? uint64_t(view.stats.frameCountHint - 1) : 0;
    if (view.records && view.records->lastIndex()) last = std::max(last, *view.records->lastIndex());
    m_lastFrame = std::max<uint64_t>(last, view.stats.position);
    followData();
    update();
}

QRect EditTimeline::plotArea() const { return rect().adjusted(kGutter, 22, -8, -6); }
QRect EditTimeline::framesLane() const {
    const QRect a = plotArea();
    return {a.left(), a.top() + 2, a.width(), 16};
}
QRect EditTimeline::cameraLane() const {
    const QRect a = plotArea(), f = framesLane();
    return {a.left(), f.bottom() + 4, a.width(), 14};
}
QRect EditTimeline::modulesLane() const {
    const QRect a = plotArea(), c = cameraLane();
    return {a.left(), c.bottom() + 5, a.width(), std::max(18, a.height() / 4)};
}
QRect EditTimeline::curveLane() const {
    const QRect a = plotArea(), m = modulesLane();
    return {a.left(), m.bottom() + 5, a.width(), std::max(20, a.bottom() - m.bottom() - 5)};
}

std::optional<std::pair<double, double>> EditTimeline::dataRange() const {
    if (!m_view.records && m_view.stats.frameCountHint <= 0) return std::nullopt;
    // A live stream scrolls: the newest 600 frames.
    const double last = double(m_lastFrame) + 1;
    const double first = m_view.stats.live ? std::max(0.0, last - 600) : 0.0;
    return std::make_pair(first, std::max(first + kMinSpan, last));
}

TimelineBase::Press EditTimeline::pressKind(const QMouseEvent &event) const {
    if (event.button() == Qt::LeftButton) return Press::Draw;
    if (event.button() == Qt::RightButton || event.button() == Qt::MiddleButton) return Press::Pan;
    return Press::Ignore;
}

void EditTimeline::scrubTo(double x) {
    if (m_view.stats.live) return; // a stream has no past to go back to
    const double frame = std::clamp(std::floor(timeAtX(x)), 0.0, double(m_lastFrame));
    emit seekRequested(quint64(frame));
}

std::vector<TimelineBase::AxisTick> EditTimeline::frameTicks() const {
    const double span = visibleTo() - visibleFrom(), pxPerFrame = std::max(1, plotArea().width()) / span;
    double tick = std::pow(10.0, std::ceil(std::log10(std::max(1.0, kMinTickSpacing / pxPerFrame))));
    if (tick / 5 * pxPerFrame >= kMinTickSpacing && tick >= 5) tick /= 5;
    else if (tick / 2 * pxPerFrame >= kMinTickSpacing && tick >= 2) tick /= 2;
    std::vector<AxisTick> ticks;
    for (double t = std::ceil(visibleFrom() / tick) * tick; t <= visibleTo(); t += tick) {
        ticks.push_back({t, QString::number(qint64(t))});
    }
    return ticks;
}

EditTimeline::Rows EditTimeline::visibleRows() const {
    if (!m_view.records) return {};
    const double from = std::max(0.0, std::floor(visibleFrom())), to = std::max(0.0, std::ceil(visibleTo()) + 1);
    return m_view.records->range(uint64_t(from), uint64_t(to));
}

EditTimeline::Columns EditTimeline::columns(const Rows &r) const {
    const QRect a = plotArea();
    std::vector<std::pair<size_t, size_t>> cols(size_t(std::max(1, a.width())), {0, 0});
    auto at = [&](double frame) {
        return size_t(std::lower_bound(r.begin(), r.end(), frame,
                                       [](const edit::FrameRecord *e, double v) { return double(e->index) < v; }) -
                      r.begin());
    };
    for (size_t c = 0; c < cols.size(); ++c) {
        cols[c] = {at(timeAtX(a.left() + double(c))), at(timeAtX(a.left() + double(c) + 1))};
    }
    return cols;
}

void EditTimeline::paintEvent(QPaintEvent *) {
    QPainter p(this);
    p.fillRect(rect(), kBackground);
    QFont f = font();
    f.setPointSizeF(std::max(7.0, f.pointSizeF() * 0.85));
    p.setFont(f);
    if (!dataRange()) {
        p.setPen(kLabel);
        p.drawText(plotArea(), Qt::AlignCenter, tr("No source open"));
        return;
    }
    paintAxis(p, frameTicks(), tr("frame"));
    const Rows rows = visibleRows();
    const Columns cols = columns(rows); // one binning per paint, shared by the lanes
    paintFrames(p, cols);
    paintCamera(p);
    paintModules(p, rows, cols);
    paintCurve(p, rows, cols);
    paintPlayhead(p);
}

void EditTimeline::paintFrames(QPainter &p, const Columns &cols) const {
    const QRect lane = framesLane();
    p.setPen(kLabel);
    p.drawText(QRect(4, lane.top(), kGutter - 6, lane.height()), Qt::AlignLeft | Qt::AlignVCenter, tr("source"));
    const double end = m_view.stats.frameCountHint > 0 ? double(m_view.stats.frameCountHint) : double(m_lastFrame + 1);
    const double x0 = std::max(double(lane.left()), xAt(0)), x1 = std::min(double(lane.right()), xAt(end));
    p.fillRect(QRectF(x0, lane.top(), std::max(0.0, x1 - x0), lane.height()), QColor(60, 64, 76));
    if (m_view.inPoint || m_view.outPoint) {
        const double in = xAt(double(m_view.inPoint.value_or(0)));
        const double out = xAt(double(m_view.outPoint.value_or(uint64_t(end - 1))) + 1);
        p.fillRect(QRectF(in, lane.top(), out - in, lane.height()).intersected(QRectF(lane)), QColor(250, 204, 21, 110));
    }
    // Edited frames: a dark notch per column that has records.
    for (size_t c = 0; c < cols.size(); ++c) {
        if (cols[c].second > cols[c].first) p.fillRect(QRectF(lane.left() + double(c), lane.bottom() - 3, 1, 3), QColor(140, 200, 255));
    }
}

// Stacked time per link: per frame when frames are wide enough to see, else the mean of each pixel column's frames.
void EditTimeline::setCameraPath(std::shared_ptr<const edit::CameraPath> path) {
    m_cameraPath = std::move(path);
    update();
}

// The camera path's keyframes as diamonds, with the eased stretches between them as a line.
void EditTimeline::paintCamera(QPainter &p) const {
    const QRect lane = cameraLane();
    p.setPen(kLabel);
    p.drawText(QRect(4, lane.top() - 2, kGutter - 6, lane.height() + 4), Qt::AlignLeft | Qt::AlignVCenter,
               tr("camera keys"));
    if (!m_cameraPath || m_cameraPath->keyframes().empty()) return;
    const auto &keys = m_cameraPath->keyframes();
    const double y = lane.center().y() + 0.5;
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(QColor(250, 204, 21, 160), 1.5));
    p.drawLine(QPointF(xAt(double(keys.front().frame) + 0.5), y), QPointF(xAt(double(keys.back().frame) + 0.5), y));
    p.setPen(QPen(QColor(30, 30, 30), 1));
    p.setBrush(QColor(250, 204, 21));
    for (const auto &key : keys) {
        const double x = xAt(double(key.frame) + 0.5);
        if (x < lane.left() - 6 || x > lane.right() + 6) continue;
        const QPointF diamond[] = {{x, y - 6}, {x + 6, y}, {x, y + 6}, {x - 6, y}};
        p.drawPolygon(diamond, 4);
    }
    p.setBrush(Qt::NoBrush);
    p.setRenderHint(QPainter::Antialiasing, false);
}

void EditTimeline::paintModules(QPainter &p, const Rows &r, const Columns &cols) const {
    const QRect lane = modulesLane();
    p.fillRect(lane, QColor(255, 255, 255, 7));
    p.setPen(kLabel);
    p.drawText(QRect(4, lane.top(), kGutter - 6, lane.height()), Qt::AlignLeft | Qt::AlignVCenter, tr("ms / module"));
    struct Bar {
        double x, width;
        std::vector<double> ms;
    };
    std::vector<Bar> bars;
    const double pxPerFrame = lane.width() / std::max(1.0, visibleTo() - visibleFrom());
    for (size_t c = 0; c < cols.size(); ++c) {
        const auto [from, to] = cols[c];
        for (size_t i = from; i < to; ++i) {
            if (pxPerFrame >= 2) {
                bars.push_back({xAt(double(r[i]->index)) + pxPerFrame * 0.1, pxPerFrame * 0.8, {}});
            } else if (i == from) {
                bars.push_back({lane.left() + double(c), 1, {}});
            }
            auto &ms = bars.back().ms;
            ms.resize(std::max(ms.size(), r[i]->linkMs.size()), 0.0);
            const double share = pxPerFrame >= 2 ? 1.0 : 1.0 / double(to - from);
            for (size_t k = 0; k < r[i]->linkMs.size(); ++k) ms[k] += r[i]->linkMs[k] * share;
        }
    }
    double peak = 1;
    for (const Bar &b : bars) {
        double total = 0;
        for (double m : b.ms) total += m;
        peak = std::max(peak, total);
    }
    for (const Bar &b : bars) {
        double y = lane.bottom();
        for (size_t k = 0; k < b.ms.size(); ++k) {
            const double h = b.ms[k] / peak * lane.height();
            p.fillRect(QRectF(b.x, y - h, b.width, h), linkColor(k));
            y -= h;
        }
    }
    p.setPen(kLabel);
    p.drawText(lane.adjusted(4, 0, -4, 0), Qt::AlignRight | Qt::AlignTop, tr("%1 ms").arg(peak, 0, 'f', 1));
}

void EditTimeline::paintCurve(QPainter &p, const Rows &r, const Columns &cols) const {
    const QRect lane = curveLane();
    p.fillRect(lane, QColor(255, 255, 255, 7));
    p.setPen(kLabel);
    p.drawText(QRect(4, lane.top(), kGutter - 6, lane.height()), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap,
               tr("warp error\n(lower: steadier)"));
    double peak = 1; // of what is visible
    for (const edit::FrameRecord *e : r) peak = std::max(peak, e->warpError);
    QPolygonF line;
    for (size_t c = 0; c < cols.size(); ++c) {
        double worst = -1;
        for (size_t i = cols[c].first; i < cols[c].second; ++i) worst = std::max(worst, r[i]->warpError);
        if (worst < 0) continue;
        line << QPointF(lane.left() + double(c) + 0.5, lane.bottom() - worst / peak * (lane.height() - 2));
    }
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(QColor(52, 211, 153), 1.5));
    p.drawPolyline(line);
    const double mean = m_view.stats.warpErrorMean;
    if (mean > 0) {
        const double y = lane.bottom() - mean / peak * (lane.height() - 2);
        p.setPen(QPen(QColor(52, 211, 153, 150), 1, Qt::DashLine));
        p.drawLine(QPointF(lane.left(), y), QPointF(lane.right(), y));
    }
    p.setPen(kLabel);
    p.drawText(lane.adjusted(4, 0, -4, 0), Qt::AlignRight | Qt::AlignTop,
               tr("peak %1 · mean %2").arg(peak, 0, 'f', 1).arg(mean, 0, 'f', 2));
    p.setRenderHint(QPainter::Antialiasing, false);
}

void EditTimeline::paintPlayhead(QPainter &p) const {
    const double x = xAt(double(m_view.stats.position) + 0.5);
    const QRect a = plotArea();
    if (x < a.left() || x > a.right()) return;
    p.setPen(QPen(QColor(255, 255, 255, 220), 1));
    p.drawLine(QPointF(x, a.top()), QPointF(x, a.bottom()));
}

} // namespace mnemo::ui
