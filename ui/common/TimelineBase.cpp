#include "TimelineBase.hpp"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace mnemo::ui {

namespace {

constexpr int kTickLength = 5; // px of a tick's line inside the axis band, under its label
const QColor kAxisBackground(26, 29, 37);
const QColor kGrid(255, 255, 255, 16);
const QColor kGridMajor(255, 255, 255, 40);
const QColor kAxisText(170, 178, 192);
const QColor kAxisTextMajor(230, 234, 242);

} // namespace

TimelineBase::TimelineBase(SpanLimits spanLimits, double zoomPerNotch, QWidget *parent)
    : GestureView(zoomPerNotch, parent), m_spanLimits(spanLimits) {}

QRect TimelineBase::axisArea() const {
    const QRect plot = plotArea();
    return QRect(plot.left(), 0, plot.width(), plot.top());
}

double TimelineBase::xAt(double t) const {
    const QRect plot = plotArea();
    return plot.left() + (t - m_from) / (m_to - m_from) * plot.width();
}

double TimelineBase::timeAtX(double x) const {
    const QRect plot = plotArea();
    return m_from + (x - plot.left()) / std::max(1, plot.width()) * (m_to - m_from);
}

void TimelineBase::zoomAt(double x, double factor) {
    const QRect plot = plotArea();
    const double width = std::max(1, plot.width());
    // Over the gutter the zoom holds the plot's edge, rather than a time off screen that would drag the view along.
    const double at = std::clamp(x, double(plot.left()), plot.left() + width);
    const double anchor = timeAtX(at), fraction = (at - plot.left()) / width;
    const double span = std::clamp((m_to - m_from) / factor, m_spanLimits.min, m_spanLimits.max);
    m_following = false;
    setVisibleRange(anchor - fraction * span, anchor - fraction * span + span, true);
}

void TimelineBase::panBy(double dx) {
    const double shift = dx * (m_to - m_from) / std::max(1, plotArea().width());
    m_following = false;
    setVisibleRange(m_from - shift, m_to - shift, true);
}

void TimelineBase::fitView() {
    m_following = true;
    if (const auto range = dataRange()) setVisibleRange(range->first, range->second, true);
    update();
}

void TimelineBase::followData() {
    if (m_following) fitView();
}

void TimelineBase::placeRange(double from, double to) {
    m_following = false;
    setVisibleRange(from, to, false);
}

void TimelineBase::setVisibleRange(double from, double to, bool report) {
    const double span = std::clamp(to - from, m_spanLimits.min, m_spanLimits.max);
    if (to - from < m_spanLimits.min) from = from + (to - from) / 2 - span / 2;
    to = from + span;
    if (from == m_from && to == m_to) return;
    m_from = from, m_to = to;
    update();
    if (report) rangeMoved();
}

GestureView::Press TimelineBase::pressKind(const QMouseEvent &event) const {
    return event.button() == Qt::LeftButton ? Press::ClickOrPan : Press::Ignore;
}

void TimelineBase::paintAxis(QPainter &p, const std::vector<AxisTick> &ticks, const QString &caption) const {
    const QRect axis = axisArea(), plot = plotArea();
    p.save();
    p.fillRect(QRect(0, 0, width(), axis.height()), kAxisBackground);
    const QFontMetrics fm = p.fontMetrics();
    for (const AxisTick &tick : ticks) {
        const int x = int(std::lround(xAt(tick.t)));
        p.setPen(tick.major ? kGridMajor : kGrid);
        p.drawLine(x, axis.bottom() - kTickLength, x, plot.bottom());
        p.setPen(tick.major ? kAxisTextMajor : kAxisText);
        const int w = fm.horizontalAdvance(tick.label);
        const int left = std::clamp(x - w / 2, axis.left(), std::max(axis.left(), axis.right() - w));
        p.drawText(QRect(left, 0, w + 1, axis.height() - kTickLength), Qt::AlignCenter, tick.label);
    }
    p.setPen(kAxisText);
    p.drawText(QRect(6, 0, std::max(0, axis.left() - 8), axis.height()), Qt::AlignVCenter | Qt::AlignLeft, caption);
    p.restore();
}

} // namespace mnemo::ui
