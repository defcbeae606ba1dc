// The world pipeline end to end on real modules: chunked stepping, ordered lossless recording, the display's
// drop-oldest policy keeping latency bounded under a slow engine and a slow display, pause/resume/reset, and
// determinism of the reference world (same seed and camera, same pixels).
#include "mnemo/core/Clock.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/session/FrameComparer.hpp"
#include "mnemo/world/WorldPipeline.hpp"

#include <QDir>
#include <QFile>
#include <QTest>

#include <condition_variable>
#include <mutex>
#include <thread>

using namespace mnemo;
using namespace mnemo::world;
using namespace mnemo::camera;

namespace {
std::vector<std::shared_ptr<const WorldFrame>> drain(WorldPipeline &p, size_t expected) {
    std::vector<std::shared_ptr<const WorldFrame>> out;
    while (out.size() < expected) {
        auto f = p.record().pop(std::chrono::seconds(30));
        if (!f) break;
        out.push_back(*f);
    }
    return out;
}
} // namespace

class TestWorldPipeline : public QObject {
    Q_OBJECT
    std::unique_ptr<modules::ModuleEnvironment> m_env;

private slots:
    void initTestCase() {
        m_env = modules::ModuleEnvironment::create({MNEMO_BINARY_DIR "/plugins", MNEMO_BINARY_DIR "/test-plugins"});
        QVERIFY2(m_env->vulkan, m_env->vulkanError.c_str());
        QVERIFY(m_env->registry->find("null-world"));
        QVERIFY(m_env->registry->find("slow-world"));
        QVERIFY(m_env->registry->find("reference-world"));
        QVERIFY(m_env->registry->find("memory-probe"));
    }

    void fixedTimestepRecordsEveryFrameInOrder() {
        WorldPipeline p(*m_env->registry);
        WorldPipelineConfig c;
        c.moduleId = "null-world"; // chunk of 4 frames per step
        c.width = 32;
        c.height = 16;
        c.fixedTimestep = true;
        c.maxFrames = 40;
        c.record = true;
        c.recordCapacity = 3; // much smaller than the run: the engine must wait, never drop
        p.start(c);
        const auto frames = drain(p, 40);
        QCOMPARE(frames.size(), size_t(40));
        for (size_t i = 0; i < frames.size(); ++i) QCOMPARE(frames[i]->frame->index, uint64_t(i));
        QTRY_COMPARE(p.state(), WorldPipeline::State::Finished);
        QCOMPARE(p.stats().steps, uint64_t(10));
        QCOMPARE(p.record().droppedCount(), uint64_t(0));
    }

    void missingModuleFailsClearly() {
        WorldPipeline p(*m_env->registry);
        WorldPipelineConfig c;
        c.moduleId = "no-such-world";
        p.start(c);
        QTRY_COMPARE(p.state(), WorldPipeline::State::Failed);
        QVERIFY(p.error().find("no-such-world") != std::string::npos);
    }

