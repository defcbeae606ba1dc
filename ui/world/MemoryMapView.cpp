#include "MemoryMapView.hpp"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace mnemo::ui {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kCell = 12;            // px: entries in one cell share a glyph when clustering
constexpr int kIndividualMax = 600;  // up to this many visible entries every one gets its own cone
constexpr double kHoverRadius = 7.0; // px
constexpr double kConeLength = 18.0; // px, independent of the zoom so cones stay legible
constexpr size_t kMaxSamplePoints = 4000;
constexpr double kMinExtent = 20.0; // world units: the smallest area the auto-fit shows
constexpr double kFitMargin = 12.0; // px around the auto-fit
constexpr double kMinScale = 1e-4;  // px per world unit
constexpr double kMaxScale = 1e5;
// 1.0015 per eighth of a degree of wheel, about 1.2x a notch: a little finer than the inspector's maps (1.25x).
const double kZoomPerNotch = std::pow(1.0015, 120.0);
const QColor kBackground(18, 20, 26);

QColor lerp(const QColor &a, const QColor &b, double t) {
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

// Rotates a screen direction by `angle` radians (clockwise on screen, since y points down).
QPointF rotated(QPointF d, double angle) {
    const double c = std::cos(angle), s = std::sin(angle);
    return {d.x() * c - d.y() * s, d.x() * s + d.y() * c};
}

// A fan from `apex` along `dir` with the given half-angle; a disc when the fan would close.
void drawCone(QPainter &p, QPointF apex, QPointF dir, double halfAngle, double length) {
    if (halfAngle >= kPi * 0.92) {
        p.drawEllipse(apex, length * 0.55, length * 0.55);
        return;
    }
    const int arcPoints = std::clamp(int(halfAngle / 0.3) + 2, 3, 10);
    QPointF poly[12];
    poly[0] = apex;
    for (int i = 0; i < arcPoints; ++i) {
        const double a = -halfAngle + 2.0 * halfAngle * i / (arcPoints - 1);
        poly[i + 1] = apex + rotated(dir, a) * length;
    }
    p.drawConvexPolygon(poly, arcPoints + 1);
}

QFont smallFont(QFont f, bool bold = false) {
    f.setPointSizeF(std::max(7.0, f.pointSizeF() * 0.85));
    f.setBold(bold);
    return f;
}

} // namespace

