// The Memory panel under QT_QPA_PLATFORM=offscreen, fed a synthetic 10k-entry snapshot built by hand (no engine
// calls): it paints, clusters at the fitted zoom and separates cones when zoomed in, finds entries under the mouse,
// forwards clicks to the timeline, shows the budget, and draws north up with +x on the left (not mirrored).
// Set MNEMO_SCREENSHOT_DIR to keep a PNG of the panel.
#include "world/MemoryMapView.hpp"
#include "world/MemoryPanel.hpp"
#include "world/MemoryTimelineView.hpp"

#include <QElapsedTimer>
#include <QLabel>
#include <QProgressBar>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

#include <cmath>

using namespace mnemo;
using namespace mnemo::ui;
using Snapshot = memory::MemorySnapshot;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kEntries = 10000;

camera::CameraFrame cameraAt(float x, float y, float z, float yawDeg) {
    // Column-major camera-to-world: right, down, forward, position (OpenCV camera axes, +y up world).
    const float r = float(yawDeg * kPi / 180.0), c = std::cos(r), s = std::sin(r);
    camera::CameraFrame f;
    f.c2w = {-c, 0, -s, 0, 0, -1, 0, 0, -s, 0, c, 0, x, y, z, 1};
    return f;
}

std::shared_ptr<const std::vector<uint8_t>> makeThumb(int seed) {
    auto px = std::make_shared<std::vector<uint8_t>>(64 * 36 * 4);
    for (int y = 0; y < 36; ++y) {
        for (int x = 0; x < 64; ++x) {
            uint8_t *p = px->data() + (y * 64 + x) * 4;
            p[0] = uint8_t(x * 4 + seed), p[1] = uint8_t(y * 7), p[2] = uint8_t(255 - x * 3), p[3] = 255;
        }
    }
    return px;
}

Snapshot::Entry makeEntry(int i, float x, float z, float yaw) {
    Snapshot::Entry e;
    e.id = uint64_t(i) + 1;
    e.frameIndex = uint64_t(i) * 2;
    e.step = uint64_t(i) + 10;
    e.x = x, e.y = 1.7f, e.z = z, e.yawDeg = yaw;
    return e;
}

// A spiral walk outwards with the heading along the path plus a slow wobble, as a bank after 10k steps.
std::shared_ptr<Snapshot> makeSpiral() {
    auto s = std::make_shared<Snapshot>();
    for (int i = 0; i < kEntries; ++i) {
        const double t = i * 0.02, r = 5.0 + 0.012 * i;
        const double x = r * std::cos(t), z = r * std::sin(t);
        const double dx = -r * std::sin(t) + 0.012 / 0.02 * std::cos(t), dz = r * std::cos(t) + 0.6 * std::sin(t);
        const double yaw = std::atan2(-dx, dz) * 180.0 / kPi + 35.0 * std::sin(i * 0.05);
        Snapshot::Entry e = makeEntry(i, float(x), float(z), float(yaw));
        if (i % 7 == 0) e.readCount = 1 + i % 3, e.lastReadStep = e.step + 300;
        if (i % 10 == 0 || i > kEntries - 50) e.thumbWidth = 64, e.thumbHeight = 36, e.thumbnail = makeThumb(i);
        s->entries.push_back(e);
    }
    s->step = kEntries + 20;
    const auto &last = s->entries.back();
    s->hasCamera = true;
    s->currentCamera = cameraAt(last.x, 1.7f, last.z, last.yawDeg);
    const int pickIndex[8] = {9990, 9700, 9100, 8800, 8200, 7000, 6100, 2000};
    for (int k = 0; k < 8; ++k) {
        Snapshot::Entry &e = s->entries[size_t(pickIndex[k])];
        e.thumbWidth = 64, e.thumbHeight = 36, e.thumbnail = makeThumb(k * 30);
        s->lastRetrieval.picks.push_back(
            {e.id, e.frameIndex, 0.7f - 0.07f * k, 0.6f - 0.05f * k, 0.4f / (k + 1), 0, 0});
    }
    // Query points in the current camera's view: covered by picks in angular sectors, the far ones uncovered.
    const double yawR = last.yawDeg * kPi / 180.0;
    for (int i = 0; i < 6000; ++i) {
        const double u = std::fmod(i * 0.618, 1.0), a = yawR + (u - 0.5) * 1.8,
                     d = 2.0 + std::fmod(i * 0.377, 1.0) * 28.0;
        s->lastRetrieval.queryPoints.push_back(
            {float(last.x - d * std::sin(a)), 1.7f, float(last.z + d * std::cos(a))});
        s->lastRetrieval.pointCoveredBy.push_back(d > 22 ? -1 : int32_t(u * 8));
    }
    s->lastRetrieval.candidates = 812;
    s->lastRetrieval.elapsedMs = 3.21;
    for (uint64_t step = s->step - 400; step < s->step; ++step) {
        for (int k = 0; k < 8; ++k)
            s->recentEvents.push_back({memory::MemoryEventKind::Retrieve, step, step - 9 - k * 400});
        if (step % 37 == 0) s->recentEvents.push_back({memory::MemoryEventKind::Evict, step, 0});
    }
    s->bytes = size_t(12.9 * 1024 * 1024);
    s->byteBudget = size_t(256) << 20;
    s->policy = memory::EvictionPolicy::KeepAll;
    s->evicted = 11;
    return s;
}