    void slowEngineAndSlowDisplayKeepLatencyBounded() {
        WorldPipeline p(*m_env->registry);
        WorldPipelineConfig c;
        c.moduleId = "slow-world";
        c.params = {{"step_ms", 20}};
        c.width = 16;
        c.height = 16;
        c.targetFps = 1000; // ask for more than the engine can do: every step is late
        c.displayCapacity = 2;
        p.start(c);
        // A display that looks only every 150 ms: without dropping, frames would queue up and latency grow.
        for (int i = 0; i < 8; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(150));
            if (auto f = p.display().takeNewest()) p.reportDisplayed(*(*f)->frame);
        }
        const auto s = p.stats();
        p.stop();
        QVERIFY2(s.displayDropped > 20, qPrintable(QString::number(s.displayDropped)));
        QVERIFY(p.display().size() <= 2);
        // The newest frame is at most ~2 steps (2 x 20 ms) old when the display takes it, plus scheduling slack;
        // a growing queue would be seconds behind by now.
        QVERIFY2(s.latencyMsP95 < 120.0, qPrintable(QString::number(s.latencyMsP95)));
        QVERIFY(s.laggedSteps > 0);
    }

    void pauseResumeAndReset() {
        WorldPipeline p(*m_env->registry);
        WorldPipelineConfig c;
        c.moduleId = "null-world";
        c.width = 16;
        c.height = 16;
        c.targetFps = 120;
        p.start(c);
        QTRY_VERIFY(p.stats().framesProduced > 8);
        ControllerTick walk;
        walk.keys = {"KeyW"};
        walk.tUs = mnemo::steadyNowUs();
        p.input().submit(walk);
        QTRY_VERIFY(p.pose()->z > 0.1f);
        p.pause();
        QCOMPARE(p.state(), WorldPipeline::State::Paused);
        std::this_thread::sleep_for(std::chrono::milliseconds(50)); // let an in-flight step finish
        const uint64_t frozen = p.stats().framesProduced;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        QCOMPARE(p.stats().framesProduced, frozen);
        p.resume();
        QTRY_VERIFY(p.stats().framesProduced > frozen);
        p.requestReset(5);
        QTRY_VERIFY(p.pose()->z == 0.0f);
        p.setParam("no_such_param", 1); // rejected by the module: a warning, not a failure
        QTRY_VERIFY(!p.warning().empty());
        QCOMPARE(p.state(), WorldPipeline::State::Running);
        p.stop();
        QCOMPARE(p.state(), WorldPipeline::State::Stopped);
    }

    void referenceWorldIsDeterministic() {
        auto track = makeScriptedTrack("walk", 3, 96, 54);
        QVERIFY(track.ok());
        auto render = [&](uint64_t seed) {
            WorldPipeline p(*m_env->registry);
            WorldPipelineConfig c;
            c.width = 96;
            c.height = 54;
            c.seed = seed;
            c.fixedTimestep = true;
            c.track = track.value();
            c.record = true;
            p.start(c);
            return drain(p, 3);
        };
        const auto a = render(11), b = render(11), other = render(12);
        QCOMPARE(a.size(), size_t(3));
        QCOMPARE(b.size(), size_t(3));
        for (size_t i = 0; i < 3; ++i) QVERIFY(a[i]->frame->rgba == b[i]->frame->rgba);
        QVERIFY(a[0]->frame->rgba != other[0]->frame->rgba);
        QVERIFY(a[0]->frame->rgba != a[2]->frame->rgba); // the camera moved
        // Not a flat image.
        int distinct = 0;
        const auto &px = a[0]->frame->rgba;
        for (size_t i = 4; i < px.size(); i += 4) distinct += px[i] != px[i - 4];
        QVERIFY(distinct > 300);
    }

    // The replay window's Compare Frame, in the engine: a recorded camera rendered again on the comparer's own thread
    // equals the recording (the reference world is deterministic); a failure is an outcome with the reason.
    void frameComparerRendersARecordedCameraAgain() {
        auto track = makeScriptedTrack("walk", 3, 96, 54);
        QVERIFY(track.ok());
        WorldPipeline p(*m_env->registry);
        WorldPipelineConfig c;
        c.width = 96;
        c.height = 54;
        c.seed = 11;
        c.fixedTimestep = true;
        c.track = track.value();
        c.record = true;
        p.start(c);
        const auto recorded = drain(p, 3);
        QCOMPARE(recorded.size(), size_t(3));

        const auto outcomes = compare(c, recorded, {1, 2});
        QVERIFY(!outcomes.empty());
        const auto &last = outcomes.back();
        QCOMPARE(last.id, uint64_t(2)); // the newest request is always served; an older one may be dropped
        QVERIFY2(last.comparison.has_value(), last.problem.c_str());
        QCOMPARE(last.comparison->mse, 0.0);
        QVERIFY(last.engine && last.engine->rgba == recorded[2]->frame->rgba);

        WorldPipelineConfig missing = c;
        missing.moduleId = "no-such-engine";
        const auto refused = compare(missing, recorded, {0});
        QCOMPARE(refused.size(), size_t(1));
        QVERIFY2(refused[0].problem.find("engine 'no-such-engine' is not loaded") != std::string::npos,
                 refused[0].problem.c_str());

        qputenv("MNEMO_FAULT_INJECT", "engine.replay.compare");
        const auto faulted = compare(c, recorded, {0});
        qunsetenv("MNEMO_FAULT_INJECT");
        QCOMPARE(faulted.size(), size_t(1));
        QVERIFY2(faulted[0].problem.find("injected fault") != std::string::npos, faulted[0].problem.c_str());
        QVERIFY(!faulted[0].engine);
    }

    void memoryReachesTheModuleThroughTheAbi() {
        auto track = makeScriptedTrack("out-and-back", 40, 16, 16);
        QVERIFY(track.ok());
        WorldPipeline p(*m_env->registry);
        WorldPipelineConfig c;
        c.moduleId = "memory-probe";
        c.retrieval.excludeRecentFrames = 4; // a short run: let recent frames count as memory
        c.width = 16;
        c.height = 16;
        c.fixedTimestep = true;
        c.track = track.value();
        c.record = true;
        p.start(c);
        const auto frames = drain(p, 40);
        QCOMPARE(frames.size(), size_t(40));
        QCOMPARE(frames[0]->frame->rgba[0], uint8_t(0)); // an empty bank has nothing to give
        const auto &last = frames.back()->frame->rgba;
        QVERIFY(last[0] > 0);    // picks arrived in the step input
        QVERIFY(last[1] > 0);    // the module's own retrieve call worked
        QCOMPARE(last[2], uint8_t(1)); // and a latent it attached earlier came back with a pick
        QVERIFY(!frames.back()->memory.empty());
        QTRY_COMPARE(p.state(), WorldPipeline::State::Finished);
        const auto snapshot = p.memorySnapshot();
        QVERIFY(snapshot);
        QCOMPARE(snapshot->entries.size(), size_t(40));
        QVERIFY(!snapshot->lastRetrieval.picks.empty());
        size_t reads = 0;
        for (const auto &e : snapshot->recentEvents) reads += e.kind == memory::MemoryEventKind::Retrieve;
        QVERIFY(reads > 0);
    }

    void memorySavesAndReloadsIntoANewRun() {
        const QString path = QDir::temp().filePath("mnemo-test-bank.sqlite");
        QFile::remove(path);
        WorldPipelineConfig c;
        c.moduleId = "null-world";
        c.width = 16;
        c.height = 16;
        c.fixedTimestep = true;
        c.maxFrames = 12;
        c.record = true;
        {
            WorldPipeline p(*m_env->registry);
            p.start(c);
            drain(p, 12);
            p.requestMemorySave(path.toStdString());
            QTRY_COMPARE(p.state(), WorldPipeline::State::Finished);
        }
        QVERIFY(QFile::exists(path));
        c.memoryLoadPath = path.toStdString();
        c.maxFrames = 16; // frame numbering continues after the loaded entries
        WorldPipeline again(*m_env->registry);
        again.start(c);
        const auto frames = drain(again, 4);
        QCOMPARE(frames.size(), size_t(4));
        QCOMPARE(frames.front()->frame->index, uint64_t(12));
        QTRY_VERIFY(again.memorySnapshot() && again.memorySnapshot()->entries.size() == 16);
        c.memoryLoadPath = "/nonexistent/bank.sqlite";
        WorldPipeline broken(*m_env->registry);
        broken.start(c);
        QTRY_COMPARE(broken.state(), WorldPipeline::State::Failed);
        QVERIFY(broken.error().find("/nonexistent/bank.sqlite") != std::string::npos);
        QFile::remove(path);
    }

