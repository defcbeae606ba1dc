// The inspector's three custom views under QT_QPA_PLATFORM=offscreen, fed synthetic data: the embedding map draws
// each point in its palette colour where toScreen() says it is, picks and lassos exactly the right points (checked
// against brute force), and takes a million points; the graph view lays out without NaNs, pulls linked nodes
// together, reports clicks and trims to its node cap; the timeline moves its cursor on click, drag and keys, sets and
// clears the compare marker, selects ticks, follows live data and switches to histograms when dense.
#include "inspect/widgets/EmbeddingMapView.hpp"
#include "inspect/widgets/GraphView.hpp"
#include "inspect/widgets/InspectStyle.hpp"
#include "common/TimeAxis.hpp"
#include "inspect/widgets/TimelineView.hpp"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>
#include <QThreadPool>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <set>

using namespace mnemo::ui;

namespace {

constexpr QSize kViewSize(800, 500);
constexpr double kPi = 3.14159265358979323846;
constexpr int kAsyncTimeoutMs = 20000;

// Set MNEMO_SCREENSHOT_DIR to keep a PNG of a view.
void keepScreenshot(QWidget &w, const QString &name) {
    const QString dir = qEnvironmentVariable("MNEMO_SCREENSHOT_DIR");
    if (!dir.isEmpty()) w.grab().save(dir + "/" + name + ".png");
}

void showAndWait(QWidget &w) {
    w.resize(kViewSize);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
}

// A blob of `count` points around (cx, cy), all in colour `key`; the first sits exactly on the centre.
void addCluster(std::vector<MapPoint> &points, std::vector<int> *indices, float cx, float cy, float radius, int count,
                quint32 key, std::mt19937 &rng) {
    std::uniform_real_distribution<float> angle(0, float(2 * kPi)), unit(0, 1);
    for (int i = 0; i < count; ++i) {
        const float r = i == 0 ? 0.0f : radius * std::sqrt(unit(rng)), a = angle(rng);
        if (indices) indices->push_back(int(points.size()));
        points.push_back({cx + r * std::cos(a), cy + r * std::sin(a), key});
    }
}

QPoint pixelOf(QPointF p) {
    return QPoint(int(std::floor(p.x())), int(std::floor(p.y())));
}

int countPixels(const QImage &image, QRect area, const std::function<bool(QRgb)> &match) {
    int n = 0;
    area = area.intersected(image.rect());
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int x = area.left(); x <= area.right(); ++x)
            n += match(image.pixel(x, y)) ? 1 : 0;
    return n;
}

QPolygonF circle(QPointF centre, double radius, int vertices) {
    QPolygonF poly;
    for (int i = 0; i < vertices; ++i) {
        const double a = 2 * kPi * i / vertices;
        poly << centre + QPointF(std::cos(a), std::sin(a)) * radius;
    }
    return poly;
}

// Three well separated clusters (keys 0, 1, 2) and one lone point (key 3).
struct MapScene {
    std::vector<MapPoint> points;
    std::vector<int> a, b, c;
    int loner = -1;
};

MapScene makeScene() {
    MapScene s;
    std::mt19937 rng(7);
    addCluster(s.points, &s.a, 0, 0, 0.5f, 300, 0, rng);
    addCluster(s.points, &s.b, 10, 0, 0.5f, 300, 1, rng);
    addCluster(s.points, &s.c, 5, 8, 0.5f, 300, 2, rng);
    s.loner = int(s.points.size());
    s.points.push_back({2.0f, 6.0f, 3});
    return s;
}

struct GraphScene {
    std::vector<GraphNode> nodes;
    std::vector<GraphEdge> edges;
};

// `clusters` groups of `perCluster` nodes, each node linked to three others in its group, one link between
// consecutive groups.
GraphScene makeClusteredGraph(int clusters, int perCluster) {
    GraphScene g;
    for (int c = 0; c < clusters; ++c)
        for (int i = 0; i < perCluster; ++i)
            g.nodes.push_back({QStringLiteral("n%1").arg(c * perCluster + i),
                               QStringLiteral("cluster %1 node %2 with a long descriptive label").arg(c).arg(i),
                               quint32(c), i == 0});
    for (int c = 0; c < clusters; ++c) {
        const int base = c * perCluster;
        for (int i = 0; i < perCluster; ++i)
            for (int step : {1, 2, 5})
                g.edges.push_back({base + i, base + (i + step) % perCluster, QString(), quint32(c), step == 5});
        g.edges.push_back({base, ((c + 1) % clusters) * perCluster, QStringLiteral("bridge"), 11, false});
    }
    return g;
}

