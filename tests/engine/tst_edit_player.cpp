// The live edit player: a file plays through the chain without dropping a frame, pauses, steps, seeks and loops;
// parameters apply to the next frame (and re-edit a paused frame); a module that fails mid-stream stops the player
// with its message and a new chain recovers it; a live source that outruns the chain drops its oldest frames.
#include "support/TestFrames.hpp"

#include "mnemo/edit/EditPlayer.hpp"
#include "mnemo/media/VideoEncoder.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <cmath>
#include <functional>
#include <thread>

using namespace mnemo;
using namespace mnemo::edit;

namespace {

constexpr uint32_t kW = 96, kH = 64;

// The shared sine texture, 2 px a frame to the right.
std::shared_ptr<Frame> texture(int t, uint32_t w = kW, uint32_t h = kH) { return testing::panning(w, h, t, 2.0f); }

// Polls until `done` holds or `seconds` pass.
bool waitFor(const std::function<bool()> &done, double seconds = 20) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return done();
}

std::vector<ChainLink> links(const std::string &modules, const std::vector<std::string> &params = {}) {
    auto parsed = parseChain(modules, params);
    if (!parsed.ok()) qFatal("%s", parsed.message().c_str());
    return parsed.value();
}

} // namespace

class TestEditPlayer : public QObject {
    Q_OBJECT
    std::unique_ptr<modules::ModuleEnvironment> m_env;
    QTemporaryDir m_tmp;
    QString m_clip;
    static constexpr int kFrames = 24;

    std::unique_ptr<EditPlayer> open(EditPlayerConfig config) {
        auto player = EditPlayer::open(*m_env, std::move(config));
        if (!player.ok()) qFatal("%s", player.message().c_str());
        return std::move(player.value());
    }

private slots:
    void initTestCase() {
        m_env = modules::ModuleEnvironment::create({MNEMO_BINARY_DIR "/plugins", MNEMO_BINARY_DIR "/test-plugins"});
        m_clip = m_tmp.filePath("clip.mkv");
        auto encoder = media::VideoEncoder::open({m_clip.toStdString(), kW, kH, 60.0, media::VideoCodec::FFV1});
        QVERIFY(encoder.ok());
        for (int t = 0; t < kFrames; ++t) QVERIFY(encoder.value()->write(*texture(t)).ok());
        QVERIFY(encoder.value()->finish().ok());
    }

    void opensOnTheFirstFrameAndPlaysEveryFrameOnce() {
        EditPlayerConfig config{m_clip.toStdString(), links("color"), 1, false};
        config.gpu = GpuUse::Always; // color's Vulkan path, lavapipe included
        auto player = open(config);
        QVERIFY(waitFor([&] { return player->stats().framesEdited == 1; }));
        auto first = player->takePreview();
        QVERIFY(first && first->source && first->result);
        QCOMPARE(first->index, uint64_t(0));
        QCOMPARE(player->stats().state, PlayerState::Paused);
        player->setPlaying(true);
        QVERIFY(waitFor([&] { return player->stats().state == PlayerState::Ended; }));
        const EditPlayerStats stats = player->stats();
        QCOMPARE(stats.framesEdited, uint64_t(kFrames)); // a file never drops: every frame was edited
        QCOMPARE(stats.framesDropped, uint64_t(0));
        QCOMPARE(stats.position, uint64_t(kFrames - 1));
        const edit::FrameRecords snapshot = player->records();
        const auto records = snapshot.range(0, UINT64_MAX);
        QCOMPARE(records.size(), size_t(kFrames));
        QCOMPARE(records.front()->warpError, -1.0); // nothing before the first frame
        QVERIFY(records.back()->warpError >= 0 && records.back()->warpError < 5); // a neutral grade is consistent
        QCOMPARE(records.back()->linkMs.size(), size_t(1));
        QCOMPARE(stats.gpu, m_env->vulkan != nullptr); // color has a GPU path: one upload, one readback
        QCOMPARE(stats.gpuCopiesPerFrame, m_env->vulkan ? 2.0 : 0.0);
    }

