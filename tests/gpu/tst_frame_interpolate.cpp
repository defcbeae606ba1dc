// The frame-interpolate edit module (RIFE v4.6 from tools/nn-models.sh; skipped, saying so, without the npm
// registry): its frame in between is what `mnemo-cli nn interpolate` makes from the same two frames (which
// tst_nn_reference checks against rife-ncnn-vulkan), the CPU reference agrees with Vulkan, each source frame comes
// out `factor` times with itself last, a scene cut holds the new shot instead of blending, missing weights say how to
// fetch them, and `mnemo-cli edit` writes the multiplied rate.
#include "support/NnModels.hpp"
#include "support/TestFrames.hpp"

#include "mnemo/edit/EditChain.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"

#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace mnemo;

namespace {

constexpr uint32_t kW = 72, kH = 40; // padded to 96x64 for RIFE

// Value noise moved 3 px a frame: a motion RIFE's flow follows.
edit::FramePtr picture(uint64_t index) {
    return testing::textured(kW, kH, int(index) * 3, 0, index);
}

bool savePng(const Frame &f, const QString &path) {
    return QImage(f.rgba.data(), int(f.width), int(f.height), QImage::Format_RGBA8888).save(path);
}

} // namespace

class TestFrameInterpolate : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    QString m_models;
    std::unique_ptr<modules::ModuleEnvironment> m_env;

    Result<std::unique_ptr<edit::EditChain>> chain(std::vector<std::string> params,
                                                   const std::string &modules = "frame-interpolate") {
        params.push_back("frame-interpolate.models=" + m_models.toStdString());
        auto links = edit::parseChain(modules, params);
        if (!links.ok()) return links.status();
        return edit::EditChain::create(*m_env, links.value(), kW, kH);
    }

    // Two pushes (frames 0 and 1); the second push's outputs.
    std::vector<edit::FramePtr> stepOnce(const std::vector<std::string> &params, edit::FramePtr second = picture(1)) {
        auto made = chain(params);
        if (!made.ok()) qFatal("%s", made.message().c_str());
        auto first = made.value()->push(picture(0));
        if (!first.ok()) qFatal("%s", first.message().c_str());
        auto out = made.value()->push(std::move(second));
        if (!out.ok()) qFatal("%s", out.message().c_str());
        return out.value();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_env = modules::ModuleEnvironment::create({MNEMO_BINARY_DIR "/plugins"});
        QVERIFY2(m_env->registry->find("frame-interpolate"), "frame-interpolate did not load");
        m_models = m_tmp.filePath("models");
        MNEMO_FETCH_NN_MODELS(m_models);
    }

    void theFrameInBetweenIsRifes() {
        const std::vector<edit::FramePtr> out = stepOnce({});
        QCOMPARE(out.size(), size_t(2));
        QVERIFY(out[0]->interpolated() && !out[1]->interpolated());
        QVERIFY(out[1]->rgba == picture(1)->rgba); // the source frame itself comes last
        const QString a = m_tmp.filePath("a.png"), b = m_tmp.filePath("b.png"), mid = m_tmp.filePath("mid.png");
        QVERIFY(savePng(*picture(0), a) && savePng(*picture(1), b));
        QProcess cli;
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli",
                  {"nn", "interpolate", a, b, "--out", mid, "--model", m_models + "/rife/rife/rife-v4.6", "--runtime",
                   m_env->vulkan ? "vulkan" : "cpu"});
        QVERIFY(cli.waitForFinished(300000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        QImage expected = QImage(mid).convertToFormat(QImage::Format_RGBA8888);
        Frame reference;
        reference.width = kW, reference.height = kH;
        reference.rgba.assign(expected.constBits(), expected.constBits() + size_t(kW) * kH * 4);
        const double db = testing::psnr(*out[0], reference);
        qInfo("module vs nn interpolate: %.1f dB (vs frame 0 itself: %.1f dB)", db,
              testing::psnr(*out[0], *picture(0)));
        QVERIFY2(db >= 60, qPrintable(QString::number(db)));
    }

    // The CPU reference (device=cpu) gives the Vulkan path's frame.
    void theCpuReferenceAgrees() {
        if (!m_env->vulkan) QSKIP("no Vulkan device: nothing to compare the CPU reference with");
        const auto gpu = stepOnce({}), cpu = stepOnce({"frame-interpolate.device=1"});
        const double db = testing::psnr(*gpu[0], *cpu[0]);
        qInfo("Vulkan vs the CPU reference: %.1f dB", db);
        QVERIFY2(db >= 50, qPrintable(QString::number(db)));
    }

    // factor 3: two frames in between at 1/3 and 2/3, then the source frame; the first frame of a stream three times.
    void aFactorOfThree() {
        auto made = chain({"frame-interpolate.factor=3"});
        QVERIFY2(made.ok(), made.ok() ? "" : made.message().c_str());
        QCOMPARE(made.value()->framesPerInput(), 3u);
        auto first = made.value()->push(picture(0));
        QVERIFY(first.ok() && first->size() == 3);
        for (const auto &f : first.value())
            QVERIFY(f->rgba == picture(0)->rgba);
        auto next = made.value()->push(picture(1));
        QVERIFY(next.ok() && next->size() == 3);
        QCOMPARE(next->at(0)->position(), 1.0 / 3);
        QVERIFY(next->at(0)->rgba != next->at(1)->rgba);
        // The frame at 1/3 is nearer the first frame than the one at 2/3 is.
        QVERIFY(testing::psnr(*next->at(0), *picture(0)) > testing::psnr(*next->at(1), *picture(0)));
    }

    // A cut to another shot (a dark frame): not blended, the new shot is held; with scene_cut 1 RIFE blends anyway.
    void aSceneCutHoldsTheNewShot() {
        auto other = testing::textured(kW, kH, 5000, 3000, 1);
        for (size_t i = 0; i < other->rgba.size(); ++i) other->rgba[i] = i % 4 == 3 ? 255 : other->rgba[i] / 8;
        const auto held = stepOnce({}, other);
        QVERIFY(held[0]->rgba == other->rgba);
        const auto blended = stepOnce({"frame-interpolate.scene_cut=1"}, other);
        QVERIFY(blended[0]->rgba != other->rgba);
    }

    void missingWeightsSayHowToFetchThem() {
        auto links =
            edit::parseChain("frame-interpolate", {"frame-interpolate.models=" + m_tmp.filePath("none").toStdString()});
        auto made = edit::EditChain::create(*m_env, links.value(), kW, kH);
        QVERIFY(!made.ok());
        QVERIFY2(made.message().find("tools/nn-models.sh") != std::string::npos &&
                     made.message().find("RIFE v4.6") != std::string::npos,
                 made.message().c_str());
    }

    // An isolated child's shared memory holds one output per input: an interpolator is refused there, by name.
    void isolatedInterpolatorIsRefused() {
        m_env->host->setIsolation("frame-interpolate", {true, 10000});
        auto made = chain({});
        m_env->host->setIsolation("frame-interpolate", {});
        QVERIFY(!made.ok());
        QVERIFY2(made.message().find("isolated") != std::string::npos, made.message().c_str());
    }

    // mnemo-cli edit: three source frames become six at twice the rate.
    void cliWritesTwiceTheFrames() {
        const QString folder = m_tmp.filePath("clip"), out = m_tmp.filePath("twice.mkv");
        QVERIFY(QDir().mkpath(folder));
        for (int t = 0; t < 3; ++t)
            QVERIFY(savePng(*picture(uint64_t(t)), folder + QString("/%1.png").arg(t)));
        QProcess cli;
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", {"edit", folder, "--chain", "frame-interpolate", "--param",
                                                      "frame-interpolate.models=" + m_models, "--out", out});
        QVERIFY(cli.waitForFinished(300000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        const QJsonObject json = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        QCOMPARE(json["frames"].toInt(), 3);
        QCOMPARE(json["frames_written"].toInt(), 6);
        QCOMPARE(json["output_fps"].toDouble(), 2 * json["source_fps"].toDouble());
    }
};

QTEST_GUILESS_MAIN(TestFrameInterpolate)
#include "tst_frame_interpolate.moc"