// Mean layout distance over linked pairs and over unlinked pairs.
std::pair<double, double> linkedVsUnlinked(const GraphView &view, const GraphScene &g) {
    std::set<std::pair<int, int>> linked;
    double linkedSum = 0;
    for (const GraphEdge &e : g.edges) {
        linked.insert({std::min(e.from, e.to), std::max(e.from, e.to)});
        const QPointF d =
            *view.layoutPosition(g.nodes[size_t(e.from)].id) - *view.layoutPosition(g.nodes[size_t(e.to)].id);
        linkedSum += std::hypot(d.x(), d.y());
    }
    double unlinkedSum = 0;
    qint64 unlinkedCount = 0;
    std::vector<QPointF> pos;
    for (const GraphNode &n : g.nodes)
        pos.push_back(*view.layoutPosition(n.id));
    for (int i = 0; i < int(pos.size()); ++i) {
        for (int j = i + 1; j < int(pos.size()); ++j) {
            if (linked.count({i, j})) continue;
            unlinkedSum += std::hypot(pos[size_t(i)].x() - pos[size_t(j)].x(), pos[size_t(i)].y() - pos[size_t(j)].y());
            ++unlinkedCount;
        }
    }
    return {linkedSum / double(g.edges.size()), unlinkedSum / double(unlinkedCount)};
}

constexpr qint64 kT0 = 1'714'730'400'000'000; // 2024-05-03 10:00 UTC, in µs
constexpr qint64 kHourUs = 3'600'000'000;

// `count` events spread evenly over an hour on `lanes` lanes; payloads are 1000 + index so they differ from indices.
std::vector<TimelineEvent> evenEvents(int count, int lanes, qint64 spanUs = kHourUs) {
    std::vector<TimelineEvent> events;
    for (int i = 0; i < count; ++i)
        events.push_back({kT0 + spanUs * i / count, quint16(i % lanes), quint32(1000 + i)});
    return events;
}

} // namespace

class TestInspectWidgets : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();

    void mapDrawsPointsInTheirColours();
    void mapClickPicksTheNearestPoint();
    void mapLassoSelectsExactlyACluster();
    void mapGridQueriesMatchBruteForce();
    void mapZoomRerasterises();
    void mapSelectionDrawsRings();
    void mapEmptyState();
    void mapMillionPoints();

    void graphLaysOutSmallGraph();
    void graphLaysOutLargeGraphWithGrid();
    void graphClickReportsNode();
    void graphSelectionOutlinesNode();
    void graphCapsToHighestDegree();

    void destroyedWhileBusy();

    void timeAxisTicksAndFormats();
    void timelineClickMovesCursor();
    void timelineShiftClickSetsCompare();
    void timelineKeysStepThroughEvents();
    void timelineTickClickSelectsEvent();
    void timelineDragIsThrottled();
    void timelineFollowsLatest();
    void timelineSwitchesToHistograms();
};

void TestInspectWidgets::initTestCase() {
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); // "3,000" in captions, on any host
}

void TestInspectWidgets::mapDrawsPointsInTheirColours() {
    MapScene s = makeScene();
    EmbeddingMapView map;
    showAndWait(map);
    map.setPoints(s.points, {"alpha", "beta", "gamma", "loner"}, "test map");
    QVERIFY(map.isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!map.isBusy(), kAsyncTimeoutMs);
    const QImage image = map.grab().toImage();
    for (int index : {s.a[0], s.b[0], s.c[0], s.loner}) {
        const QPoint px = pixelOf(map.toScreen(index));
        QVERIFY2(image.rect().contains(px), qPrintable(QString("point %1 off screen").arg(index)));
        QCOMPARE(QColor(image.pixel(px)), categoryColour(s.points[size_t(index)].colourKey));
    }
    // Between the clusters there is nothing: the background shows, so the check above is not trivially true.
    const QPointF a = map.toScreen(s.a[0]), b = map.toScreen(s.b[0]), c = map.toScreen(s.c[0]);
    const QPoint middle = pixelOf((a + b + c) / 3);
    QCOMPARE(QColor(image.pixel(middle)), inspectBackground());
    // The clusters land where the data says: B right of A, C above both (world y up).
    QVERIFY(b.x() > a.x() + 300);
    QVERIFY(c.y() < a.y() - 200);

    map.setSelected(s.b);
    map.setHighlighted({s.c[1], s.c[2], s.c[3]});
    map.setCurrent(s.loner);
    QTRY_VERIFY_WITH_TIMEOUT(!map.isBusy(), kAsyncTimeoutMs);
    keepScreenshot(map, "embedding_map");
}

void TestInspectWidgets::mapClickPicksTheNearestPoint() {
    MapScene s = makeScene();
    EmbeddingMapView map;
    showAndWait(map);
    map.setPoints(s.points, {}, {});
    QTRY_VERIFY_WITH_TIMEOUT(!map.isBusy(), kAsyncTimeoutMs);
    QSignalSpy clicked(&map, &EmbeddingMapView::pointClicked);

    QTest::mouseClick(&map, Qt::LeftButton, {}, map.toScreen(s.loner).toPoint());
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.takeFirst().at(0).toInt(), s.loner);

    // 5 px off is still within the pick radius; 9 px off is not.
    QTest::mouseClick(&map, Qt::LeftButton, {}, (map.toScreen(s.loner) + QPointF(3, 4)).toPoint());
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.takeFirst().at(0).toInt(), s.loner);
    QTest::mouseClick(&map, Qt::LeftButton, {}, (map.toScreen(s.loner) + QPointF(0, 9)).toPoint());
    QCOMPARE(clicked.count(), 0);

    // Inside a cluster the click picks the nearest of its points.
    const QPoint inB = map.toScreen(s.b[0]).toPoint();
    QTest::mouseClick(&map, Qt::LeftButton, {}, inB);
    QCOMPARE(clicked.count(), 1);
    const int picked = clicked.takeFirst().at(0).toInt();
    QVERIFY(std::find(s.b.begin(), s.b.end(), picked) != s.b.end());
    double best = 1e9;
    for (int i : s.b)
        best = std::min(best, QLineF(map.toScreen(i), QPointF(inB)).length());
    QCOMPARE(QLineF(map.toScreen(picked), QPointF(inB)).length(), best);
}

