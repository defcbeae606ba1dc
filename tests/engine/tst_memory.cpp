// Memory bank and camera-aware retrieval on hand-built scenes where the right answer is known.
#include "mnemo/memory/MemorySnapshot.hpp"
#include "mnemo/memory/Retrieval.hpp"
#include "mnemo/metrics/ImageMetrics.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <set>

using namespace mnemo;
using namespace mnemo::memory;
using namespace mnemo::camera;

namespace {
CameraFrame cameraAt(float x, float z, float yawDeg, float pitchDeg = 0) {
    CameraPose p;
    p.x = x;
    p.z = z;
    p.yawDeg = yawDeg;
    p.pitchDeg = pitchDeg;
    return {poseToCameraToWorld(p), intrinsicsFromHorizontalFov(90, 64, 36)};
}

Frame flatFrame(uint8_t v, uint32_t w = 64, uint32_t h = 36) {
    Frame f;
    f.width = w;
    f.height = h;
    f.rgba.assign(size_t(w) * h * 4, v);
    return f;
}
} // namespace

class TestMemory : public QObject {
    Q_OBJECT
private slots:
    void facingTheSameWallTwicePicksThatView() {
        MemoryBank bank;
        const uint64_t wall = bank.add(0, 0, 0, cameraAt(0, 0, 0), nullptr);     // looks along +z
        const uint64_t behind = bank.add(1, 0, 1, cameraAt(0, 0, 180), nullptr); // looks along -z
        bank.add(2, 0, 2, cameraAt(0, 0, 90), nullptr);                          // looks along -x
        for (auto params : {RetrievalParams::worldMem(), RetrievalParams::matrixGame()}) {
            params.recencyWeight = 0;
            // Back at the start a bit later, facing +z again: the +z view must win, and the -z one never appears.
            const auto r = retrieve(bank, {cameraAt(0.5f, 1.0f, 0)}, 100, params);
            QVERIFY(!r.picks.empty());
            QCOMPARE(r.picks[0].entryId, wall);
            QVERIFY(r.picks[0].overlap > 0.5f);
            for (const auto &p : r.picks) QVERIFY(p.entryId != behind);
        }
    }

    void facingAwayPicksTheOtherView() {
        MemoryBank bank;
        bank.add(0, 0, 0, cameraAt(0, 0, 0), nullptr);
        const uint64_t behind = bank.add(1, 0, 1, cameraAt(0, 0, 180), nullptr);
        const auto r = retrieve(bank, {cameraAt(0, -2.0f, 180)}, 100, RetrievalParams::worldMem());
        QVERIFY(!r.picks.empty());
        QCOMPARE(r.picks[0].entryId, behind);
        const auto mg = retrieve(bank, {cameraAt(0, -2.0f, 180)}, 100, RetrievalParams::matrixGame());
        QCOMPARE(mg.picks.size(), size_t(1));
        QCOMPARE(mg.picks[0].entryId, behind);
    }

    void theContextWindowIsNotMemory() {
        MemoryBank bank;
        const uint64_t old = bank.add(0, 0, 0, cameraAt(0, 0, 0), nullptr);
        bank.add(95, 0, 95, cameraAt(0, 0.1f, 0), nullptr); // just generated: the model's context, not memory
        const auto r = retrieve(bank, {cameraAt(0, 0.2f, 0)}, 100, RetrievalParams::worldMem());
        QCOMPARE(r.picks.size(), size_t(1));
        QCOMPARE(r.picks[0].entryId, old);
    }

    void nothingInViewMeansNoPicks() {
        MemoryBank bank;
        bank.add(0, 0, 0, cameraAt(0, 0, 0), nullptr);
        const auto r = retrieve(bank, {cameraAt(500, 500, 0)}, 10, RetrievalParams::worldMem());
        QVERIFY(r.picks.empty());
        QCOMPARE(r.candidates, 0u);
    }

    void greedyNeverReturnsAnEntryTwiceAndCoversDisjointPoints() {
        MemoryBank bank;
        for (int i = 0; i < 400; ++i) bank.add(uint64_t(i), 0, uint64_t(i), cameraAt(float(i % 20) - 10, float(i / 20) - 10, float(i * 37 % 360)), nullptr);
        RetrievalParams params = RetrievalParams::worldMem();
        params.mergeTwins = false;
        params.exhaustive = true;
        const auto r = retrieve(bank, {cameraAt(0, 0, 20)}, 400, params);
        QVERIFY(r.picks.size() >= 2);
        std::set<uint64_t> ids;
        float coveredSum = 0;
        for (const auto &p : r.picks) {
            QVERIFY(ids.insert(p.entryId).second);
            QVERIFY(p.covered > 0);
            coveredSum += p.covered;
        }
        QVERIFY(coveredSum <= 1.0001f); // greedy removal: no point is covered twice
        // Fewer than K picks only when the picks already cover (almost) everything there is to cover.
        QVERIFY2(r.picks.size() == 8 || coveredSum > 0.95f, qPrintable(QString::number(coveredSum)));
        // The fast path (short list from a coarse pass) agrees with exhaustive scoring on the first pick.
        params.exhaustive = false;
        QCOMPARE(retrieve(bank, {cameraAt(0, 0, 20)}, 400, params).picks.front().entryId, r.picks.front().entryId);
        for (size_t i = 0; i < r.pointCoveredBy.size(); ++i) QVERIFY(r.pointCoveredBy[i] < int32_t(r.picks.size()));
    }