private:
    // Requests the frames `which` one after the other and collects the outcomes until the last one arrived.
    std::vector<session::FrameComparer::Outcome> compare(const WorldPipelineConfig &config,
                                                         const std::vector<std::shared_ptr<const WorldFrame>> &frames,
                                                         const std::vector<size_t> &which) {
        std::mutex mutex;
        std::condition_variable arrived;
        std::vector<session::FrameComparer::Outcome> outcomes;
        {
            session::FrameComparer comparer(*m_env, config, [&](session::FrameComparer::Outcome o) {
                std::lock_guard lock(mutex);
                outcomes.push_back(std::move(o));
                arrived.notify_all();
            });
            for (size_t i : which) {
                session::FrameRow row;
                row.camera = frames[i]->camera;
                row.controller = frames[i]->tick;
                comparer.request({uint64_t(i), row, frames[i]->frame});
            }
            std::unique_lock lock(mutex);
            arrived.wait_for(lock, std::chrono::seconds(60),
                             [&] { return !outcomes.empty() && outcomes.back().id == which.back(); });
        }
        return outcomes;
    }

private slots:
    // An output chain (blend-frames, a fixture: 2 frames per world frame) after the module: each world frame is
    // recorded after a frame made in between, which keeps its index, is marked, and was seen from the camera halfway
    // between its neighbours'; memory holds the module's frames only.
    void outputChainAddsFramesInBetween() {
        WorldPipeline p(*m_env->registry);
        WorldPipelineConfig c;
        c.width = 64;
        c.height = 36;
        c.fixedTimestep = true;
        c.maxFrames = 6;
        c.record = true;
        c.track = makeScriptedTrack("walk", 6, c.width, c.height, 30).value();
        c.outputChain = edit::parseChain("blend-frames", {}).value();
        p.start(c);
        const auto frames = drain(p, 12);
        QCOMPARE(frames.size(), size_t(12));
        for (size_t i = 0; i < frames.size(); ++i) {
            QCOMPARE(frames[i]->frame->index, uint64_t(i / 2));
            QCOMPARE(frames[i]->frame->interpolated(), i % 2 == 0);
        }
        for (size_t k = 1; k < 6; ++k) {
            const auto &before = frames[2 * k - 1]->camera.c2w, &mid = frames[2 * k]->camera.c2w,
                       &after = frames[2 * k + 1]->camera.c2w;
            for (size_t i = 12; i < 15; ++i) QVERIFY(std::abs(mid[i] - (before[i] + after[i]) / 2) < 1e-4f);
        }
        QVERIFY(frames[3]->camera.c2w != frames[1]->camera.c2w); // the walk moves: the check above means something
        QTRY_COMPARE(p.state(), WorldPipeline::State::Finished);
        QCOMPARE(p.stats().framesProduced, uint64_t(6));
        QCOMPARE(p.stats().framesPerWorldFrame, 2u);
        QCOMPARE(p.memorySnapshot()->entries.size(), size_t(6));
    }

    // In real time the display (which shows the newest frame) sees the frames in between: the presenter spreads them
    // over the world frame's time instead of handing them over at once.
    void outputChainFramesReachTheDisplay() {
        WorldPipeline p(*m_env->registry);
        WorldPipelineConfig c;
        c.moduleId = "null-world";
        c.width = 32;
        c.height = 16;
        c.targetFps = 20;
        c.maxFrames = 24;
        c.outputChain = edit::parseChain("blend-frames", {"blend-frames.factor=3"}).value();
        p.start(c);
        size_t between = 0, shown = 0;
        while (p.state() == WorldPipeline::State::Starting || p.state() == WorldPipeline::State::Running) {
            if (auto f = p.display().takeNewest()) ++shown, between += (*f)->frame->interpolated() ? 1 : 0;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        qInfo("shown %zu frames, %zu of them in between", shown, between);
        QVERIFY(between > 0);
    }

    // An output chain that cannot be made, or holds an edit that is not an interpolator (it would change the frames
    // the recording keeps), ends the run with a message naming it.
    void outputChainErrorsNameIt() {
        for (const char *chain : {"no-such-edit", "blend-frames,color"}) {
            WorldPipeline p(*m_env->registry);
            WorldPipelineConfig c;
            c.moduleId = "null-world";
            c.width = 32;
            c.height = 16;
            c.outputChain = edit::parseChain(chain, {}).value();
            p.start(c);
            QTRY_COMPARE(p.state(), WorldPipeline::State::Failed);
            const std::string named = std::string(chain) == "no-such-edit" ? "no-such-edit" : "'color'";
            QVERIFY2(p.error().find("output chain") != std::string::npos && p.error().find(named) != std::string::npos,
                     p.error().c_str());
        }
    }

    void cleanupTestCase() {
        QCOMPARE(m_env->vulkan->validationErrorCount(), 0u);
        m_env.reset();
    }
};

QTEST_APPLESS_MAIN(TestWorldPipeline)
#include "tst_world_pipeline.moc"