void TestInspectWidgets::mapLassoSelectsExactlyACluster() {
    MapScene s = makeScene();
    EmbeddingMapView map;
    showAndWait(map);
    map.setPoints(s.points, {}, {});
    QTRY_VERIFY_WITH_TIMEOUT(!map.isBusy(), kAsyncTimeoutMs);
    QSignalSpy lasso(&map, &EmbeddingMapView::lassoSelected);
    QSignalSpy clicked(&map, &EmbeddingMapView::pointClicked);

    // A circle around cluster B: its 0.5-unit radius is ~25 px on screen, so 60 px clears it and stays far from A/C.
    const QPolygonF ring = circle(map.toScreen(s.b[0]), 60, 32);
    QTest::mousePress(&map, Qt::LeftButton, {}, ring[0].toPoint());
    for (const QPointF &p : ring)
        QTest::mouseMove(&map, p.toPoint());
    QTest::mouseRelease(&map, Qt::LeftButton, {}, ring[0].toPoint());

    QCOMPARE(clicked.count(), 0);
    QCOMPARE(lasso.count(), 1);
    const auto caught = lasso.takeFirst().at(0).value<std::vector<int>>();
    QCOMPARE(caught, s.b);

    // A lasso over empty space reports an empty selection.
    const QPolygonF empty = circle((map.toScreen(s.a[0]) + map.toScreen(s.b[0]) + map.toScreen(s.c[0])) / 3, 20, 12);
    QTest::mousePress(&map, Qt::LeftButton, {}, empty[0].toPoint());
    for (const QPointF &p : empty)
        QTest::mouseMove(&map, p.toPoint());
    QTest::mouseRelease(&map, Qt::LeftButton, {}, empty[0].toPoint());
    QCOMPARE(lasso.count(), 1);
    QVERIFY(lasso.takeFirst().at(0).value<std::vector<int>>().empty());
}

void TestInspectWidgets::mapGridQueriesMatchBruteForce() {
    // A dense cloud and a concave polygon whose edges cut through many grid cells: the grid shortcuts (whole cells
    // inside, nearest within neighbouring cells) must agree with testing every point.
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> u(-1, 1);
    std::vector<MapPoint> points;
    for (int i = 0; i < 60000; ++i)
        points.push_back({u(rng), u(rng), quint32(i % 5)});
    EmbeddingMapView map;
    showAndWait(map);
    map.setPoints(points, {}, {});
    QTRY_VERIFY_WITH_TIMEOUT(!map.isBusy(), kAsyncTimeoutMs);

    QPolygonF star;
    const QPointF centre(400, 250);
    for (int i = 0; i < 14; ++i) {
        const double a = 2 * kPi * i / 14, r = i % 2 ? 70 : 210;
        star << centre + QPointF(std::cos(a) * r * 1.3, std::sin(a) * r);
    }
    std::vector<int> expected;
    for (int i = 0; i < int(points.size()); ++i)
        if (star.containsPoint(map.toScreen(i), Qt::OddEvenFill)) expected.push_back(i);
    QVERIFY(expected.size() > 5000);
    QCOMPARE(map.pointsInside(star), expected);

    std::uniform_real_distribution<double> px(0, kViewSize.width()), py(0, kViewSize.height());
    for (int probe = 0; probe < 300; ++probe) {
        const QPointF at(px(rng), py(rng));
        double best = EmbeddingMapView::kPickRadius;
        bool any = false;
        for (int i = 0; i < int(points.size()); ++i) {
            const double d = QLineF(map.toScreen(i), at).length();
            if (d <= best) best = d, any = true;
        }
        const int got = map.pointAt(at);
        QCOMPARE(got >= 0, any);
        if (any) QCOMPARE(QLineF(map.toScreen(got), at).length(), best);
    }
}