    void retrievalIsDeterministicForASeed() {
        MemoryBank bank;
        for (int i = 0; i < 200; ++i) bank.add(uint64_t(i), 0, uint64_t(i), cameraAt(float(i % 10), float(i / 10), float(i * 13 % 360)), nullptr);
        RetrievalParams p = RetrievalParams::worldMem();
        p.seed = 42;
        const auto a = retrieve(bank, {cameraAt(3, 3, 10)}, 200, p), b = retrieve(bank, {cameraAt(3, 3, 10)}, 200, p);
        QCOMPARE(a.picks.size(), b.picks.size());
        for (size_t i = 0; i < a.picks.size(); ++i) QCOMPARE(a.picks[i].entryId, b.picks[i].entryId);
        QVERIFY(a.queryPoints == b.queryPoints);
        p.seed = 43;
        QVERIFY(retrieve(bank, {cameraAt(3, 3, 10)}, 200, p).queryPoints != a.queryPoints);
    }

    void recencyPenaltyPrefersTheNewerOfTwoEqualViews() {
        MemoryBank bank;
        bank.add(0, 0, 0, cameraAt(0, 0, 0), nullptr);
        const uint64_t newer = bank.add(60, 0, 60, cameraAt(0, 0, 0), nullptr);
        RetrievalParams p = RetrievalParams::worldMem();
        p.mergeTwins = false;
        const auto r = retrieve(bank, {cameraAt(0, 0.5f, 0)}, 100, p);
        QCOMPARE(r.picks[0].entryId, newer);
        QVERIFY(std::fabs(r.picks[0].recencyPenalty - 0.2f * 40.0f / 100.0f) < 1e-6f); // weight x age / now
        QCOMPARE(r.picks.size(), size_t(1)); // the older twin covers nothing new
    }

    void twinMergingMatchesExactScoringOnRevisits() {
        MemoryBank bank;
        // Ten laps over the same 30 poses (one per 2-unit twin square): 300 entries, 30 places.
        for (int lap = 0; lap < 10; ++lap)
            for (int i = 0; i < 30; ++i) bank.add(uint64_t(lap * 30 + i), 0, 0, cameraAt(0.5f, float(i) * 2.0f + 1.0f, 0), nullptr);
        RetrievalParams merged = RetrievalParams::worldMem(), exact = merged;
        exact.mergeTwins = false;
        const auto a = retrieve(bank, {cameraAt(0.5f, 9, 0)}, 300, merged), b = retrieve(bank, {cameraAt(0.5f, 9, 0)}, 300, exact);
        QVERIFY(a.candidates < b.candidates);
        QCOMPARE(a.picks.front().frameIndex, b.picks.front().frameIndex);
        QVERIFY(std::fabs(a.picks.front().score - b.picks.front().score) < 1e-6f);
    }

    void fifoEvictionKeepsTheBudgetAndLogsEvents() {
        MemoryBankConfig config;
        config.policy = EvictionPolicy::FifoWindow;
        config.thumbnailWidth = 16;
        const Frame f = flatFrame(100);
        MemoryBank probe(config);
        probe.add(0, 0, 0, cameraAt(0, 0, 0), &f);
        config.byteBudget = probe.bytes() * 10;
        MemoryBank bank(config);
        for (int i = 0; i < 50; ++i) bank.add(uint64_t(i), 0, uint64_t(i), cameraAt(float(i), 0, 0), &f);
        QVERIFY(bank.bytes() <= config.byteBudget);
        QCOMPARE(bank.size(), size_t(10));
        QCOMPARE(bank.entries().front().frameIndex, uint64_t(40)); // the oldest went first
        QCOMPARE(bank.evictedCount(), uint64_t(40));
        size_t evictEvents = 0;
        for (const auto &e : bank.events()) evictEvents += e.kind == MemoryEventKind::Evict;
        QCOMPARE(evictEvents, size_t(40));
    }