    // An interpolating chain (blend-frames, a fixture: 3 frames per source frame): the frames in between are shown
    // in order, spread over the source frame's time, with the source frame's own result last; records, the meter and
    // framesEdited count source frames.
    void anInterpolatorsFramesAreShownInOrder() {
        EditPlayerConfig config{m_clip.toStdString(), links("blend-frames", {"blend-frames.factor=3"}), 1, false};
        auto player = open(config);
        QVERIFY(waitFor([&] { return player->stats().framesEdited == 1; }));
        player->setPlaying(true);
        std::vector<double> shown;
        size_t between = 0;
        bool sameIndex = true; // a pair's result belongs to its source frame
        QVERIFY(waitFor([&] {
            if (auto p = player->takePreview()) {
                shown.push_back(p->result->position());
                between += p->result->interpolated() ? 1 : 0;
                sameIndex = sameIndex && p->index == p->result->index && p->source->index == p->index;
            }
            return player->stats().state == PlayerState::Ended && !player->takePreview();
        }));
        QVERIFY(sameIndex);
        QVERIFY2(between > 0, "no frame in between was shown");
        for (size_t i = 1; i < shown.size(); ++i) QVERIFY(shown[i] > shown[i - 1]);
        QCOMPARE(shown.back(), double(kFrames - 1));
        const EditPlayerStats stats = player->stats();
        QCOMPARE(stats.framesEdited, uint64_t(kFrames));
        QCOMPARE(stats.framesPerInput, 3u);
        QCOMPARE(player->records().range(0, UINT64_MAX).size(), size_t(kFrames));
    }

    void stepsSeeksAndStepsBack() {
        auto player = open({m_clip.toStdString(), links("color"), 1, false});
        QVERIFY(waitFor([&] { return player->stats().framesEdited == 1; }));
        player->step(3);
        QVERIFY(waitFor([&] { return player->stats().position == 3; }));
        player->seekFrame(17);
        QVERIFY(waitFor([&] { return player->stats().position == 17; }));
        player->step(-2);
        QVERIFY(waitFor([&] { return player->stats().position == 15; }));
        QCOMPARE(player->stats().state, PlayerState::Paused);
        auto preview = player->takePreview();
        QVERIFY(preview);
        QCOMPARE(preview->index, uint64_t(15));
        QVERIFY(preview->source->rgba == texture(15)->rgba); // FFV1 is lossless: the seek landed on the right frame
    }

    void aParameterReeditsThePausedFrame() {
        auto player = open({m_clip.toStdString(), links("color"), 1, false});
        QVERIFY(waitFor([&] { return player->stats().framesEdited == 1; }));
        const auto before = player->takePreview();
        QVERIFY(before);
        player->setParam(0, "exposure", 1.5);
        std::shared_ptr<const PreviewPair> after;
        QVERIFY(waitFor([&] { return (after = player->takePreview()) != nullptr; }));
        QCOMPARE(after->index, before->index);
        QVERIFY(after->result->rgba != before->result->rgba);
        QVERIFY(after->source->rgba == before->source->rgba);
        QCOMPARE(player->chain().front().params.at("exposure"), 1.5);
    }

    void differenceViewShowsWhatTheChainChanged() {
        EditPlayerConfig config{m_clip.toStdString(), links("color", {"color.exposure=1"}), 1, false};
        config.makeDifference = true;
        auto player = open(config);
        std::shared_ptr<const PreviewPair> pair;
        QVERIFY(waitFor([&] { return (pair = player->takePreview()) != nullptr; }));
        QVERIFY(pair->difference);
        const size_t i = (size_t(kH / 2) * kW + kW / 2) * 4;
        const int expected = std::min(255, 4 * std::abs(int(pair->source->rgba[i]) - int(pair->result->rgba[i])));
        QCOMPARE(int(pair->difference->rgba[i]), expected);
    }

