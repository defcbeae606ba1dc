#include "TimelineView.hpp"

#include "InspectStyle.hpp"
#include "common/TimeAxis.hpp"

#include <QDateTime>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

namespace mnemo::ui {

namespace {

constexpr int kGutter = 110;       // px: lane names
constexpr int kAxisHeight = 24;    // px
constexpr int kFooterHeight = 20;  // px: cursor time, compare delta
constexpr int kRightMargin = 10;   // px
constexpr int kMaxLaneHeight = 64; // px: a few lanes in a tall widget stay compact at the top
constexpr int kTickHitRadius = 4;  // px either side of a tick that still selects it
constexpr int kTickClickSlop = 3;  // px a press on a tick may move before it becomes a scrub
constexpr qint64 kMinSpanUs = 10;  // the deepest zoom: ten microseconds across the plot
constexpr qint64 kMaxSpanUs = 400ll * 365 * 24 * 3600 * 1'000'000; // centuries; keeps the arithmetic far from overflow
constexpr qint64 kLoneEventSpanUs = 2'000'000;                     // the range shown around a single event
constexpr double kFitPadding = 0.03;                               // of the span, each side
constexpr double kZoomPerNotch = 1.25;
const QColor kLaneStripe(255, 255, 255, 8);
const QColor kAxisText(170, 178, 192);
const QColor kCursorColour(255, 196, 64);
const QColor kCompareColour(96, 200, 255);
const QColor kSelectedTick(255, 255, 255);

} // namespace

TimelineView::TimelineView(QWidget *parent)
    : TimelineBase({double(kMinSpanUs), double(kMaxSpanUs)}, kZoomPerNotch, parent) {
    setObjectName("timelineView");
    setVisibleRange(0, 1'000'000, false); // a second of nothing until there are events
    setMinimumSize(240, kAxisHeight + kFooterHeight + 30);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_cursorSignalTimer.setSingleShot(true);
    connect(&m_cursorSignalTimer, &QTimer::timeout, this, &TimelineView::flushCursorSignal);
}

void TimelineView::setLanes(QStringList names, QList<QColor> colours) {
    m_laneNames = std::move(names);
    m_laneColours = std::move(colours);
    update();
}

void TimelineView::setEvents(std::vector<TimelineEvent> sortedByTime) {
    m_events = std::make_shared<const std::vector<TimelineEvent>>(std::move(sortedByTime));
    const Events events = m_events;
    m_indexError.clear();
    m_indexJob.run(
        [events](const auto &) {
            LaneIndex index;
            index.events = events;
            const auto byTime = [](const TimelineEvent &a, const TimelineEvent &b) { return a.timeUs < b.timeUs; };
            if (!std::is_sorted(events->begin(), events->end(), byTime)) {
                auto sorted = *events;
                std::stable_sort(sorted.begin(), sorted.end(), byTime);
                index.events = std::make_shared<const std::vector<TimelineEvent>>(std::move(sorted));
            }
            int maxLane = -1;
            for (const TimelineEvent &e : *index.events)
                maxLane = std::max(maxLane, int(e.lane));
            std::vector<size_t> sizes(size_t(maxLane + 1), 0);
            for (const TimelineEvent &e : *index.events)
                ++sizes[e.lane];
            index.times.resize(sizes.size());
            for (size_t lane = 0; lane < sizes.size(); ++lane)
                index.times[lane].reserve(sizes[lane]);
            for (const TimelineEvent &e : *index.events)
                index.times[e.lane].push_back(e.timeUs);
            return index;
        },
        [this](LaneIndex &&index) { applyIndex(std::move(index)); },
        [this](const QString &message) {
            // Ticks need no index and still show; the dense view says why it has no histograms.
            m_indexError = message;
            update();
        });
    followData();
    if (!m_cursorPlaced && !m_events->empty()) {
        m_cursor = m_events->back().timeUs;
        m_cursorPlaced = true;
    }
    if (m_follow && !m_events->empty()) {
        m_cursor = m_events->back().timeUs;
        ensureVisible(m_cursor);
        emitCursorThrottled();
    }
    update();
}

void TimelineView::applyIndex(LaneIndex &&index) {
    m_index = std::move(index);
    m_events = m_index.events; // the same list, or its sorted copy
    m_maxLane = int(m_index.times.size()) - 1;
    ++m_indexGeneration;
    followData();
    update();
}

std::optional<std::pair<double, double>> TimelineView::dataRange() const {
    if (!m_events || m_events->empty()) return std::nullopt;
    // Sorted by contract (and by applyIndex once an unsorted list was sorted): the ends are the extremes.
    qint64 from = m_events->front().timeUs, to = m_events->back().timeUs;
    if (to - from < kMinSpanUs) {
        from -= kLoneEventSpanUs / 2, to += kLoneEventSpanUs / 2;
    } else {
        const qint64 pad = qint64((to - from) * kFitPadding);
        from -= pad, to += pad;
    }
    return std::pair(double(from), double(to));
}

void TimelineView::rangeMoved() {
    emit rangeChanged(rangeFromUs(), rangeToUs());
}

void TimelineView::setCursorUs(qint64 us) {
    m_cursor = us;
    m_cursorPlaced = true;
    update();
}

void TimelineView::setCompareUs(std::optional<qint64> us) {
    m_compare = us;
    update();
}

void TimelineView::setFollowLatest(bool on) {
    if (m_follow == on) return;
    m_follow = on;
    if (m_follow && m_events && !m_events->empty()) {
        m_cursor = m_events->back().timeUs;
        ensureVisible(m_cursor);
        emitCursorThrottled();
        update();
    }
}

int TimelineView::laneCount() const {
    return std::max(int(m_laneNames.size()), m_maxLane + 1);
}

std::optional<quint32> TimelineView::selectedPayload() const {
    if (!m_selected) return std::nullopt;
    return m_selected->payload;
}

int TimelineView::selectedIndex() const {
    if (!m_selected || !m_events) return -1;
    const auto &es = *m_events;
    auto it = std::lower_bound(es.begin(), es.end(), m_selected->timeUs,
                               [](const auto &e, qint64 t) { return e.timeUs < t; });
    for (; it != es.end() && it->timeUs == m_selected->timeUs; ++it)
        if (it->lane == m_selected->lane && it->payload == m_selected->payload) return int(it - es.begin());
    return -1;
}

QString TimelineView::laneName(int lane) const {
    return lane < m_laneNames.size() ? m_laneNames[lane] : tr("lane %1").arg(lane);
}

QColor TimelineView::laneColour(int lane) const {
    return lane < m_laneColours.size() && m_laneColours[lane].isValid() ? m_laneColours[lane]
                                                                        : categoryColour(quint32(lane));
}

QRect TimelineView::plotArea() const {
    return QRect(kGutter, kAxisHeight, std::max(1, width() - kGutter - kRightMargin),
                 std::max(1, height() - kAxisHeight - kFooterHeight));
}

QRect TimelineView::laneRect(int lane) const {
    const QRect plot = plotArea();
    const int lanes = std::max(1, laneCount());
    if (plot.height() / lanes >= kMaxLaneHeight)
        return QRect(plot.left(), plot.top() + lane * kMaxLaneHeight, plot.width(), kMaxLaneHeight);
    const int top = plot.top() + lane * plot.height() / lanes, bottom = plot.top() + (lane + 1) * plot.height() / lanes;
    return QRect(plot.left(), top, plot.width(), bottom - top);
}

void TimelineView::ensureVisible(qint64 us) {
    const qint64 from = rangeFromUs(), to = rangeToUs(), span = to - from, margin = span / 20;
    if (us > to - margin) setVisibleRange(double(us + margin - span), double(us + margin), true);
    if (us < from + margin) setVisibleRange(double(us - margin), double(us - margin + span), true);
}

std::pair<int, int> TimelineView::visibleEvents() const {
    if (!m_events) return {0, 0};
    const auto &es = *m_events;
    const qint64 from = rangeFromUs(), to = rangeToUs();
    const auto lo = std::lower_bound(es.begin(), es.end(), from, [](const auto &e, qint64 t) { return e.timeUs < t; });
    const auto hi = std::upper_bound(lo, es.end(), to, [](qint64 t, const auto &e) { return t < e.timeUs; });
    return {int(lo - es.begin()), int(hi - es.begin())};
}

bool TimelineView::histogramMode() const {
    const auto [lo, hi] = visibleEvents();
    return double(hi - lo) / std::max(1, plotArea().width()) > kDenseEventsPerPixel;
}

const TimelineView::Histogram &TimelineView::histogram() const {
    const int width = plotArea().width();
    const qint64 from = rangeFromUs(), to = rangeToUs();
    Histogram &h = m_histogram;
    if (h.from == from && h.to == to && h.width == width && h.indexGeneration == m_indexGeneration) return h;
    h.from = from, h.to = to, h.width = width, h.indexGeneration = m_indexGeneration;
    h.maxCount = 0;
    h.counts.assign(m_index.times.size(), std::vector<int>(size_t(width), 0));
    // Column c covers [from + c·span/width, from + (c+1)·span/width): two binary searches per column and lane,
    // each starting where the previous column ended.
    const double usPerColumn = double(to - from) / width;
    for (size_t lane = 0; lane < m_index.times.size(); ++lane) {
        const std::vector<qint64> &times = m_index.times[lane];
        auto it = std::lower_bound(times.begin(), times.end(), from);
        for (int c = 0; c < width && it != times.end(); ++c) {
            const qint64 end = c + 1 == width ? to + 1 : from + qint64(usPerColumn * (c + 1));
            const auto next = std::lower_bound(it, times.end(), end);
            h.counts[lane][size_t(c)] = int(next - it);
            h.maxCount = std::max(h.maxCount, int(next - it));
            it = next;
        }
    }
    return h;
}

int TimelineView::eventNear(QPointF pos) const {
    if (!m_events || histogramMode()) return -1;
    int lane = -1;
    for (int k = 0; k < laneCount(); ++k)
        if (laneRect(k).contains(pos.toPoint())) lane = k;
    if (lane < 0) return -1;
    const auto &es = *m_events;
    const qint64 t0 = timeAt(pos.x() - kTickHitRadius), t1 = timeAt(pos.x() + kTickHitRadius);
    auto it = std::lower_bound(es.begin(), es.end(), t0, [](const auto &e, qint64 t) { return e.timeUs < t; });
    int best = -1;
    double bestDist = kTickHitRadius + 0.5;
    for (; it != es.end() && it->timeUs <= t1; ++it) {
        if (it->lane != lane) continue;
        const double d = std::abs(xOf(it->timeUs) - pos.x());
        if (d <= bestDist) best = int(it - es.begin()), bestDist = d; // ties: the later event, drawn on top
    }
    return best;
}

void TimelineView::moveCursorByUser(qint64 us, bool keepFollowing) {
    m_cursor = us;
    m_cursorPlaced = true;
    if (m_follow && !keepFollowing) {
        m_follow = false;
        emit followLatestChanged(false);
    }
    update();
}

void TimelineView::emitCursorThrottled() {
    if (!m_sinceCursorSignal.isValid() || m_sinceCursorSignal.elapsed() >= kCursorSignalMs) {
        m_cursorSignalPending = true;
        flushCursorSignal();
        return;
    }
    m_cursorSignalPending = true;
    if (!m_cursorSignalTimer.isActive())
        m_cursorSignalTimer.start(int(kCursorSignalMs - m_sinceCursorSignal.elapsed()));
}

void TimelineView::flushCursorSignal() {
    m_cursorSignalTimer.stop();
    if (!m_cursorSignalPending) return;
    m_cursorSignalPending = false;
    m_sinceCursorSignal.start();
    emit cursorChanged(m_cursor);
}

void TimelineView::paintEvent(QPaintEvent *) {
    QPainter p(this);
    p.fillRect(rect(), inspectBackground());
    const qint64 precisionUs = std::max<qint64>(1, (rangeToUs() - rangeFromUs()) / std::max(1, plotArea().width()));
    paintLanes(p);
    paintTimeAxis(p, precisionUs);
    if (!m_events || m_events->empty()) {
        paintCentredMessage(p, plotArea(), tr("No events"));
    } else if (!histogramMode()) {
        paintTicks(p);
    } else if (m_index.events == m_events) {
        paintHistograms(p);
    } else {
        paintCentredMessage(p, plotArea(), !m_indexError.isEmpty()
                                               ? m_indexError
                                               : tr("Indexing %1 events…").arg(groupedCount(eventCount())));
    }
    paintMarkers(p, precisionUs);
}

void TimelineView::paintLanes(QPainter &p) const {
    const QFontMetrics fm(font());
    for (int k = 0; k < laneCount(); ++k) {
        const QRect lane = laneRect(k);
        if (k % 2 == 1) p.fillRect(QRect(0, lane.top(), width(), lane.height()), kLaneStripe);
        if (lane.height() < 6) continue; // too many lanes for names; the stripes still separate them
        p.fillRect(QRect(6, lane.center().y() - 4, 8, 8), laneColour(k));
        p.setPen(kAxisText);
        p.drawText(QRect(18, lane.top(), kGutter - 24, lane.height()), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(laneName(k), Qt::ElideRight, kGutter - 24));
    }
}

void TimelineView::paintTimeAxis(QPainter &p, qint64 precisionUs) const {
    std::vector<AxisTick> ticks;
    for (const TimeTick &tick : timeTicks(rangeFromUs(), rangeToUs(), plotArea().width(), QFontMetrics(font())))
        ticks.push_back({double(tick.us), tick.label, tick.major});
    // The date of the left edge, so intra-day labels are never ambiguous.
    const QString date = precisionUs < 24ll * 3600 * 1'000'000
                             ? QDateTime::fromMSecsSinceEpoch(floorDiv(rangeFromUs(), 1000)).toString("yyyy-MM-dd")
                             : QString();
    paintAxis(p, ticks, date);
}

void TimelineView::paintTicks(QPainter &p) const {
    const auto [lo, hi] = visibleEvents();
    const int lanes = laneCount();
    std::vector<QList<QLineF>> perLane(static_cast<size_t>(lanes));
    std::vector<QRect> rects(static_cast<size_t>(lanes));
    for (int k = 0; k < lanes; ++k)
        rects[size_t(k)] = laneRect(k);
    for (int i = lo; i < hi; ++i) {
        const TimelineEvent &e = (*m_events)[size_t(i)];
        if (e.lane >= lanes) continue; // its row appears once the index has counted the lanes
        const QRect &r = rects[e.lane];
        const double x = xOf(e.timeUs), inset = r.height() * 0.2;
        perLane[e.lane] << QLineF(x, r.top() + inset, x, r.bottom() - inset);
    }
    for (int k = 0; k < lanes; ++k) {
        p.setPen(QPen(laneColour(k), 1.5));
        p.drawLines(perLane[size_t(k)]);
    }
    const int selected = selectedIndex();
    if (selected >= lo && selected < hi) {
        const TimelineEvent &e = (*m_events)[size_t(selected)];
        if (e.lane < lanes) {
            const double x = xOf(e.timeUs);
            p.setPen(QPen(kSelectedTick, 3.0));
            p.drawLine(QLineF(x, rects[e.lane].top() + 1, x, rects[e.lane].bottom() - 1));
        }
    }
}

void TimelineView::paintHistograms(QPainter &p) const {
    const Histogram &h = histogram();
    if (h.maxCount <= 0) return;
    const double logMax = std::log1p(double(h.maxCount));
    const int left = plotArea().left();
    for (int k = 0; k < int(h.counts.size()); ++k) {
        const QRect r = laneRect(k).adjusted(0, 2, 0, -1);
        QList<QLine> bars;
        const std::vector<int> &counts = h.counts[size_t(k)];
        for (int c = 0; c < int(counts.size()); ++c) {
            if (counts[size_t(c)] == 0) continue;
            // Logarithmic, with a floor, so a lone event next to a burst of thousands still shows.
            const int bar = int(r.height() * (0.15 + 0.85 * std::log1p(double(counts[size_t(c)])) / logMax));
            bars << QLine(left + c, r.bottom(), left + c, r.bottom() - std::max(1, bar));
        }
        p.setPen(QPen(laneColour(k), 1.0));
        p.drawLines(bars);
    }
}

void TimelineView::paintMarkers(QPainter &p, qint64 precisionUs) const {
    const QRect plot = plotArea();
    const QRect footer(0, height() - kFooterHeight, width(), kFooterHeight);
    const double cx = xOf(m_cursor);
    const auto inPlot = [&](double x) { return x >= plot.left() - 0.5 && x <= plot.right() + 1.5; };
    p.save();
    if (m_compare) {
        const double mx = xOf(*m_compare);
        const double a = std::clamp(std::min(cx, mx), double(plot.left()), double(plot.right() + 1));
        const double b = std::clamp(std::max(cx, mx), double(plot.left()), double(plot.right() + 1));
        p.fillRect(QRectF(a, 0, b - a, plot.bottom() + 1), QColor(96, 200, 255, 28));
        if (inPlot(mx)) {
            p.setPen(QPen(kCompareColour, 1.5, Qt::DashLine));
            p.drawLine(QLineF(mx, 0, mx, plot.bottom()));
        }
        p.setPen(kCompareColour);
        p.drawText(footer.adjusted(6, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft,
                   QStringLiteral("Δ %1").arg(formatDuration(m_cursor - *m_compare)));
    } else {
        p.setPen(kAxisText);
        p.drawText(footer.adjusted(6, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft,
                   tr("%1 events").arg(groupedCount(eventCount())));
    }
    if (inPlot(cx)) {
        p.setPen(QPen(kCursorColour, 1.5));
        p.drawLine(QLineF(cx, 0, cx, plot.bottom()));
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(kCursorColour);
        const QPointF handle[] = {{cx - 6, 0}, {cx + 6, 0}, {cx, 8}};
        p.drawPolygon(handle, 3);
    }
    // The cursor's time, centred under the line but kept inside the widget (pinned to an edge when off screen).
    QString label = formatInstant(m_cursor, precisionUs);
    if (cx < plot.left() - 0.5) label.prepend(QStringLiteral("◀ "));
    if (cx > plot.right() + 1.5) label.append(QStringLiteral(" ▶"));
    const QFontMetrics fm(font());
    const int w = fm.horizontalAdvance(label) + 12;
    const int left = std::clamp(int(cx) - w / 2, kGutter, std::max(kGutter, width() - w - 2));
    const QRect box(left, footer.top() + 1, w, kFooterHeight - 2);
    p.setPen(Qt::NoPen);
    p.setBrush(kCursorColour);
    p.drawRoundedRect(box, 3, 3);
    p.setPen(Qt::black);
    p.drawText(box, Qt::AlignCenter, label);
    p.restore();
}

GestureView::Press TimelineView::pressKind(const QMouseEvent &event) const {
    if (event.button() == Qt::RightButton) return Press::Pan;
    const QPointF pos = event.position();
    const bool inTime = pos.x() >= kGutter && pos.y() <= plotArea().bottom(); // the axis or the lanes
    return event.button() == Qt::LeftButton && inTime ? Press::Draw : Press::Ignore;
}

void TimelineView::mousePressEvent(QMouseEvent *event) {
    const QPointF pos = event->position();
    const bool inTime = pos.x() >= kGutter && pos.y() <= plotArea().bottom();
    if (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier) && inTime) {
        m_compare = std::clamp(timeAt(pos.x()), rangeFromUs(), rangeToUs());
        update();
        emit compareChanged(m_compare);
        return;
    }
    TimelineBase::mousePressEvent(event);
}

void TimelineView::drawStarted(QPointF pressPos) {
    const int hit = eventNear(pressPos);
    m_pressedOnTick = hit >= 0;
    if (m_pressedOnTick) {
        const TimelineEvent &e = (*m_events)[size_t(hit)];
        m_selected = e;
        moveCursorByUser(e.timeUs);
        emit eventClicked(e.payload);
    } else {
        moveCursorByUser(std::clamp(timeAt(pressPos.x()), rangeFromUs(), rangeToUs()));
    }
    emitCursorThrottled();
}

void TimelineView::drawMoved(QPointF pos) {
    // A press on a tick keeps the cursor on that event through the jitter of a click.
    if (m_pressedOnTick && (pos - pressPos()).manhattanLength() <= kTickClickSlop) return;
    m_pressedOnTick = false;
    moveCursorByUser(std::clamp(timeAt(pos.x()), rangeFromUs(), rangeToUs()));
    emitCursorThrottled();
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event) {
    TimelineBase::mouseReleaseEvent(event);
    flushCursorSignal(); // the final position of a throttled drag always arrives
}

void TimelineView::keyPressEvent(QKeyEvent *event) {
    if (event->key() == Qt::Key_Escape) {
        if (!m_compare) return TimelineBase::keyPressEvent(event);
        m_compare.reset();
        update();
        emit compareChanged(std::nullopt);
        return;
    }
    if (!m_events || m_events->empty()) return TimelineBase::keyPressEvent(event);
    const auto &es = *m_events;
    std::optional<qint64> target;
    switch (event->key()) {
    case Qt::Key_Left: {
        const auto it =
            std::lower_bound(es.begin(), es.end(), m_cursor, [](const auto &e, qint64 t) { return e.timeUs < t; });
        if (it != es.begin()) target = std::prev(it)->timeUs;
        break;
    }
    case Qt::Key_Right: {
        const auto it =
            std::upper_bound(es.begin(), es.end(), m_cursor, [](qint64 t, const auto &e) { return t < e.timeUs; });
        if (it != es.end()) target = it->timeUs;
        break;
    }
    case Qt::Key_Home: target = es.front().timeUs; break;
    case Qt::Key_End: target = es.back().timeUs; break;
    default: return TimelineBase::keyPressEvent(event);
    }
    if (!target) return; // already at the first or last event
    moveCursorByUser(*target, event->key() == Qt::Key_End);
    ensureVisible(*target);
    // A key press is one discrete step: report it now rather than throttled.
    m_cursorSignalPending = true;
    flushCursorSignal();
}

} // namespace mnemo::ui