int distinctColors(const QImage &image) {
    QSet<QRgb> colors;
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 2)
            colors.insert(image.pixel(x, y));
    }
    return int(colors.size());
}

// Sum of brightness in a box, to find where the camera cone points.
int brightness(const QImage &image, QRect box) {
    int sum = 0;
    box = box.intersected(image.rect());
    for (int y = box.top(); y <= box.bottom(); ++y) {
        for (int x = box.left(); x <= box.right(); ++x)
            sum += qGray(image.pixel(x, y));
    }
    return sum;
}

} // namespace

class TestMemoryPanel : public QObject {
    Q_OBJECT
    std::unique_ptr<MemoryPanel> m_panel;
    std::shared_ptr<Snapshot> m_spiral;

    MemoryMapView *map() { return m_panel->map(); }

private slots:
    void initTestCase() { m_spiral = makeSpiral(); }

    void init() {
        m_panel = std::make_unique<MemoryPanel>();
        m_panel->resize(900, 600);
        m_panel->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
    }

    void cleanup() { m_panel.reset(); }

    void friendlyBeforeAnySnapshot() {
        QCOMPARE(m_panel->objectName(), QString("memoryPanel"));
        QCOMPARE(m_panel->windowTitle(), QString("Memory"));
        QVERIFY(m_panel->findChild<QLabel *>("memoryOccupancy")->text().contains("No memory yet"));
        QCOMPARE(map()->objectName(), QString("memoryMap"));
        QCOMPARE(m_panel->timeline()->objectName(), QString("memoryTimeline"));
        QVERIFY(!map()->grab().isNull());
        if (qEnvironmentVariableIsSet("MNEMO_SCREENSHOT_DIR")) {
            QVERIFY(m_panel->grab().save(qEnvironmentVariable("MNEMO_SCREENSHOT_DIR") + "/memory_panel_empty.png"));
        }
    }