    void aModuleFailingMidStreamStopsWithItsMessageAndANewChainRecovers() {
        auto player = open({m_clip.toStdString(), links("flaky-edit", {"flaky-edit.fail_at=5"}), 1, false});
        player->setPlaying(true);
        QVERIFY(waitFor([&] { return player->stats().state == PlayerState::Failed; }));
        const EditPlayerStats failed = player->stats();
        QVERIFY2(QString::fromStdString(failed.problem).contains("out of memory at frame 5"), failed.problem.c_str());
        QCOMPARE(failed.position, uint64_t(4)); // what was edited before stays
        player->setChain(links("flaky-edit"));
        player->setPlaying(true);
        QVERIFY(waitFor([&] { return player->stats().state == PlayerState::Ended; }));
        QVERIFY(player->stats().problem.empty());
    }

    // An isolated module that crashes: the player stops with the reason, or (restart chosen) makes the chain again
    // and edits every frame; a module that fails on every frame still stops it after three tries.
    void anIsolatedModuleThatCrashesStopsOrRestarts() {
        m_env->host->setIsolation("flaky-edit", {true, 5000});
        for (bool restart : {false, true}) {
            EditPlayerConfig config{m_clip.toStdString(), links("flaky-edit", {"flaky-edit.crash_at_call=4"}), 1, false};
            config.restartFailedChain = restart;
            config.measureConsistency = false;
            auto player = open(config);
            player->setPlaying(true);
            QVERIFY(waitFor([&] {
                const auto state = player->stats().state;
                return state == PlayerState::Failed || state == PlayerState::Ended;
            }));
            const EditPlayerStats stats = player->stats();
            if (restart) {
                QCOMPARE(stats.state, PlayerState::Ended);
                QCOMPARE(stats.framesEdited, uint64_t(kFrames));
                QVERIFY(stats.chainRestarts >= 1);
                QVERIFY2(stats.lastRestartReason.find("crashed (SIGSEGV)") != std::string::npos,
                         stats.lastRestartReason.c_str());
            } else {
                QCOMPARE(stats.state, PlayerState::Failed);
                QVERIFY2(stats.problem.find("crashed (SIGSEGV)") != std::string::npos, stats.problem.c_str());
            }
        }
        EditPlayerConfig always{m_clip.toStdString(), links("flaky-edit", {"flaky-edit.fail_at=3"}), 1, false};
        always.restartFailedChain = true;
        auto player = open(always);
        player->setPlaying(true);
        QVERIFY(waitFor([&] { return player->stats().state == PlayerState::Failed; }));
        QCOMPARE(player->stats().chainRestarts, 3u);
        m_env->host->setIsolation("flaky-edit", {});
    }

    void loopsBackToTheStart() {
        EditPlayerConfig config{m_clip.toStdString(), links("color"), 1, true};
        auto player = open(config);
        player->setPlaying(true);
        QVERIFY(waitFor([&] { return player->stats().framesEdited > uint64_t(kFrames + 3); }));
        QVERIFY(player->stats().state == PlayerState::Playing);
        QVERIFY(player->stats().position < uint64_t(kFrames));
    }

    void aLiveSourceDropsTheOldestWhenTheChainFallsBehind() {
        auto player = open({"", links("flaky-edit", {"flaky-edit.delay_ms=40"}), 1, false});
        QVERIFY(player->stats().live);
        player->setPlaying(true);
        for (int t = 0; t < 40; ++t) {
            player->pushLive(texture(t));
            std::this_thread::sleep_for(std::chrono::milliseconds(5)); // 200 fps in, 25 fps out
        }
        QVERIFY(waitFor([&] { return player->stats().framesEdited + player->stats().framesDropped == 40; }));
        const EditPlayerStats stats = player->stats();
        QVERIFY2(stats.framesDropped >= 20, qPrintable(QString::number(stats.framesDropped)));
        QVERIFY(stats.framesEdited >= 2);
        auto newest = player->takePreview();
        QVERIFY(newest);
        QVERIFY(newest->source->rgba == texture(39)->rgba); // the newest frame always gets through
    }