void TestInspectWidgets::mapZoomRerasterises() {
    MapScene s = makeScene();
    EmbeddingMapView map;
    showAndWait(map);
    map.setPoints(s.points, {}, {});
    QTRY_VERIFY_WITH_TIMEOUT(!map.isBusy(), kAsyncTimeoutMs);
    const QPointF anchor = map.toScreen(s.loner);
    const double spreadBefore = QLineF(map.toScreen(s.b[1]), map.toScreen(s.b[2])).length();
    const QColor lonerColour = categoryColour(s.points[size_t(s.loner)].colourKey);
    const auto lonerPixels = [&] {
        const QRect around(map.toScreen(s.loner).toPoint() - QPoint(12, 12), QSize(25, 25));
        return countPixels(map.grab().toImage(), around, [&](QRgb c) { return QColor(c) == lonerColour; });
    };
    const int dotBefore = lonerPixels();
    QVERIFY(dotBefore > 0);

    // Two wheel events back to back: the second arrives while the first one's raster is in flight, and the view
    // must still end up rasterised for the final zoom.
    for (int i = 0; i < 2; ++i) {
        QWheelEvent wheel(anchor, map.mapToGlobal(anchor), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&map, &wheel);
        QVERIFY(map.isBusy());
    }
    QTRY_VERIFY_WITH_TIMEOUT(!map.isBusy(), kAsyncTimeoutMs);

    // Four notches of 1.25x around the cursor: the point under it stays put, distances grow 2.44x, and dots keep
    // their pixel size (re-rasterised for the final view, not a stretched intermediate image).
    QVERIFY(QLineF(map.toScreen(s.loner), anchor).length() < 1.0);
    QCOMPARE(std::round(QLineF(map.toScreen(s.b[1]), map.toScreen(s.b[2])).length() / spreadBefore * 100), 244.0);
    QCOMPARE(lonerPixels(), dotBefore);
    QVERIFY(!map.grab().toImage().rect().contains(pixelOf(map.toScreen(s.a[0])))); // A left the view

    // F fits again.
    QTest::keyClick(&map, Qt::Key_F);
    QTRY_VERIFY_WITH_TIMEOUT(!map.isBusy(), kAsyncTimeoutMs);
    QVERIFY(map.grab().toImage().rect().contains(pixelOf(map.toScreen(s.a[0]))));
    QCOMPARE(lonerPixels(), dotBefore);
}

void TestInspectWidgets::mapSelectionDrawsRings() {
    MapScene s = makeScene();
    EmbeddingMapView map;
    showAndWait(map);
    map.setPoints(s.points, {}, {});
    QTRY_VERIFY_WITH_TIMEOUT(!map.isBusy(), kAsyncTimeoutMs);
    const QRect around(map.toScreen(s.loner).toPoint() - QPoint(8, 8), QSize(17, 17));
    const auto whiteish = [](QRgb c) { return qRed(c) > 230 && qGreen(c) > 230 && qBlue(c) > 230; };
    QCOMPARE(countPixels(map.grab().toImage(), around, whiteish), 0);
    map.setSelected({s.loner});
    QTRY_VERIFY_WITH_TIMEOUT(!map.isBusy(), kAsyncTimeoutMs);
    QVERIFY(countPixels(map.grab().toImage(), around, whiteish) >= 12);
    map.setSelected({});
    QCOMPARE(countPixels(map.grab().toImage(), around, whiteish), 0);
}

void TestInspectWidgets::mapEmptyState() {
    EmbeddingMapView map;
    showAndWait(map);
    map.setEmptyMessage("This store has no embeddings");
    map.setPoints({}, {}, {});
    QVERIFY(!map.isBusy());
    QCOMPARE(map.pointCount(), 0);
    const QImage image = map.grab().toImage();
    const auto notBackground = [](QRgb c) { return QColor(c) != inspectBackground(); };
    // The message is drawn around the centre; the corners stay empty.
    QVERIFY(countPixels(image, QRect(200, 230, 400, 40), notBackground) > 50);
    QCOMPARE(countPixels(image, QRect(0, 0, 100, 100), notBackground), 0);
}

void TestInspectWidgets::mapMillionPoints() {
    std::mt19937 rng(3);
    std::normal_distribution<float> n(0, 1);
    std::vector<MapPoint> points(1'000'000);
    for (size_t i = 0; i < points.size(); ++i)
        points[i] = {n(rng) + float(i % 7) * 3, n(rng) + float(i % 5) * 2, quint32(i % 16)};

    // The rasteriser on its own, as the worker runs it (report only: timing depends on the machine and the build).
    auto shared = std::make_shared<const std::vector<MapPoint>>(points);
    double bestMs = 1e9;
    for (int run = 0; run < 3; ++run) {
        QElapsedTimer t;
        t.start();
        const MapRaster r = rasteriseMap({shared, std::nullopt, std::nullopt, kViewSize, 1.0});
        bestMs = std::min(bestMs, t.nsecsElapsed() / 1e6);
        QCOMPARE(r.onScreen, 1'000'000);
    }
    qInfo("rasteriseMap, 1,000,000 points at 800x500 (bounds + fit + raster + grid): %.1f ms", bestMs);

    EmbeddingMapView map;
    showAndWait(map);
    map.setPoints(std::move(points), {}, "a million");
    QTRY_VERIFY_WITH_TIMEOUT(!map.isBusy(), kAsyncTimeoutMs);
    QCOMPARE(map.pointCount(), 1'000'000);
    const QImage image = map.grab().toImage();
    const auto notBackground = [](QRgb c) { return QColor(c) != inspectBackground(); };
    QVERIFY(countPixels(image, QRect(QPoint(0, 0), kViewSize), notBackground) > 80000);
    keepScreenshot(map, "embedding_map_1m");
    // Picking in the dense middle of the cloud finds a point under the cursor.
    QSignalSpy clicked(&map, &EmbeddingMapView::pointClicked);
    QTest::mouseClick(&map, Qt::LeftButton, {}, QPoint(400, 250));
    QCOMPARE(clicked.count(), 1);
    QVERIFY(QLineF(map.toScreen(clicked.first().at(0).toInt()), QPointF(400, 250)).length() <= 1.5);
}