MemoryMapView::MemoryMapView(QWidget *parent)
    : PanZoomView(MapViewport{.xLeft = true, .yDown = false}, kZoomPerNotch, parent) {
    setObjectName("memoryMap");
    setMouseTracking(true);
    setMinimumSize(200, 120);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

QColor MemoryMapView::ageColor(double t) {
    // Old entries recede (dark blue), recent ones stand out (teal -> amber); reads as "cool = old" at a glance.
    static const QColor stops[] = {QColor(42, 58, 118), QColor(48, 120, 168), QColor(64, 182, 160),
                                   QColor(214, 196, 88), QColor(255, 150, 60)};
    t = std::clamp(t, 0.0, 1.0) * 4.0;
    const int i = std::min(int(t), 3);
    return lerp(stops[i], stops[i + 1], t - i);
}

QColor MemoryMapView::pickColor(int pick) {
    static const QColor colors[] = {QColor(255, 84, 104),  QColor(92, 230, 120),  QColor(255, 176, 64),
                                    QColor(186, 140, 255), QColor(255, 120, 214), QColor(96, 210, 255),
                                    QColor(240, 240, 120), QColor(140, 150, 255)};
    return colors[std::abs(pick) % 8];
}

double MemoryMapView::ageFraction(const memory::MemorySnapshot &s, uint64_t step) {
    if (s.entries.empty()) return 1.0;
    const uint64_t first = s.entries.front().step;
    const uint64_t last = std::max(s.step, s.entries.back().step);
    return last > first ? double(step - std::min(step, first)) / double(last - first) : 1.0;
}

QImage MemoryMapView::thumbnail(const memory::MemorySnapshot::Entry &e) const {
    if (!e.thumbnail || e.thumbWidth == 0 || e.thumbHeight == 0 ||
        e.thumbnail->size() < size_t(e.thumbWidth) * e.thumbHeight * 4) {
        return {};
    }
    auto it = m_thumbs.find(e.id);
    if (it != m_thumbs.end() && it->data == e.thumbnail.get()) return it->image;
    if (m_thumbs.size() > 512) m_thumbs.clear(); // only picks and hovered entries land here
    QImage image(e.thumbnail->data(), int(e.thumbWidth), int(e.thumbHeight), int(e.thumbWidth) * 4,
                 QImage::Format_RGBA8888);
    CachedThumb cached{e.thumbnail.get(), image.copy()};
    m_thumbs.insert(e.id, cached);
    return cached.image;
}

void MemoryMapView::setSnapshot(std::shared_ptr<const memory::MemorySnapshot> snapshot) {
    m_snapshot = std::move(snapshot);
    updateFitBounds();
    if (!isFitted()) followCamera();
    invalidateLayout();
}

void MemoryMapView::invalidateLayout() {
    m_layout.valid = false;
    m_baseValid = false;
    update();
}

void MemoryMapView::setDisplayedCamera(const std::optional<camera::CameraFrame> &camera) {
    // Published ten times a second: a still camera must not repaint the map each time.
    const bool same = camera && m_displayedCamera ? camera->c2w == m_displayedCamera->c2w : !camera && !m_displayedCamera;
    if (same) return;
    m_displayedCamera = camera;
    update();
}

// The camera of the frame on screen when the session said which it is, else the newest the snapshot knows.
const camera::CameraFrame *MemoryMapView::shownCamera() const {
    if (m_displayedCamera) return &*m_displayedCamera;
    return m_snapshot && m_snapshot->hasCamera ? &m_snapshot->currentCamera : nullptr;
}

void MemoryMapView::updateFitBounds() {
    if (!m_snapshot) return;
    double x0 = 1e300, z0 = 1e300, x1 = -1e300, z1 = -1e300;
    auto include = [&](double x, double z) {
        x0 = std::min(x0, x), x1 = std::max(x1, x), z0 = std::min(z0, z), z1 = std::max(z1, z);
    };
    for (const auto &e : m_snapshot->entries)
        include(e.x, e.z);
    if (const camera::CameraFrame *camera = shownCamera()) include(camera->c2w[12], camera->c2w[14]);
    if (x0 > x1) return;
    QRectF tight(QPointF(x0, z0), QPointF(x1, z1));
    const double growX = std::max(0.0, kMinExtent - tight.width()) / 2;
    const double growZ = std::max(0.0, kMinExtent - tight.height()) / 2;
    tight.adjust(-growX, -growZ, growX, growZ);
    const bool fits = m_fitBounds.isValid() && m_fitBounds.contains(tight);
    // Refit from scratch only when the data shrank a lot (bank cleared, FIFO walked away); otherwise grow with slack
    // so that walking on does not rescale the map every step.
    if (fits && tight.width() * tight.height() > 0.2 * m_fitBounds.width() * m_fitBounds.height()) return;
    const QRectF grown = fits || !m_fitBounds.isValid() ? tight : m_fitBounds.united(tight);
    const double padX = grown.width() * 0.08, padZ = grown.height() * 0.08;
    m_fitBounds = grown.adjusted(-padX, -padZ, padX, padZ);
}

void MemoryMapView::followCamera() {
    QPointF pos, dir;
    if (!cameraPose(pos, dir)) return;
    const bool visible = rect().contains(pos.toPoint());
    // Re-centre only when the camera walks off screen, not when the user panned away from it on purpose.
    if (!visible && m_cameraWasVisible) {
        const auto &c2w = shownCamera()->c2w;
        setViewCentre(QPointF(c2w[12], c2w[14]));
    }
    m_cameraWasVisible = visible || m_cameraWasVisible;
}

std::optional<MapViewport> MemoryMapView::fittedView() const {
    if (m_fitBounds.isValid()) return MapViewport::fit(m_fitBounds, size(), {kFitMargin, 0.0});
    MapViewport nothingYet; // before the first entry: ten pixels a metre around the origin
    nothingYet.scale = 10.0;
    return nothingYet;
}

MemoryMapView::ScaleRange MemoryMapView::scaleRange(double) const {
    return {kMinScale, kMaxScale};
}

void MemoryMapView::viewChanged(ViewChange change) {
    // Panning away from the camera is on purpose; zooming or fitting makes following it fine again.
    m_cameraWasVisible = change != ViewChange::Panned;
    invalidateLayout();
}

GestureView::Press MemoryMapView::pressKind(const QMouseEvent &event) const {
    return event.button() == Qt::LeftButton ? Press::ClickOrPan : Press::Ignore;
}

void MemoryMapView::clicked(QPointF pos) {
    if (const auto id = entryAt(pos)) {
        setSelectedEntry(*id);
        emit entryActivated(*id);
    }
}

QPointF MemoryMapView::headingOnScreen(float yawDeg) const {
    // World forward is (-sin yaw, cos yaw) in (x, z); with +x left and +z up that is (sin yaw, -cos yaw) on screen.
    const double r = yawDeg * kPi / 180.0;
    return {std::sin(r), -std::cos(r)};
}

bool MemoryMapView::cameraPose(QPointF &pos, QPointF &dir) const {
    const camera::CameraFrame *camera = shownCamera();
    if (!camera) return false;
    const auto &m = camera->c2w;
    pos = worldToScreen(m[12], m[14]);
    const double yaw = std::atan2(-double(m[8]), double(m[10])) * 180.0 / kPi;
    dir = headingOnScreen(float(yaw));
    return true;
}

void MemoryMapView::setSelectedEntry(std::optional<quint64> entryId) {
    m_selected = entryId;
    update();
}

int MemoryMapView::indexOf(quint64 entryId) const {
    if (!m_snapshot) return -1;
    const auto &es = m_snapshot->entries;
    auto it = std::lower_bound(es.begin(), es.end(), entryId, [](const auto &e, quint64 id) { return e.id < id; });
    return it != es.end() && it->id == entryId ? int(it - es.begin()) : -1;
}

std::optional<QPointF> MemoryMapView::screenPosition(quint64 entryId) const {
    const int i = indexOf(entryId);
    if (i < 0) return std::nullopt;
    const auto &e = m_snapshot->entries[size_t(i)];
    return worldToScreen(e.x, e.z);
}

std::optional<quint64> MemoryMapView::entryAt(QPointF pos) const {
    const auto i = nearestIndex(pos, kHoverRadius);
    if (!i) return std::nullopt;
    return m_snapshot->entries[size_t(*i)].id;
}

std::optional<quint64> MemoryMapView::hoveredEntry() const {
    return m_hoverPos ? entryAt(*m_hoverPos) : std::nullopt;
}

void MemoryMapView::ensureLayout() const {
    if (m_layout.valid || !m_snapshot) return;
    Layout &l = m_layout;
    const auto &es = m_snapshot->entries;
    l.screen.resize(es.size());
    const MapViewport v = view();
    for (size_t i = 0; i < es.size(); ++i)
        l.screen[i] = v.toScreen(es[i].x, es[i].z);
    binVisible(l);
    buildGlyphs(l);
    l.valid = true;
}

void MemoryMapView::binVisible(Layout &l) const {
    // Counting sort of the visible entries into screen cells: O(n) and no allocation per cell.
    l.cols = width() / kCell + 1;
    l.rows = height() / kCell + 1;
    l.cellStart.assign(size_t(l.cols * l.rows + 1), 0);
    std::vector<int> cellOf(l.screen.size(), -1);
    l.visible = 0;
    for (size_t i = 0; i < l.screen.size(); ++i) {
        const QPointF q = l.screen[i];
        if (q.x() < 0 || q.y() < 0 || q.x() >= width() || q.y() >= height()) continue;
        cellOf[i] = int(q.y()) / kCell * l.cols + int(q.x()) / kCell;
        ++l.cellStart[size_t(cellOf[i]) + 1];
        ++l.visible;
    }
    for (size_t c = 1; c < l.cellStart.size(); ++c)
        l.cellStart[c] += l.cellStart[c - 1];
    l.cellItems.assign(size_t(l.visible), 0);
    std::vector<int> fill(l.cellStart.begin(), l.cellStart.end() - 1);
    for (size_t i = 0; i < cellOf.size(); ++i) {
        if (cellOf[i] >= 0) l.cellItems[size_t(fill[size_t(cellOf[i])]++)] = int(i);
    }
}

void MemoryMapView::buildGlyphs(Layout &l) const {
    const auto &s = *m_snapshot;
    l.glyphs.clear();
    l.glyphOf.assign(s.entries.size(), -1);
    l.clustered = l.visible > kIndividualMax;
    if (!l.clustered) { // every entry near the screen, oldest first so the newest end up on top
        const QRectF area = QRectF(rect()).adjusted(-kConeLength, -kConeLength, kConeLength, kConeLength);
        for (size_t i = 0; i < s.entries.size(); ++i) {
            const auto &e = s.entries[i];
            if (!area.contains(l.screen[i])) continue;
            l.glyphOf[i] = int(l.glyphs.size());
            l.glyphs.push_back({l.screen[i], headingOnScreen(e.yawDeg), 0.f, 1, float(ageFraction(s, e.step)),
                                e.readCount > 0 ? 1.f : 0.f});
        }
        return;
    }
    // One glyph per occupied cell, at the members' centroid, along their mean heading, widened by their spread.
    for (size_t c = 0; c + 1 < l.cellStart.size(); ++c) {
        const int begin = l.cellStart[c], end = l.cellStart[c + 1];
        if (begin == end) continue;
        QPointF sum, heading;
        double age = 0, read = 0;
        for (int k = begin; k < end; ++k) {
            const size_t i = size_t(l.cellItems[size_t(k)]);
            sum += l.screen[i];
            heading += headingOnScreen(s.entries[i].yawDeg);
            age += ageFraction(s, s.entries[i].step);
            read += s.entries[i].readCount > 0;
            l.glyphOf[i] = int(l.glyphs.size());
        }
        const double n = end - begin, r = std::hypot(heading.x(), heading.y()) / n; // mean resultant length
        const QPointF dir = r > 1e-3 ? heading / (n * r) : QPointF(0, -1);
        const double spread = std::min(kPi, std::sqrt(-2.0 * std::log(std::max(r, 1e-6)))); // circular std dev
        l.glyphs.push_back({sum / n, dir, float(spread), int(n), float(age / n), float(read / n)});
    }
}

std::optional<int> MemoryMapView::nearestIndex(QPointF pos, double radius) const {
    ensureLayout();
    const Layout &l = m_layout;
    if (!l.valid || l.cols == 0) return std::nullopt;
    const int c0 = std::max(0, int((pos.x() - radius) / kCell)),
              c1 = std::min(l.cols - 1, int((pos.x() + radius) / kCell));
    const int r0 = std::max(0, int((pos.y() - radius) / kCell)),
              r1 = std::min(l.rows - 1, int((pos.y() + radius) / kCell));
    std::optional<int> best;
    double bestD2 = radius * radius;
    for (int r = r0; r <= r1; ++r) {
        for (int c = c0; c <= c1; ++c) {
            const size_t cell = size_t(r * l.cols + c);
            for (int k = l.cellStart[cell]; k < l.cellStart[cell + 1]; ++k) {
                const int i = l.cellItems[size_t(k)];
                const QPointF d = l.screen[size_t(i)] - pos;
                const double d2 = QPointF::dotProduct(d, d);
                if (d2 < bestD2 || (d2 == bestD2 && best && i > *best)) bestD2 = d2, best = i; // ties: the newest
            }
        }
    }
    return best;
}

void MemoryMapView::paintEvent(QPaintEvent *) {
    QPainter p(this);
    if (!m_snapshot || (m_snapshot->entries.empty() && !shownCamera())) {
        paintEmpty(p);
        return;
    }
    ensureLayout();
    if (!m_baseValid) renderBase();
    p.drawPixmap(0, 0, m_base);
    p.setRenderHint(QPainter::Antialiasing);
    paintSelection(p);
    paintStatus(p);
    paintLegend(p);
    paintHover(p);
}

void MemoryMapView::renderBase() {
    const qreal dpr = devicePixelRatioF();
    m_base = QPixmap(size() * dpr);
    m_base.setDevicePixelRatio(dpr);
    m_base.fill(kBackground);
    QPainter p(&m_base);
    p.setRenderHint(QPainter::Antialiasing);
    paintGrid(p);
    paintCones(p);
    paintTrajectory(p);
    paintSamples(p);
    paintPicks(p);
    paintCamera(p);
    m_baseValid = true;
}

void MemoryMapView::paintEmpty(QPainter &p) const {
    p.fillRect(rect(), kBackground);
    p.setPen(QColor(170, 176, 190));
    p.drawText(rect(), Qt::AlignCenter, tr("No memory yet: walk in the World viewport"));
}

void MemoryMapView::paintGrid(QPainter &p) const {
    const double s = scale();
    double step = std::pow(10.0, std::ceil(std::log10(48.0 / s)));
    if (step * s / 5 >= 48.0)
        step /= 5;
    else if (step * s / 2 >= 48.0)
        step /= 2;
    const QPointF a = screenToWorld(QPointF(width(), height())), b = screenToWorld(QPointF(0, 0)); // min, max corners
    if ((b.x() - a.x()) / step > 400 || (b.y() - a.y()) / step > 400) return;
    for (double x = std::floor(a.x() / step) * step; x <= b.x(); x += step) {
        p.setPen(QColor(255, 255, 255, std::abs(x) < step / 2 ? 46 : 14));
        const double sx = worldToScreen(x, 0).x();
        p.drawLine(QPointF(sx, 0), QPointF(sx, height()));
    }
    for (double z = std::floor(a.y() / step) * step; z <= b.y(); z += step) {
        p.setPen(QColor(255, 255, 255, std::abs(z) < step / 2 ? 46 : 14));
        const double sy = worldToScreen(0, z).y();
        p.drawLine(QPointF(0, sy), QPointF(width(), sy));
    }
}

void MemoryMapView::paintSamples(QPainter &p) const {
    const auto &r = m_snapshot->lastRetrieval;
    if (r.queryPoints.empty()) return;
    // A deterministic stride keeps the cost bounded and the picture stable from one paint to the next.
    const size_t stride = (r.queryPoints.size() + kMaxSamplePoints - 1) / kMaxSamplePoints;
    std::vector<QVector<QPointF>> byPick(r.picks.size() + 1); // last: not covered
    const MapViewport v = view();
    for (size_t i = 0; i < r.queryPoints.size(); i += stride) {
        const int32_t pick = i < r.pointCoveredBy.size() ? r.pointCoveredBy[i] : -1;
        const size_t group = pick >= 0 && size_t(pick) < r.picks.size() ? size_t(pick) : r.picks.size();
        byPick[group].push_back(v.toScreen(r.queryPoints[i][0], r.queryPoints[i][2]));
    }
    for (size_t g = 0; g < byPick.size(); ++g) {
        QColor c = g < r.picks.size() ? pickColor(int(g)) : QColor(150, 154, 166);
        c.setAlpha(g < r.picks.size() ? 220 : 90);
        p.setPen(QPen(c, 2.6, Qt::SolidLine, Qt::RoundCap));
        p.drawPoints(byPick[g].constData(), int(byPick[g].size()));
    }
}

void MemoryMapView::paintTrajectory(QPainter &p) const {
    const auto &pts = m_layout.screen;
    if (pts.size() < 2) return;
    // Coloured by age in a few runs; points closer than a pixel to the last kept one are dropped (10k -> ~1k).
    const size_t runs = 24, perRun = (pts.size() + runs - 1) / runs;
    for (size_t start = 0; start + 1 < pts.size(); start += perRun) {
        const size_t end = std::min(pts.size() - 1, start + perRun);
        QPolygonF line;
        line << pts[start];
        for (size_t i = start + 1; i <= end; ++i) {
            const QPointF d = pts[i] - line.last();
            if (i == end || std::abs(d.x()) + std::abs(d.y()) > 1.5) line << pts[i];
        }
        QColor c = ageColor(ageFraction(*m_snapshot, m_snapshot->entries[start].step)).lighter(130);
        c.setAlpha(m_layout.clustered ? 90 : 150); // over the cones: the path stays legible without hiding them
        p.setPen(QPen(c, 1.0));
        p.drawPolyline(line);
    }
}

void MemoryMapView::paintCones(QPainter &p) {
    const double half = m_snapshot->retrievalParams.hfovDeg * kPi / 360.0;
    m_drawnCones = m_drawnClusters = 0;
    for (const Glyph &g : m_layout.glyphs) {
        // Clustered glyphs stay about a cell long so that neighbours tile instead of burying each other; their
        // opacity tells how many entries they stand for.
        const double len = m_layout.clustered ? std::min(12.0, 8.0 + std::log2(double(g.count))) : kConeLength;
        QColor fill = ageColor(g.age);
        fill.setAlpha(g.count == 1 ? 150 : std::min(230, 80 + int(30 * std::log2(double(g.count)))));
        p.setBrush(fill);
        if (g.readFraction > 0)
            p.setPen(QPen(QColor(235, 245, 255, 60 + int(170 * g.readFraction)), 1.0));
        else
            p.setPen(Qt::NoPen);
        drawCone(p, g.pos, g.dir, std::min(kPi, half + g.spread), len);
        ++m_drawnCones;
        m_drawnClusters += g.count > 1;
    }
}

void MemoryMapView::paintPicks(QPainter &p) const {
    const auto &picks = m_snapshot->lastRetrieval.picks;
    QPointF cam, camDir;
    const bool hasCam = cameraPose(cam, camDir);
    const double half = m_snapshot->retrievalParams.hfovDeg * kPi / 360.0;
    p.setFont(smallFont(font(), true));
    for (int i = int(picks.size()) - 1; i >= 0; --i) {
        const int idx = indexOf(picks[size_t(i)].entryId);
        if (idx < 0) continue;
        const auto &e = m_snapshot->entries[size_t(idx)];
        const QPointF pos = m_layout.screen[size_t(idx)];
        const QColor c = pickColor(i);
        if (hasCam) {
            p.setPen(QPen(QColor(c.red(), c.green(), c.blue(), 150), 1.2, Qt::DashLine));
            p.drawLine(cam, pos);
        }
        p.setPen(QPen(c.lighter(130), 1.8));
        p.setBrush(QColor(c.red(), c.green(), c.blue(), 150));
        drawCone(p, pos, headingOnScreen(e.yawDeg), half, 26.0);
        p.setPen(QColor(0, 0, 0, 200));
        p.drawText(pos + QPointF(7, -5), QString::number(i + 1));
        p.setPen(c.lighter(140));
        p.drawText(pos + QPointF(6, -6), QString::number(i + 1));
    }
}

void MemoryMapView::paintCamera(QPainter &p) const {
    QPointF pos, dir;
    if (!cameraPose(pos, dir)) return;
    p.setPen(QPen(QColor(255, 255, 255, 230), 1.6));
    p.setBrush(QColor(255, 255, 255, 48));
    drawCone(p, pos, dir, m_snapshot->retrievalParams.hfovDeg * kPi / 360.0, 46.0);
    p.drawLine(pos, pos + dir * 30.0);
    p.setPen(QPen(kBackground, 1.5));
    p.setBrush(Qt::white);
    p.drawEllipse(pos, 5.0, 5.0);
}

void MemoryMapView::paintSelection(QPainter &p) const {
    if (!m_selected) return;
    const auto pos = screenPosition(*m_selected);
    if (!pos) return;
    p.setPen(QPen(QColor(255, 228, 80), 2.0));
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(*pos, 9.0, 9.0);
    for (const QPointF d : {QPointF(1, 0), QPointF(-1, 0), QPointF(0, 1), QPointF(0, -1)}) {
        p.drawLine(*pos + d * 10, *pos + d * 15);
    }
}

void MemoryMapView::paintLegend(QPainter &p) const {
    const auto &picks = m_snapshot->lastRetrieval.picks;
    if (picks.empty()) return;
    const int rowH = 31, boxW = 232;
    // The legend describes the map: it never covers more than a third of it. A narrow map gets the count only (the
    // picks are still drawn on the map, and the Memory panel's timeline lists them).
    const bool roomForRows = width() >= 2 * boxW;
    const int rows = roomForRows ? std::min(int(picks.size()), std::max(0, (height() / 3 - 24) / rowH)) : 0;
    p.setFont(smallFont(font()));
    const QString title =
        tr("Retrieved: %1 of %2 candidates").arg(picks.size()).arg(m_snapshot->lastRetrieval.candidates);
    // Without rows the count sits under the status box, as wide as its text.
    const QRect box = roomForRows ? QRect(width() - boxW - 8, 8, boxW, 24 + rows * rowH)
                                  : QRect(4, 44, p.fontMetrics().horizontalAdvance(title) + 16, 22);
    p.setPen(QColor(255, 255, 255, 36));
    p.setBrush(QColor(8, 10, 14, 220));
    p.drawRoundedRect(box, 4, 4);
    p.setPen(QColor(210, 214, 224));
    p.drawText(box.adjusted(8, 4, -8, 0), Qt::AlignLeft | Qt::AlignTop, title);
    for (int i = 0; i < rows; ++i) {
        const auto &pick = picks[size_t(i)];
        const QRect row(box.left() + 8, box.top() + 22 + i * rowH, boxW - 16, rowH - 4);
        p.fillRect(QRect(row.left(), row.top(), 4, row.height()), pickColor(i));
        const QRect thumb(row.left() + 8, row.top(), 48, 27);
        const int idx = indexOf(pick.entryId);
        const QImage image = idx >= 0 ? thumbnail(m_snapshot->entries[size_t(idx)]) : QImage();
        if (image.isNull())
            p.fillRect(thumb, QColor(40, 44, 54));
        else
            p.drawImage(thumb, image);
        const QRect text = row.adjusted(62, -1, 0, 0);
        p.setPen(pickColor(i).lighter(120));
        p.drawText(text, Qt::AlignLeft | Qt::AlignTop,
                   QStringLiteral("#%1  f%2  id %3").arg(i + 1).arg(pick.frameIndex).arg(pick.entryId));
        p.setPen(QColor(200, 204, 214));
        p.drawText(text, Qt::AlignLeft | Qt::AlignBottom,
                   tr("score %1  cov %2%  ovl %3%")
                       .arg(pick.score, 0, 'f', 2)
                       .arg(qRound(pick.covered * 100))
                       .arg(qRound(pick.overlap * 100)));
    }
}

void MemoryMapView::paintStatus(QPainter &p) const {
    p.setFont(smallFont(font()));
    p.fillRect(QRect(4, 4, std::min(360, width() - 8), 36), QColor(8, 10, 14, 170));
    p.setPen(QColor(190, 196, 208));
    const QString mode = m_layout.clustered ? tr(", clustered per %1 px").arg(kCell) : QString();
    p.drawText(QPointF(10, 18), tr("%1 entries, %2 on screen as %3 cones%4")
                                    .arg(m_snapshot->entries.size())
                                    .arg(m_layout.visible)
                                    .arg(m_drawnCones)
                                    .arg(mode));
    p.setPen(QColor(130, 136, 150));
    p.drawText(QPointF(10, 34), isFitted() ? tr("wheel: zoom, drag: pan") : tr("double-click: fit all"));
    // Scale bar: a round length that is at least 60 px.
    const double s = scale();
    double len = std::pow(10.0, std::ceil(std::log10(60.0 / s)));
    if (len * s / 2 >= 60.0) len /= 2;
    const double px = len * s, y = height() - 12.0;
    p.setPen(QPen(QColor(200, 204, 214), 1.5));
    p.drawLine(QPointF(10, y), QPointF(10 + px, y));
    p.drawLine(QPointF(10, y - 4), QPointF(10, y));
    p.drawLine(QPointF(10 + px, y - 4), QPointF(10 + px, y));
    p.drawText(QPointF(16 + px, y + 4), QStringLiteral("%1 m").arg(len));
    // Compass: +z up, +x left (the map is seen from above with the camera's right on the right).
    const QPointF o(22, y - 26);
    p.drawLine(o, o + QPointF(0, -14));
    p.drawLine(o, o + QPointF(-12, 0));
    p.drawText(o + QPointF(-6, -16), QStringLiteral("+z"));
    p.drawText(o + QPointF(4, 4), QStringLiteral("+x \u2190"));
    // Age scale, the same one the timeline's write lane uses.
    const QRectF bar(width() - 118, height() - 16, 80, 6);
    QLinearGradient g(bar.topLeft(), bar.topRight());
    for (int i = 0; i <= 4; ++i)
        g.setColorAt(i / 4.0, ageColor(i / 4.0));
    p.fillRect(bar, g);
    p.drawText(QPointF(bar.left() - 26, bar.bottom() + 1), tr("old"));
    p.drawText(QPointF(bar.right() + 5, bar.bottom() + 1), tr("new"));
}

QStringList MemoryMapView::describe(int index) const {
    const auto &e = m_snapshot->entries[size_t(index)];
    const int glyph = m_layout.glyphOf[size_t(index)];
    const int members = glyph >= 0 ? m_layout.glyphs[size_t(glyph)].count : 1;
    QStringList lines{
        tr("entry %1, frame %2").arg(e.id).arg(e.frameIndex),
        tr("written in step %1 (%2 ago)").arg(e.step).arg(m_snapshot->step - std::min(m_snapshot->step, e.step)),
        e.readCount ? tr("read %1x, last in step %2").arg(e.readCount).arg(e.lastReadStep) : tr("never read"),
        tr("x %1  y %2  z %3").arg(e.x, 0, 'f', 1).arg(e.y, 0, 'f', 1).arg(e.z, 0, 'f', 1),
        tr("yaw %1\u00b0  pitch %2\u00b0").arg(e.yawDeg, 0, 'f', 0).arg(e.pitchDeg, 0, 'f', 0)};
    if (members > 1) lines << tr("+%1 more here: zoom in").arg(members - 1);
    return lines;
}

void MemoryMapView::paintHover(QPainter &p) const {
    const auto index = m_hoverPos ? nearestIndex(*m_hoverPos, kHoverRadius) : std::nullopt;
    if (!index) return;
    const QPointF pos = m_layout.screen[size_t(*index)];
    p.setPen(QPen(Qt::white, 1.5));
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(pos, 6.0, 6.0);
    const QStringList lines = describe(*index);
    const QImage image = thumbnail(m_snapshot->entries[size_t(*index)]);
    const QSize thumb = image.isNull() ? QSize() : image.size().scaled(128, 72, Qt::KeepAspectRatio);
    const QFontMetrics fm(p.font());
    int textW = 0;
    for (const QString &l : lines)
        textW = std::max(textW, fm.horizontalAdvance(l));
    const int thumbH = thumb.isEmpty() ? 0 : thumb.height() + 6;
    const QSize size(std::max(textW, thumb.width()) + 16, thumbH + fm.height() * int(lines.size()) + 12);
    // Beside the cursor, flipped to the other side near the right and bottom edges.
    QPoint at = (pos + QPointF(14, 14)).toPoint();
    if (at.x() + size.width() > width()) at.setX(int(pos.x()) - 14 - size.width());
    if (at.y() + size.height() > height()) at.setY(std::max(0, height() - size.height()));
    const QRect box(at, size);
    p.setPen(QColor(255, 255, 255, 70));
    p.setBrush(QColor(8, 10, 14, 235));
    p.drawRoundedRect(box, 4, 4);
    if (!thumb.isEmpty()) p.drawImage(QRect(box.topLeft() + QPoint(8, 6), thumb), image);
    p.setPen(QColor(225, 228, 236));
    for (int i = 0; i < lines.size(); ++i) {
        p.drawText(QPoint(box.left() + 8, box.top() + 6 + thumbH + i * fm.height() + fm.ascent()), lines[i]);
    }
}

void MemoryMapView::resizeEvent(QResizeEvent *) {
    invalidateLayout();
}

void MemoryMapView::mouseMoveEvent(QMouseEvent *event) {
    PanZoomView::mouseMoveEvent(event);
    m_hoverPos = event->position();
    update();
}

void MemoryMapView::leaveEvent(QEvent *) {
    m_hoverPos.reset();
    update();
}

} // namespace mnemo::ui
