#include "MemoryTimelineView.hpp"

#include "MemoryMapView.hpp"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

namespace mnemo::ui {

namespace {

constexpr int kGutter = 46;            // px: lane labels
constexpr int kRuler = 17;             // px: step axis
constexpr double kMinSpan = 10.0;      // steps across the plot at the deepest zoom
constexpr double kMinTickSpacing = 80; // px between step ticks
// The memory map's wheel step, so the two views next to each other zoom alike.
const double kZoomPerNotch = std::pow(1.0015, 120.0);
const QColor kBackground(18, 20, 26);
const QColor kReadColor(120, 200, 255);
const QColor kEvictColor(240, 72, 72);
const QColor kSelectColor(255, 228, 80);

QString compactStep(double step) {
    if (std::abs(step) >= 1e6) return QString::number(step / 1e6, 'f', 1) + "M";
    if (std::abs(step) >= 1e4) return QString::number(step / 1e3, 'f', 0) + "k";
    return QString::number(qlonglong(std::llround(step)));
}

double barHeight(double perStep, double maxPerStep, int laneHeight) {
    if (perStep <= 0 || maxPerStep <= 0) return 0;
    return laneHeight * (0.2 + 0.8 * std::log1p(perStep) / std::log1p(maxPerStep)); // log: single writes stay visible
}

} // namespace

MemoryTimelineView::MemoryTimelineView(QWidget *parent)
    : TimelineBase({kMinSpan, std::numeric_limits<double>::max()}, kZoomPerNotch, parent) {
    setObjectName("memoryTimeline");
    setMouseTracking(true);
    setMinimumHeight(64);
    setAttribute(Qt::WA_OpaquePaintEvent);
    fitView();
}

void MemoryTimelineView::setSnapshot(std::shared_ptr<const memory::MemorySnapshot> snapshot) {
    m_snapshot = std::move(snapshot);
    followData();
    update();
}

QRect MemoryTimelineView::plotArea() const {
    return rect().adjusted(kGutter, kRuler, -8, -3);
}

QRect MemoryTimelineView::writeLane() const {
    const QRect a = plotArea();
    return QRect(a.left(), a.top() + 2, a.width(), int(a.height() * 0.5) - 2);
}

QRect MemoryTimelineView::readLane() const {
    const QRect a = plotArea(), w = writeLane();
    return QRect(a.left(), w.bottom() + 3, a.width(), int(a.height() * 0.36) - 3);
}

std::optional<std::pair<double, double>> MemoryTimelineView::dataRange() const {
    const double now = m_snapshot ? double(m_snapshot->step) : 0.0;
    return std::pair(0.0, std::max(kMinSpan, now + std::max(1.0, now * 0.015))); // a little room right of "now"
}

std::optional<quint64> MemoryTimelineView::entryNearStep(double step, double tolerance) const {
    if (!m_snapshot || m_snapshot->entries.empty()) return std::nullopt;
    const auto &es = m_snapshot->entries;
    auto it = std::lower_bound(es.begin(), es.end(), step, [](const auto &e, double s) { return double(e.step) < s; });
    const memory::MemorySnapshot::Entry *best = nullptr;
    if (it != es.end()) best = &*it;
    if (it != es.begin()) {
        // The previous step's first entry, so that a step with several writes answers with its first.
        auto prev = std::prev(it);
        prev = std::lower_bound(es.begin(), prev, prev->step, [](const auto &e, uint64_t s) { return e.step < s; });
        if (!best || step - double(prev->step) <= double(best->step) - step) best = &*prev;
    }
    if (!best || std::abs(double(best->step) - step) > tolerance) return std::nullopt;
    return best->id;
}

void MemoryTimelineView::setSelectedEntry(std::optional<quint64> entryId) {
    m_selected = entryId;
    update();
}

const memory::MemorySnapshot::Entry *MemoryTimelineView::findEntry(quint64 entryId) const {
    if (!m_snapshot) return nullptr;
    const auto &es = m_snapshot->entries;
    auto it = std::lower_bound(es.begin(), es.end(), entryId, [](const auto &e, quint64 id) { return e.id < id; });
    return it != es.end() && it->id == entryId ? &*it : nullptr;
}

void MemoryTimelineView::jumpTo(quint64 entryId) {
    m_selected = entryId;
    if (const auto *entry = findEntry(entryId)) {
        // From the overview, "jump there" also zooms in; otherwise the zoom the user chose stays.
        const double full = lastVisibleStep() - firstVisibleStep();
        const double span = followsData() ? std::max(4 * kMinSpan, full / 8) : full;
        placeRange(double(entry->step) - span / 2, double(entry->step) + span / 2);
    }
    update();
}

std::vector<MemoryTimelineView::Column> MemoryTimelineView::binColumns() const {
    const QRect a = plotArea();
    std::vector<Column> cols(size_t(std::max(1, a.width())));
    if (!m_snapshot) return cols;
    const auto &s = *m_snapshot;
    auto colOf = [&](uint64_t step) { return int(std::floor(xAt(double(step)))) - a.left(); };
    auto inRange = [&](int c) { return c >= 0 && c < int(cols.size()); };
    // Writes: one binary search per column boundary, so 10k or 1M entries cost the same.
    const auto &es = s.entries;
    auto first = es.begin();
    for (size_t c = 0; c < cols.size() && first != es.end(); ++c) {
        const double end = stepAt(a.left() + double(c) + 1.0);
        auto last = std::lower_bound(first, es.end(), end, [](const auto &e, double v) { return double(e.step) < v; });
        if (c == 0)
            first = std::lower_bound(es.begin(), last, stepAt(a.left()),
                                     [](const auto &e, double v) { return double(e.step) < v; });
        cols[c].writes = int(last - first);
        // Whole steps in this column: heights use writes per step, so 1.4 steps per pixel does not stripe the lane.
        cols[c].steps = int(std::ceil(end) - std::ceil(stepAt(a.left() + double(c))));
        if (last != first) cols[c].age = MemoryMapView::ageFraction(s, first->step);
        first = last;
    }
    uint64_t oldestRead = UINT64_MAX;
    for (const auto &ev : s.recentEvents) {
        const int c = colOf(ev.step);
        if (ev.kind == memory::MemoryEventKind::Retrieve) oldestRead = std::min(oldestRead, ev.step);
        if (!inRange(c)) continue;
        if (ev.kind == memory::MemoryEventKind::Retrieve) ++cols[size_t(c)].reads;
        if (ev.kind == memory::MemoryEventKind::Evict) ++cols[size_t(c)].evictions;
    }
    // Reads older than the event window survive only as each entry's last read.
    for (const auto &e : es) {
        const int c = colOf(e.lastReadStep);
        if (e.readCount > 0 && e.lastReadStep < oldestRead && inRange(c)) ++cols[size_t(c)].reads;
    }
    return cols;
}

void MemoryTimelineView::paintEvent(QPaintEvent *) {
    QPainter p(this);
    p.fillRect(rect(), kBackground);
    QFont f = font();
    f.setPointSizeF(std::max(7.0, f.pointSizeF() * 0.85));
    p.setFont(f);
    const QRect area = plotArea();
    if (!m_snapshot || m_snapshot->entries.empty()) {
        p.setPen(QColor(130, 136, 150));
        p.drawText(area, Qt::AlignCenter, tr("Nothing written yet"));
        return;
    }
    const auto columns = binColumns();
    paintAxis(p, stepTicks(), tr("step"));
    paintLanes(p, columns);
    paintMarkers(p);
    paintHover(p, columns);
}

std::vector<TimelineBase::AxisTick> MemoryTimelineView::stepTicks() const {
    // Whole steps in round 1-2-5 multiples, as dense as kMinTickSpacing allows.
    const double span = lastVisibleStep() - firstVisibleStep(), pxPerStep = std::max(1, plotArea().width()) / span;
    double tick = std::pow(10.0, std::ceil(std::log10(std::max(1.0, kMinTickSpacing / pxPerStep))));
    if (tick / 5 * pxPerStep >= kMinTickSpacing && tick >= 5)
        tick /= 5;
    else if (tick / 2 * pxPerStep >= kMinTickSpacing && tick >= 2)
        tick /= 2;
    std::vector<AxisTick> ticks;
    for (double t = std::ceil(firstVisibleStep() / tick) * tick; t <= lastVisibleStep(); t += tick)
        ticks.push_back({t, compactStep(t)});
    return ticks;
}

void MemoryTimelineView::paintLanes(QPainter &p, const std::vector<Column> &columns) const {
    const QRect w = writeLane(), r = readLane(), area = plotArea();
    const QRect ev(area.left(), r.bottom() + 3, area.width(), std::max(4, area.bottom() - r.bottom() - 3));
    for (const QRect &lane : {w, r, ev})
        p.fillRect(lane, QColor(255, 255, 255, 7));
    p.setPen(QColor(150, 156, 170));
    p.drawText(QRect(4, w.top(), kGutter - 6, w.height()), Qt::AlignLeft | Qt::AlignVCenter, tr("write"));
    p.drawText(QRect(4, r.top(), kGutter - 6, r.height()), Qt::AlignLeft | Qt::AlignVCenter, tr("read"));
    p.drawText(QRect(4, ev.top() - 3, kGutter - 6, ev.height() + 6), Qt::AlignLeft | Qt::AlignVCenter, tr("evict"));
    double maxWrites = 1, maxReads = 1;
    for (const Column &c : columns) {
        maxWrites = std::max(maxWrites, double(c.writes) / std::max(1, c.steps));
        maxReads = std::max(maxReads, double(c.reads) / std::max(1, c.steps));
    }
    // Zoomed in, a step spans several pixels: widen the bars so single writes read as marks, not hairlines.
    const double pxPerStep = area.width() / (lastVisibleStep() - firstVisibleStep());
    const double barW = pxPerStep >= 2.0 ? pxPerStep * 0.7 : 1.0;
    for (size_t i = 0; i < columns.size(); ++i) {
        const Column &c = columns[i];
        const double x = area.left() + double(i);
        if (c.writes) {
            const double h = barHeight(double(c.writes) / std::max(1, c.steps), maxWrites, w.height());
            p.fillRect(QRectF(x, w.bottom() + 1 - h, barW, h), MemoryMapView::ageColor(c.age));
        }
        if (c.reads) {
            const double h = barHeight(double(c.reads) / std::max(1, c.steps), maxReads, r.height());
            p.fillRect(QRectF(x, r.bottom() + 1 - h, barW, h), kReadColor);
        }
        if (c.evictions) p.fillRect(QRectF(x, ev.top(), std::max(1.0, barW), ev.height()), kEvictColor);
    }
}

void MemoryTimelineView::paintMarkers(QPainter &p) const {
    const QRect area = plotArea(), w = writeLane(), r = readLane();
    p.setRenderHint(QPainter::Antialiasing);
    // The current picks, in the map legend's colours, over the steps that wrote them.
    const auto &picks = m_snapshot->lastRetrieval.picks;
    p.setPen(Qt::NoPen);
    for (size_t i = 0; i < picks.size(); ++i) {
        const auto *e = findEntry(picks[i].entryId);
        if (!e) continue;
        const double x = xAt(double(e->step));
        const QPointF tri[3] = {{x, w.top() + 7.0}, {x - 4, w.top() + 0.0}, {x + 4, w.top() + 0.0}};
        p.setBrush(MemoryMapView::pickColor(int(i)));
        p.drawConvexPolygon(tri, 3);
    }
    const double now = xAt(double(m_snapshot->step));
    p.setPen(QPen(QColor(255, 255, 255, 150), 1, Qt::DashLine));
    p.drawLine(QPointF(now, area.top()), QPointF(now, area.bottom()));
    const auto *e = m_selected ? findEntry(*m_selected) : nullptr;
    if (!e) return;
    const double x = xAt(double(e->step));
    p.setPen(QPen(kSelectColor, 1.5));
    p.drawLine(QPointF(x, area.top()), QPointF(x, w.bottom()));
    if (e->readCount > 0) { // and where it was last read, joined to its write
        const double rx = xAt(double(e->lastReadStep));
        p.drawLine(QPointF(rx, r.top()), QPointF(rx, r.bottom()));
        p.drawLine(QPointF(x, w.bottom()), QPointF(rx, r.top()));
    }
    const QString label = tr("entry %1, frame %2").arg(e->id).arg(e->frameIndex);
    const QRect box = p.fontMetrics().boundingRect(label).adjusted(-4, -1, 4, 1);
    const QPoint at(int(std::min(x + 5.0, double(width() - box.width() - 2))), w.top() + box.height() + 1);
    p.fillRect(box.translated(at), QColor(8, 10, 14, 220));
    p.drawText(at, label);
}

void MemoryTimelineView::paintHover(QPainter &p, const std::vector<Column> &columns) const {
    if (!m_hoverX) return;
    const QRect area = plotArea();
    const int c = int(*m_hoverX) - area.left();
    if (c < 0 || c >= int(columns.size())) return;
    p.setPen(QColor(255, 255, 255, 90));
    p.drawLine(QPointF(*m_hoverX, area.top()), QPointF(*m_hoverX, area.bottom()));
    const Column &col = columns[size_t(c)];
    const double s0 = std::max(0.0, stepAt(area.left() + c)), s1 = stepAt(area.left() + c + 1);
    const QString range = std::ceil(s0) >= std::ceil(s1) - 1
                              ? compactStep(std::ceil(s0))
                              : compactStep(std::ceil(s0)) + "-" + compactStep(std::ceil(s1) - 1);
    const QString text =
        tr("step %1: %2 written, %3 read, %4 evicted").arg(range).arg(col.writes).arg(col.reads).arg(col.evictions);
    const QFontMetrics fm = p.fontMetrics();
    const int tw = fm.horizontalAdvance(text) + 10;
    const double x = *m_hoverX + 8 + tw > width() ? *m_hoverX - 8 - tw : *m_hoverX + 8;
    const QRectF box(x, area.top() + 2, tw, fm.height() + 4);
    p.fillRect(box, QColor(8, 10, 14, 230));
    p.setPen(QColor(225, 228, 236));
    p.drawText(box, Qt::AlignCenter, text);
}

void MemoryTimelineView::mouseMoveEvent(QMouseEvent *event) {
    TimelineBase::mouseMoveEvent(event);
    m_hoverX = event->position().x();
    update();
}

void MemoryTimelineView::clicked(QPointF pos) {
    if (pos.y() < writeLane().top() || pos.y() > writeLane().bottom()) return;
    const double tolerance = 6.0 * (lastVisibleStep() - firstVisibleStep()) / std::max(1, plotArea().width());
    if (const auto id = entryNearStep(stepAt(pos.x()), std::max(0.5, tolerance))) {
        setSelectedEntry(*id);
        emit entryClicked(*id);
    }
}

void MemoryTimelineView::leaveEvent(QEvent *) {
    m_hoverX.reset();
    update();
}

} // namespace mnemo::ui