void TestInspectWidgets::graphLaysOutSmallGraph() {
    const GraphScene g = makeClusteredGraph(8, 15);
    GraphView view;
    showAndWait(view);
    view.setGraph(g.nodes, g.edges, {"c0", "c1"});
    QVERIFY(view.isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy(), kAsyncTimeoutMs);
    QCOMPARE(view.shownNodeCount(), 120);
    for (const GraphNode &n : g.nodes) {
        const auto p = view.layoutPosition(n.id);
        QVERIFY(p && std::isfinite(p->x()) && std::isfinite(p->y()));
    }
    const auto [linked, unlinked] = linkedVsUnlinked(view, g);
    qInfo("120 nodes: mean linked distance %.2f, unlinked %.2f", linked, unlinked);
    QVERIFY(linked < unlinked * 0.5);
    QVERIFY(view.caption().isEmpty());
    view.setSelectedIds({"n3"});
    keepScreenshot(view, "graph_small");
    view.zoomAt(*view.toScreen("n3"), 3.0);
    keepScreenshot(view, "graph_small_zoomed");
    // Determinism: the same graph lays out the same.
    GraphView again;
    again.resize(kViewSize);
    again.setGraph(g.nodes, g.edges, {});
    QTRY_VERIFY_WITH_TIMEOUT(!again.isBusy(), kAsyncTimeoutMs);
    QCOMPARE(*again.layoutPosition("n37"), *view.layoutPosition("n37"));
}

void TestInspectWidgets::graphLaysOutLargeGraphWithGrid() {
    const GraphScene g = makeClusteredGraph(30, 30); // 900 nodes: past the exact-repulsion limit
    QVERIFY(int(g.nodes.size()) > kExactRepulsionMaxNodes);
    GraphView view;
    showAndWait(view);
    view.setGraph(g.nodes, g.edges, {});
    QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy(), kAsyncTimeoutMs);
    for (const GraphNode &n : g.nodes) {
        const auto p = view.layoutPosition(n.id);
        QVERIFY(p && std::isfinite(p->x()) && std::isfinite(p->y()));
    }
    const auto [linked, unlinked] = linkedVsUnlinked(view, g);
    qInfo("900 nodes: mean linked distance %.2f, unlinked %.2f", linked, unlinked);
    QVERIFY(linked < unlinked * 0.5);
}

void TestInspectWidgets::graphClickReportsNode() {
    const GraphScene g = makeClusteredGraph(4, 8);
    GraphView view;
    showAndWait(view);
    view.setGraph(g.nodes, g.edges, {});
    QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy(), kAsyncTimeoutMs);
    QSignalSpy clicked(&view, &GraphView::nodeClicked);
    for (const QString id : {"n0", "n13", "n31"}) {
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.toScreen(id)->toPoint());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.takeFirst().at(0).toString(), id);
    }
    // A click far from every node reports nothing.
    QPoint empty(4, kViewSize.height() / 2);
    QVERIFY(view.nodeAt(empty).isEmpty());
    QTest::mouseClick(&view, Qt::LeftButton, {}, empty);
    QCOMPARE(clicked.count(), 0);
    // A drag pans instead of clicking.
    const QPointF before = *view.toScreen("n0");
    QTest::mousePress(&view, Qt::LeftButton, {}, before.toPoint());
    QTest::mouseMove(&view, before.toPoint() + QPoint(30, 10));
    QTest::mouseRelease(&view, Qt::LeftButton, {}, before.toPoint() + QPoint(30, 10));
    QCOMPARE(clicked.count(), 0);
    QCOMPARE(*view.toScreen("n0"), before + QPointF(30, 10));
}

void TestInspectWidgets::graphSelectionOutlinesNode() {
    const GraphScene g = makeClusteredGraph(4, 8);
    GraphView view;
    showAndWait(view);
    view.setGraph(g.nodes, g.edges, {});
    QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy(), kAsyncTimeoutMs);
    const QRect around(view.toScreen("n9")->toPoint() - QPoint(16, 16), QSize(33, 33));
    const auto white = [](QRgb c) { return qRed(c) > 240 && qGreen(c) > 240 && qBlue(c) > 240; };
    const int before = countPixels(view.grab().toImage(), around, white);
    view.setSelectedIds({"n9"});
    const int after = countPixels(view.grab().toImage(), around, white);
    QVERIFY2(after > before + 20, qPrintable(QString("%1 -> %2").arg(before).arg(after)));
}