    void coverageThinningKeepsPlacesAndDropsRepeats() {
        MemoryBankConfig config;
        config.policy = EvictionPolicy::CoverageThinning;
        config.thumbnailWidth = 0;
        MemoryBank probe(config);
        probe.add(0, 0, 0, cameraAt(0, 0, 0), nullptr);
        config.byteBudget = probe.bytes() * 12;
        MemoryBank bank(config);
        const uint64_t lonely = bank.add(0, 0, 0, cameraAt(50, 50, 90), nullptr); // a place seen once, long ago
        for (int i = 1; i < 60; ++i) bank.add(uint64_t(i), 0, uint64_t(i), cameraAt(0, 0, 0), nullptr); // one view, repeated
        QVERIFY(bank.bytes() <= config.byteBudget);
        QVERIFY(bank.find(lonely));                          // FIFO would have dropped it first
        QCOMPARE(bank.entries().back().frameIndex, uint64_t(59)); // and the newest repeat stays
    }

    void keepAllNeverEvicts() {
        MemoryBankConfig config;
        config.byteBudget = 1;
        MemoryBank bank(config);
        for (int i = 0; i < 20; ++i) bank.add(uint64_t(i), 0, 0, cameraAt(0, 0, 0), nullptr);
        QCOMPARE(bank.size(), size_t(20));
    }

    void saveAndLoadRoundTrip() {
        MemoryBank bank;
        const Frame f = flatFrame(77);
        for (int i = 0; i < 5; ++i) bank.add(uint64_t(i), i * 1000, uint64_t(i), cameraAt(float(i), 1, 30), &f, {uint8_t(i), 9});
        bank.recordRetrieval(4, bank.entries()[1].id, 0.5f, 0.25f);
        QTemporaryDir dir;
        const std::string path = dir.filePath("bank.sqlite").toStdString();
        QVERIFY(bank.save(path).ok());
        auto loaded = MemoryBank::load(path);
        QVERIFY2(loaded.ok(), loaded.message().c_str());
        QCOMPARE(loaded->size(), size_t(5));
        QCOMPARE(loaded->entries()[3].camera.c2w, bank.entries()[3].camera.c2w);
        QCOMPARE(*loaded->entries()[2].thumbnail, *bank.entries()[2].thumbnail);
        QCOMPARE(loaded->entries()[4].latent, (std::vector<uint8_t>{4, 9}));
        QCOMPARE(loaded->entries()[1].readCount, 1u);
        QCOMPARE(loaded->events().size(), bank.events().size());
        // Retrieval on the loaded bank gives the same answer.
        const auto a = retrieve(bank, {cameraAt(2, 0, 30)}, 100, RetrievalParams::worldMem());
        const auto b = retrieve(loaded.value(), {cameraAt(2, 0, 30)}, 100, RetrievalParams::worldMem());
        QCOMPARE(a.picks.front().entryId, b.picks.front().entryId);
    }

    void malformedBankFilesGiveClearErrors() {
        QVERIFY(MemoryBank::load("/nonexistent/bank.sqlite").message().find("/nonexistent/bank.sqlite") !=
                std::string::npos);
        QTemporaryDir dir;
        const std::string garbage = dir.filePath("garbage.sqlite").toStdString();
        std::ofstream(garbage) << "this is not a database at all, just text pretending";
        const auto r = MemoryBank::load(garbage);
        QVERIFY(!r.ok());
        QVERIFY2(r.message().find("garbage.sqlite") != std::string::npos, r.message().c_str());
    }

    void snapshotCarriesEntriesAndRetrieval() {
        MemoryBank bank;
        const Frame f = flatFrame(10);
        for (int i = 0; i < 10; ++i) bank.add(uint64_t(i), 0, uint64_t(i), cameraAt(0, float(i), 0), &f);
        const auto r = retrieve(bank, {cameraAt(0, 3, 0)}, 100, RetrievalParams::worldMem());
        const CameraFrame cam = cameraAt(0, 3, 0);
        const auto snap = makeSnapshot(bank, 10, r, RetrievalParams::worldMem(), &cam);
        QCOMPARE(snap->entries.size(), size_t(10));
        QVERIFY(snap->find(snap->entries[4].id));
        QCOMPARE(snap->entries[4].z, 4.0f);
        QVERIFY(std::fabs(snap->entries[4].yawDeg) < 1e-4f);
        QCOMPARE(snap->lastRetrieval.picks.size(), r.picks.size());
        QVERIFY(snap->entries[0].thumbnail.get() == bank.entries()[0].thumbnail.get()); // shared, not copied
    }

    void imageMetrics() {
        const Frame a = flatFrame(100), b = flatFrame(110);
        const auto same = metrics::compareFrames(a, a).value();
        QVERIFY(std::isinf(same.psnr));
        QCOMPARE(same.ssim, 1.0);
        const auto diff = metrics::compareFrames(a, b).value();
        QCOMPARE(diff.mse, 100.0);
        QVERIFY(std::fabs(diff.psnr - 10.0 * std::log10(65025.0 / 100.0)) < 1e-9);
        QVERIFY(diff.ssim < 1.0);
        QVERIFY(!metrics::compareFrames(a, flatFrame(1, 8, 8)).ok());
    }
};

QTEST_APPLESS_MAIN(TestMemory)
#include "tst_memory.moc"