    void aLiveStreamThatChangesSizeRestartsTheChain() {
        auto player = open({"", links("color"), 1, false});
        player->setPlaying(true);
        player->pushLive(texture(0));
        QVERIFY(waitFor([&] { return player->stats().framesEdited == 1; }));
        player->pushLive(texture(1, 64, 48));
        QVERIFY(waitFor([&] { return player->stats().framesEdited == 2; }));
        QCOMPARE(player->stats().width, 64u);
        QCOMPARE(player->stats().state, PlayerState::Playing);
    }

    // A live frame the World made in between two of its frames (its output interpolator's) is a frame of the live
    // stream like any other: edited, counted, not taken for a part of the one before.
    void aLiveFrameMadeInBetweenIsAFrameOfItsOwn() {
        auto player = open({"", links("color"), 1, false});
        player->setPlaying(true);
        for (int t = 0; t < 3; ++t) {
            auto f = texture(t);
            f->part = 0;
            f->parts = t == 1 ? 2 : 1;
            player->pushLive(f);
            QVERIFY(waitFor([&] { return player->stats().framesEdited == uint64_t(t + 1); }));
        }
        QCOMPARE(player->stats().state, PlayerState::Playing);
        QVERIFY(player->stats().problem.empty());
    }

    void anUnreadableSourceIsNamed() {
        const QString bogus = m_tmp.filePath("notes.mkv");
        QFile f(bogus);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a video at all");
        f.close();
        auto player = EditPlayer::open(*m_env, {bogus.toStdString(), links("color"), 1, false});
        QVERIFY(!player.ok());
        QVERIFY2(QString::fromStdString(player.message()).contains("notes.mkv"), player.message().c_str());
    }

    // The records' snapshots share chunks with the player's store: a later write (a new frame, a re-edited one) must
    // leave a snapshot exactly as it was, in either order of copying.
    void recordSnapshotsStayAsTaken() {
        edit::FrameRecords live;
        for (uint64_t i = 0; i < 3000; ++i) live.put({i, double(i), {1.0f}});
        QCOMPARE(live.size(), size_t(3000));
        const edit::FrameRecords before = live;
        live.put({5, -7.0, {}});   // replaces frame 5 (a chunk the snapshot shares)
        live.put({3000, 1.0, {}}); // a new frame
        QCOMPARE(before.size(), size_t(3000));
        QCOMPARE(before.range(5, 6).front()->warpError, 5.0);
        QCOMPARE(live.range(5, 6).front()->warpError, -7.0);
        QCOMPARE(live.size(), size_t(3001));
        QCOMPARE(*live.lastIndex(), uint64_t(3000));
        edit::FrameRecords assigned;
        assigned = live;           // an assigned copy shares too
        assigned.put({6, -1.0, {}});
        QCOMPARE(live.range(6, 7).front()->warpError, 6.0);
        live.put({7, -2.0, {}});
        QCOMPARE(assigned.range(7, 8).front()->warpError, 7.0);
        const auto middle = live.range(1020, 1030);
        QCOMPARE(middle.size(), size_t(10));
        for (size_t k = 0; k < middle.size(); ++k) QCOMPARE(middle[k]->index, uint64_t(1020 + k));
        live.keepNewest(1500);     // whole chunks, oldest first, keeping at least 1500
        QCOMPARE(live.size(), size_t(3001 - 1024));
        QVERIFY(live.range(0, 1024).empty());
        QCOMPARE(before.size(), size_t(3000));
    }
};

QTEST_GUILESS_MAIN(TestEditPlayer)
#include "tst_edit_player.moc"