void TestInspectWidgets::graphCapsToHighestDegree() {
    // 3500 nodes: the first 500 have no edges, the rest form a ring (degree 2) with chords (more).
    std::vector<GraphNode> nodes;
    std::vector<GraphEdge> edges;
    for (int i = 0; i < 3500; ++i)
        nodes.push_back({QStringLiteral("n%1").arg(i), QString(), quint32(i % 3), false});
    for (int i = 500; i < 3500; ++i) {
        edges.push_back({i, i + 1 < 3500 ? i + 1 : 500, QString(), 0, false});
        if (i % 10 == 0) edges.push_back({i, 500 + (i * 7) % 3000, QString(), 1, true});
    }
    GraphView view;
    showAndWait(view);
    view.setGraph(nodes, edges, {});
    QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy(), kAsyncTimeoutMs);
    QCOMPARE(view.totalNodeCount(), 3500);
    QCOMPARE(view.shownNodeCount(), GraphView::kMaxNodes);
    QCOMPARE(view.caption(), QStringLiteral("showing 3,000 of 3,500 nodes (highest degree)"));
    QVERIFY(!view.layoutPosition("n0"));
    QVERIFY(!view.layoutPosition("n499"));
    QVERIFY(view.layoutPosition("n500"));
    QVERIFY(view.layoutPosition("n3499"));
    for (int i = 500; i < 3500; i += 97) {
        const auto p = view.layoutPosition(QStringLiteral("n%1").arg(i));
        QVERIFY(p && std::isfinite(p->x()) && std::isfinite(p->y()));
    }
    const auto notBackground = [](QRgb c) { return QColor(c) != inspectBackground(); };
    QVERIFY(countPixels(view.grab().toImage(), QRect(QPoint(0, 0), kViewSize), notBackground) > 20000);
    keepScreenshot(view, "graph_capped");
}

void TestInspectWidgets::destroyedWhileBusy() {
    // Work still running when its widget goes away must neither crash nor be applied to freed memory (run this
    // under ASan to see the difference). Superseded work must not be applied either.
    std::vector<MapPoint> points(300'000, MapPoint{0, 0, 0});
    const GraphScene g = makeClusteredGraph(40, 40);
    for (int round = 0; round < 3; ++round) {
        auto *map = new EmbeddingMapView;
        map->resize(kViewSize);
        map->setPoints(points, {}, {});
        auto *graph = new GraphView;
        graph->setGraph(g.nodes, g.edges, {});
        auto *timeline = new TimelineView;
        timeline->setEvents(evenEvents(300'000, 3));
        QVERIFY(map->isBusy() && graph->isBusy() && timeline->isBusy());
        delete map;
        delete graph;
        delete timeline;
    }
    GraphView view;
    view.setGraph(g.nodes, g.edges, {});
    view.setGraph({{"only", "the newest graph", 0, false}}, {}, {});
    QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy(), kAsyncTimeoutMs);
    QTest::qWait(200); // time for the superseded layout to finish and be dropped
    QCOMPARE(view.shownNodeCount(), 1);
    QVERIFY(view.layoutPosition("only"));
    QVERIFY(QThreadPool::globalInstance()->waitForDone(kAsyncTimeoutMs));
}

void TestInspectWidgets::timeAxisTicksAndFormats() {
    QCOMPARE(formatDuration(850), QStringLiteral("850 µs"));
    QCOMPARE(formatDuration(1'500'000), QStringLiteral("1.50 s"));
    QCOMPARE(formatDuration(-(2 * kHourUs + 10 * 60'000'000)), QChar(0x2212) + QStringLiteral("2 h 10 min"));
    QCOMPARE(floorDiv(-1, 1000), qint64(-1));
    const QFontMetrics fm(QApplication::font());
    // From a minute to a year: ticks inside the range, increasing, never closer than their labels are wide.
    for (qint64 span : {60'000'000ll, kHourUs, 24 * kHourUs, 30 * 24 * kHourUs, 365 * 24 * kHourUs}) {
        const auto ticks = timeTicks(kT0, kT0 + span, 700, fm);
        QVERIFY2(ticks.size() >= 2, qPrintable(QString::number(span)));
        for (size_t i = 0; i < ticks.size(); ++i) {
            QVERIFY(ticks[i].us >= kT0 && ticks[i].us <= kT0 + span);
            QVERIFY(!ticks[i].label.isEmpty());
            if (i == 0) continue;
            const double px = double(ticks[i].us - ticks[i - 1].us) / span * 700;
            QVERIFY(ticks[i].us > ticks[i - 1].us);
            QVERIFY2(px >= fm.horizontalAdvance(ticks[i].label), qPrintable(ticks[i].label));
        }
    }
    // A tick at a round local minute for an hour-long span.
    const auto hourTicks = timeTicks(kT0, kT0 + kHourUs, 700, fm);
    QCOMPARE(QDateTime::fromMSecsSinceEpoch(hourTicks[0].us / 1000).time().second(), 0);
}

void TestInspectWidgets::timelineClickMovesCursor() {
    TimelineView view;
    showAndWait(view);
    view.setLanes({"writes", "reads", "evictions"}, {Qt::green, Qt::cyan, Qt::red});
    view.setEvents(evenEvents(200, 3));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy(), kAsyncTimeoutMs);
    QVERIFY(view.rangeFromUs() < kT0 && view.rangeToUs() > kT0 + kHourUs * 199 / 200);
    QSignalSpy cursor(&view, &TimelineView::cursorChanged);

    const QRect axis = view.axisArea();
    const int x = axis.left() + axis.width() * 3 / 10;
    QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(x, axis.center().y()));
    QCOMPARE(cursor.count(), 1);
    const qint64 us = cursor.takeFirst().at(0).toLongLong();
    QCOMPARE(view.cursorUs(), us);
    QVERIFY(us >= view.rangeFromUs() && us <= view.rangeToUs());
    const qint64 usPerPx = (view.rangeToUs() - view.rangeFromUs()) / view.plotArea().width();
    QVERIFY(std::abs(us - view.timeAt(x)) <= usPerPx);
    QVERIFY(std::abs(view.xOf(us) - x) < 1.0);

    // The cursor line is drawn there, in the lanes, in the cursor's colour (amber).
    const QImage image = view.grab().toImage();
    const auto amber = [](QRgb c) { return qRed(c) > 200 && qGreen(c) > 150 && qGreen(c) < 230 && qBlue(c) < 120; };
    QVERIFY(countPixels(image, QRect(x - 1, view.plotArea().top() + 5, 3, 40), amber) >= 30);
}