    void paintsTenThousandEntriesClustered() {
        QElapsedTimer timer;
        timer.start();
        m_panel->setSnapshot(m_spiral);
        const QImage image = map()->grab().toImage();
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed()) + " ms"));
        QVERIFY2(distinctColors(image) > 1000, qPrintable(QString::number(distinctColors(image))));
        // The fitted zoom bins 10k entries into screen cells: far fewer glyphs, some standing for many entries.
        QVERIFY2(map()->drawnConeCount() > 50 && map()->drawnConeCount() < kEntries / 4,
                 qPrintable(QString::number(map()->drawnConeCount())));
        QVERIFY(map()->drawnClusterCount() > 0);
        if (qEnvironmentVariableIsSet("MNEMO_SCREENSHOT_DIR")) saveScreenshot();
    }

    void zoomedInDrawsIndividualCones() {
        m_panel->setSnapshot(m_spiral);
        const auto pos = map()->screenPosition(5001);
        QVERIFY(pos);
        map()->zoomAt(*pos, 20.0);
        map()->grab();
        QVERIFY(map()->drawnConeCount() > 0);
        QCOMPARE(map()->drawnClusterCount(), 0);
        QVERIFY(map()->drawnConeCount() < 600);
    }

    void budgetBarShowsPercentage() {
        m_panel->setSnapshot(m_spiral);
        auto *bar = m_panel->findChild<QProgressBar *>("memoryBudget");
        QVERIFY(bar);
        QCOMPARE(bar->value(), 5); // 12.9 MiB of 256 MiB
        QVERIFY2(bar->text().contains("12.9 MiB of 256 MiB"), qPrintable(bar->text()));
        QVERIFY(bar->text().contains("5%"));
        QVERIFY(bar->text().contains(memory::evictionPolicyName(memory::EvictionPolicy::KeepAll)));
        QVERIFY(m_panel->findChild<QLabel *>("memoryOccupancy")->text().contains("10000 entries"));
        QVERIFY(m_panel->findChild<QLabel *>("memoryRetrieval")->text().contains("812 candidates"));
        auto over = std::make_shared<Snapshot>(*m_spiral);
        over->bytes = size_t(300) << 20;
        m_panel->setSnapshot(over);
        QCOMPARE(bar->value(), 100);
        QVERIFY2(bar->text().contains("over budget (policy keeps all)"), qPrintable(bar->text()));
    }

    void hoverFindsTheEntryUnderTheMouse() {
        m_panel->setSnapshot(m_spiral);
        map()->zoomAt(*map()->screenPosition(4001), 6.0); // entries a few pixels apart, so a whole pixel is exact
        const QPoint pos = map()->screenPosition(4001)->toPoint();
        QCOMPARE(map()->entryAt(pos), std::optional<quint64>(4001));
        QTest::mouseMove(map(), pos);
        QCOMPARE(map()->hoveredEntry(), std::optional<quint64>(4001));
        QVERIFY(!map()->entryAt(QPointF(-50, -50)));
    }

    void clickActivatesAndTheTimelineFollows() {
        m_panel->setSnapshot(m_spiral);
        map()->zoomAt(*map()->screenPosition(7001), 6.0);
        QSignalSpy spy(m_panel.get(), &MemoryPanel::entryActivated);
        QTest::mouseClick(map(), Qt::LeftButton, {}, map()->screenPosition(7001)->toPoint());
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toULongLong(), 7001ull);
        QCOMPARE(m_panel->timeline()->selectedEntry(), std::optional<quint64>(7001));
        QCOMPARE(map()->selectedEntry(), std::optional<quint64>(7001));
        // The timeline centred the entry's write step.
        const double mid = (m_panel->timeline()->firstVisibleStep() + m_panel->timeline()->lastVisibleStep()) / 2;
        QVERIFY(std::abs(mid - 7010.0) < 1.0);
    }

    void timelineClickSelectsOnTheMap() {
        m_panel->setSnapshot(m_spiral);
        MemoryTimelineView *timeline = m_panel->timeline();
        timeline->jumpTo(3001);
        timeline->zoomAt(timeline->xAt(3010), 40.0); // a few pixels per step
        QSignalSpy spy(m_panel.get(), &MemoryPanel::entryActivated);
        const QPoint at(int(std::lround(timeline->xAt(3010))), timeline->writeLane().center().y());
        QTest::mouseClick(timeline, Qt::LeftButton, {}, at);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toULongLong(), 3001ull);
        QCOMPARE(map()->selectedEntry(), std::optional<quint64>(3001));
    }

    void wheelZoomsAndDoubleClickRefits() {
        m_panel->setSnapshot(m_spiral);
        const double fitted = map()->scale();
        const QPointF at(300, 200);
        const QPointF worldBefore = map()->screenToWorld(at);
        QWheelEvent wheel(at, map()->mapToGlobal(at), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(map(), &wheel);
        QVERIFY(map()->scale() > fitted * 1.3);
        QVERIFY(!map()->autoFit());
        const QPointF worldAfter = map()->screenToWorld(at); // zoomed about the cursor
        QVERIFY(std::abs(worldAfter.x() - worldBefore.x()) < 1e-6 && std::abs(worldAfter.y() - worldBefore.y()) < 1e-6);
        QTest::mouseDClick(map(), Qt::LeftButton, {}, QPoint(300, 200));
        QVERIFY(map()->autoFit());
        QCOMPARE(map()->scale(), fitted);
    }

    void northUpAndPlusXOnTheLeft() {
        auto s = std::make_shared<Snapshot>();
        s->entries = {makeEntry(0, 10, 0, 0), makeEntry(1, -10, 0, 0), makeEntry(2, 0, 10, 0), makeEntry(3, 0, -10, 0)};
        s->step = 20;
        m_panel->setSnapshot(s);
        QVERIFY(map()->screenPosition(1)->x() < map()->screenPosition(2)->x()); // x = +10 left of x = -10
        QVERIFY(map()->screenPosition(3)->y() < map()->screenPosition(4)->y()); // z = +10 above z = -10
    }

    void cameraTurningRightTurnsClockwise() {
        auto s = std::make_shared<Snapshot>();
        s->entries = {makeEntry(0, 30, 30, 0), makeEntry(1, -30, -30, 0)};
        s->step = 20;
        s->hasCamera = true;
        int previous = -1;
        // Yaw 0 (+z) points up on the map, yaw 90 (towards -x) right, 180 down, 270 left: clockwise.
        const QPoint offsets[4] = {{0, -30}, {30, 0}, {0, 30}, {-30, 0}};
        for (int k = 0; k < 4; ++k) {
            s->currentCamera = cameraAt(0, 1.7f, 0, 90.0f * k);
            m_panel->setSnapshot(std::make_shared<Snapshot>(*s));
            const QImage image = map()->grab().toImage();
            const QPoint c = map()->worldToScreen(0, 0).toPoint();
            int best = -1, bestSum = -1;
            for (int d = 0; d < 4; ++d) {
                const int sum = brightness(image, QRect(c + offsets[d] - QPoint(8, 8), QSize(17, 17)));
                if (sum > bestSum) bestSum = sum, best = d;
            }
            QCOMPARE(best, k);
            QVERIFY(best != previous);
            previous = best;
        }
    }

private:
    void saveScreenshot() {
        const QString dir = qEnvironmentVariable("MNEMO_SCREENSHOT_DIR");
        const auto pick = m_spiral->lastRetrieval.picks[3].entryId;
        QTest::mouseClick(map(), Qt::LeftButton, {}, map()->screenPosition(pick)->toPoint());
        QTest::mouseMove(map(), map()->screenPosition(5001)->toPoint());
        QVERIFY(m_panel->grab().save(dir + "/memory_panel.png"));
        map()->zoomAt(*map()->screenPosition(9601), 12.0);
        QTest::mouseMove(map(), map()->screenPosition(9601)->toPoint());
        QVERIFY(m_panel->grab().save(dir + "/memory_panel_zoomed.png"));
        map()->resetView();
        map()->zoomAt(*map()->screenPosition(kEntries), 3.0);
        QTest::mouseMove(m_panel->timeline(), m_panel->timeline()->rect().center());
        QVERIFY(m_panel->grab().save(dir + "/memory_panel_camera.png"));
        map()->resetView();
    }
};

QTEST_MAIN(TestMemoryPanel)
#include "tst_memory_panel.moc"