void TestInspectWidgets::timelineShiftClickSetsCompare() {
    TimelineView view;
    showAndWait(view);
    view.setEvents(evenEvents(50, 2));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy(), kAsyncTimeoutMs);
    QSignalSpy compare(&view, &TimelineView::compareChanged);
    QSignalSpy cursor(&view, &TimelineView::cursorChanged);
    const qint64 cursorBefore = view.cursorUs();

    const QRect axis = view.axisArea();
    const int x = axis.left() + axis.width() * 7 / 10;
    QTest::mouseClick(&view, Qt::LeftButton, Qt::ShiftModifier, QPoint(x, axis.center().y()));
    QCOMPARE(compare.count(), 1);
    const auto marker = compare.takeFirst().at(0).value<std::optional<qint64>>();
    QVERIFY(marker.has_value());
    QCOMPARE(view.compareUs(), marker);
    QVERIFY(std::abs(view.xOf(*marker) - x) < 1.0);
    QCOMPARE(cursor.count(), 0); // Shift+click leaves the cursor alone
    QCOMPARE(view.cursorUs(), cursorBefore);
    view.setCursorUs(view.timeAt(axis.left() + axis.width() * 3 / 10));
    keepScreenshot(view, "timeline_compare");

    QTest::keyClick(&view, Qt::Key_Escape);
    QCOMPARE(compare.count(), 1);
    QVERIFY(!compare.takeFirst().at(0).value<std::optional<qint64>>().has_value());
    QVERIFY(!view.compareUs());
}

void TestInspectWidgets::timelineKeysStepThroughEvents() {
    const std::vector<TimelineEvent> events = evenEvents(40, 2);
    TimelineView view;
    showAndWait(view);
    view.setEvents(events);
    QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy(), kAsyncTimeoutMs);
    QSignalSpy cursor(&view, &TimelineView::cursorChanged);

    view.setCursorUs(events[10].timeUs + 1); // between events 10 and 11
    QCOMPARE(cursor.count(), 0);             // setters are silent
    QTest::keyClick(&view, Qt::Key_Right);
    QCOMPARE(view.cursorUs(), events[11].timeUs);
    QTest::keyClick(&view, Qt::Key_Right);
    QCOMPARE(view.cursorUs(), events[12].timeUs);
    QTest::keyClick(&view, Qt::Key_Left);
    QCOMPARE(view.cursorUs(), events[11].timeUs);
    QTest::keyClick(&view, Qt::Key_End);
    QCOMPARE(view.cursorUs(), events.back().timeUs);
    QTest::keyClick(&view, Qt::Key_Home);
    QCOMPARE(view.cursorUs(), events.front().timeUs);
    QTest::keyClick(&view, Qt::Key_Left); // nothing before the first event
    QCOMPARE(view.cursorUs(), events.front().timeUs);

    QCOMPARE(cursor.count(), 5);
    const std::vector<qint64> expected = {events[11].timeUs, events[12].timeUs, events[11].timeUs, events.back().timeUs,
                                          events.front().timeUs};
    for (int i = 0; i < 5; ++i)
        QCOMPARE(cursor.at(i).at(0).toLongLong(), expected[size_t(i)]);
}

void TestInspectWidgets::timelineTickClickSelectsEvent() {
    const std::vector<TimelineEvent> events = evenEvents(30, 3);
    TimelineView view;
    showAndWait(view);
    view.setEvents(events);
    QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy(), kAsyncTimeoutMs);
    QVERIFY(!view.histogramMode());
    QSignalSpy clicked(&view, &TimelineView::eventClicked);
    QSignalSpy cursor(&view, &TimelineView::cursorChanged);

    const TimelineEvent &e = events[17];
    const QPoint onTick(int(std::lround(view.xOf(e.timeUs))) + 2, view.laneRect(e.lane).center().y());
    QTest::mouseClick(&view, Qt::LeftButton, {}, onTick);
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.takeFirst().at(0).toUInt(), e.payload);
    QCOMPARE(view.selectedPayload(), std::optional<quint32>(e.payload));
    QCOMPARE(view.cursorUs(), e.timeUs); // the cursor snaps to the event
    QCOMPARE(cursor.count(), 1);

    // The same x in another lane has no event of that lane nearby: no selection, just a cursor move.
    const int otherLane = (e.lane + 1) % 3;
    QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(onTick.x(), view.laneRect(otherLane).center().y()));
    QCOMPARE(clicked.count(), 0);
}

void TestInspectWidgets::timelineDragIsThrottled() {
    TimelineView view;
    showAndWait(view);
    view.setEvents(evenEvents(20, 1));
    QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy(), kAsyncTimeoutMs);
    QSignalSpy cursor(&view, &TimelineView::cursorChanged);
    const QRect axis = view.axisArea();
    const int y = axis.center().y();
    QTest::mousePress(&view, Qt::LeftButton, {}, QPoint(axis.left() + 10, y));
    for (int x = axis.left() + 12; x < axis.left() + 400; x += 2)
        QTest::mouseMove(&view, QPoint(x, y)); // ~190 moves in far less than 190 * 30 ms
    const int duringDrag = int(cursor.count());
    // Holding still mid-drag: the throttled last position arrives without waiting for the release.
    QTRY_COMPARE(cursor.last().at(0).toLongLong(), view.cursorUs());
    QTest::mouseRelease(&view, Qt::LeftButton, {}, QPoint(axis.left() + 400, y));
    QVERIFY2(duringDrag < 60, qPrintable(QString::number(duringDrag)));
    QVERIFY(cursor.count() >= 2);
    QCOMPARE(cursor.last().at(0).toLongLong(), view.cursorUs()); // the final position always arrives
    QVERIFY(std::abs(view.xOf(view.cursorUs()) - (axis.left() + 398)) < 1.0);
}

void TestInspectWidgets::timelineFollowsLatest() {
    std::vector<TimelineEvent> events = evenEvents(100, 2);
    TimelineView view;
    showAndWait(view);
    view.setEvents(events);
    view.setRange(kT0, kT0 + kHourUs / 2); // the caller's window: only the first half
    view.setCursorUs(kT0);
    QSignalSpy cursor(&view, &TimelineView::cursorChanged);
    QSignalSpy follow(&view, &TimelineView::followLatestChanged);
    view.setFollowLatest(true);
    QCOMPARE(view.cursorUs(), events.back().timeUs);

    events.push_back({kT0 + 2 * kHourUs, 1, 777});
    view.setEvents(events);
    QCOMPARE(view.cursorUs(), kT0 + 2 * kHourUs);
    QVERIFY(view.rangeToUs() >= kT0 + 2 * kHourUs); // scrolled into view
    QTRY_VERIFY(!cursor.isEmpty() && cursor.last().at(0).toLongLong() == kT0 + 2 * kHourUs);

    // Stepping back in time leaves live mode, and says so; new events then leave the cursor where it is.
    QTest::keyClick(&view, Qt::Key_Left);
    QVERIFY(!view.followLatest());
    QCOMPARE(follow.count(), 1);
    const qint64 kept = view.cursorUs();
    events.push_back({kT0 + 3 * kHourUs, 0, 778});
    view.setEvents(events);
    QCOMPARE(view.cursorUs(), kept);
}

void TestInspectWidgets::timelineSwitchesToHistograms() {
    TimelineView view;
    showAndWait(view);
    const QList<QColor> colours = {QColor(255, 0, 0), QColor(0, 255, 0), QColor(0, 0, 255), QColor(255, 255, 0)};
    view.setLanes({"a", "b", "c", "d"}, colours);
    view.setEvents(evenEvents(200'000, 4));
    QVERIFY(view.histogramMode()); // 200k events over ~680 px
    QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy(), kAsyncTimeoutMs);
    const QImage dense = view.grab().toImage();
    keepScreenshot(view, "timeline_dense");
    for (int lane = 0; lane < 4; ++lane) {
        const QRgb want = colours[lane].rgb();
        const int hits =
            countPixels(dense, view.laneRect(lane), [want](QRgb c) { return (c & 0xffffff) == (want & 0xffffff); });
        // Bars in every column of the lane: at least most of the plot width, as ticks would never fill.
        QVERIFY2(hits > view.plotArea().width() * 3, qPrintable(QString("lane %1: %2").arg(lane).arg(hits)));
    }

    // Zoomed far in, the same events are sparse again and drawn as ticks.
    for (int i = 0; i < 40 && view.histogramMode(); ++i)
        view.zoomAt(view.plotArea().center().x(), 2.0);
    QVERIFY(!view.histogramMode());
    // 200k events an hour at ≤ 2 per px over ~680 px: no more than ~25 s may be visible.
    QVERIFY(view.rangeToUs() - view.rangeFromUs() <= 2 * qint64(view.plotArea().width()) * kHourUs / 200'000);

    TimelineView sparse;
    showAndWait(sparse);
    sparse.setEvents(evenEvents(300, 4));
    QVERIFY(!sparse.histogramMode());
}

QTEST_MAIN(TestInspectWidgets)
#include "tst_inspect_widgets.moc"
