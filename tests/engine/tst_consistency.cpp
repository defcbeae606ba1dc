// The warp error (temporal consistency) on synthetic motion where the answer is known: an edit that moves with its
// source scores near 0, one that flickers or stands still scores high; and `mnemo-cli eval consistency` on videos.
#include "mnemo/media/VideoEncoder.hpp"
#include "mnemo/metrics/WarpError.hpp"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

#include <cmath>
#include <random>

using namespace mnemo;
using metrics::WarpErrorMeter;

namespace {

constexpr uint32_t kW = 320, kH = 180;

// A smooth texture sampled at (x - t*vx, y - t*vy): frame t of a camera panning at (vx, vy) pixels per frame.
Frame panning(int t, float vx = 1.5f, float vy = 0.5f) {
    Frame f;
    f.width = kW;
    f.height = kH;
    f.rgba.resize(size_t(kW) * kH * 4);
    for (uint32_t y = 0; y < kH; ++y) {
        for (uint32_t x = 0; x < kW; ++x) {
            const float u = float(x) - float(t) * vx, v = float(y) - float(t) * vy;
            uint8_t *p = &f.rgba[(size_t(y) * kW + x) * 4];
            for (int c = 0; c < 3; ++c) {
                const float s = 128 + 55 * std::sin(0.11f * u + 0.05f * v + c) + 35 * std::sin(0.07f * v - 0.13f * u) +
                                20 * std::sin(0.23f * u + 0.19f * v + 2 * c);
                p[c] = uint8_t(std::clamp(s, 0.0f, 255.0f));
            }
            p[3] = 255;
        }
    }
    return f;
}

// A per-frame edit with its own randomness, as per-frame diffusion edits flicker.
Frame flicker(Frame f, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> noise(-25, 25);
    for (size_t i = 0; i < f.rgba.size(); ++i) {
        if (i % 4 != 3) f.rgba[i] = uint8_t(std::clamp(int(f.rgba[i]) + noise(rng), 0, 255));
    }
    return f;
}

Frame inverted(Frame f) {
    for (size_t i = 0; i < f.rgba.size(); ++i) {
        if (i % 4 != 3) f.rgba[i] = uint8_t(255 - f.rgba[i]);
    }
    return f;
}

// Mean warp error of an edit over `frames` frames of the panning source.
double meanError(const std::function<Frame(int, const Frame &)> &edit, int frames = 8) {
    WarpErrorMeter meter;
    double sum = 0;
    int pairs = 0;
    for (int t = 0; t < frames; ++t) {
        const Frame source = panning(t);
        auto pair = meter.push(source, edit(t, source));
        if (!pair.ok()) qFatal("%s", pair.message().c_str());
        if (pair.value()) sum += pair.value()->error, ++pairs;
    }
    return sum / pairs;
}

} // namespace

class TestConsistency : public QObject {
    Q_OBJECT
private slots:
    void anEditThatMovesWithItsSourceScoresNearZero() {
        const double identity = meanError([](int, const Frame &s) { return s; });
        const double invert = meanError([](int, const Frame &s) { return inverted(s); });
        qInfo("identity %.2f, inverted colours %.2f", identity, invert);
        QVERIFY2(identity < 2.0, qPrintable(QString::number(identity)));
        QVERIFY2(invert < 2.0, qPrintable(QString::number(invert))); // a consistent restyle is consistent
    }

    void flickerAndAFrozenEditScoreHigh() {
        const double identity = meanError([](int, const Frame &s) { return s; });
        const double flickering = meanError([](int t, const Frame &s) { return flicker(s, unsigned(t)); });
        const Frame first = panning(0);
        const double frozen = meanError([&](int, const Frame &) { return first; });
        qInfo("identity %.2f, flicker %.2f, frozen %.2f", identity, flickering, frozen);
        QVERIFY(flickering > 10.0);
        QVERIFY(flickering > 8 * identity);
        QVERIFY(frozen > 5.0 && frozen > 20 * identity); // the edit ignores the camera's motion
    }

    void occlusionMaskLeavesOutOnlyTheBorderOnAPan() {
        auto pair = metrics::warpError(panning(0), panning(1), panning(0), panning(1));
        QVERIFY2(pair.ok(), pair.message().c_str());
        qInfo("occluded %.3f, %.1f ms", pair->occludedFraction, pair->ms);
        QVERIFY(pair->occludedFraction < 0.1);
        QVERIFY(pair->occludedFraction > 0.0); // the column that enters the view has no past
    }

    void mismatchedSizesAreErrors() {
        WarpErrorMeter meter;
        QVERIFY(meter.push(panning(0), panning(0)).ok());
        Frame small = panning(1);
        small.width = kW / 2; // claims a smaller size than its pixels
        auto r = meter.push(small, small);
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.message()).contains("frame sizes differ (320x180 vs 160x180)"),
                 r.message().c_str());
        Frame empty;
        QVERIFY(!meter.push(empty, empty).ok());
        QVERIFY(!meter.push(panning(2), empty).ok());
    }

    // An upscaler's edit (2x, each pixel doubled) moves as its source does: measured at the source's size, its error
    // is the plain frames' own.
    void editsOfAnotherSizeAreMeasuredAtTheSourcesSize() {
        WarpErrorMeter plain, doubled;
        double plainSum = 0, doubledSum = 0;
        for (int t = 0; t < 4; ++t) {
            const Frame source = panning(t);
            Frame big;
            big.width = source.width * 2;
            big.height = source.height * 2;
            big.rgba.resize(size_t(big.width) * big.height * 4);
            for (uint32_t y = 0; y < big.height; ++y) {
                for (uint32_t x = 0; x < big.width; ++x) {
                    std::memcpy(&big.rgba[(size_t(y) * big.width + x) * 4],
                                &source.rgba[(size_t(y / 2) * source.width + x / 2) * 4], 4);
                }
            }
            auto a = plain.push(source, source), b = doubled.push(source, big);
            QVERIFY2(a.ok() && b.ok(), b.ok() ? a.message().c_str() : b.message().c_str());
            if (a.value()) plainSum += a.value()->error, doubledSum += b.value()->error;
        }
        qInfo("warp error: the source %.3f, its 2x edit %.3f", plainSum / 3, doubledSum / 3);
        QVERIFY(std::abs(doubledSum - plainSum) / 3 < 0.05);
    }

    void cliOnVideos() {
        QTemporaryDir dir;
        const QString source = dir.filePath("source.mkv"), edited = dir.filePath("edited.mkv");
        writeVideo(source, [](int t) { return panning(t); });
        writeVideo(edited, [](int t) { return flicker(panning(t), unsigned(t)); });
        const QString csv = dir.filePath("pairs.csv"), plot = dir.filePath("plot.png");
        const QJsonObject same = runCli({"eval", "consistency", source, "--source", source});
        const QJsonObject flickering =
            runCli({"eval", "consistency", edited, "--source", source, "--csv", csv, "--plot", plot});
        QCOMPARE(same["frames"].toInt(), 10);
        QCOMPARE(same["pairs"].toInt(), 9);
        QVERIFY(same["warp_error"].toDouble() < 2.0);
        QVERIFY(flickering["warp_error"].toDouble() > 8.0);
        QFile rows(csv);
        QVERIFY(rows.open(QIODevice::ReadOnly));
        QCOMPARE(rows.readAll().count('\n'), 11); // header + 10 frames (the first has no warp error)
        // Fidelity: against the source by default (identical here), against a reference output when given.
        QCOMPARE(same["fidelity"].toObject()["identical_frames"].toInt(), 10);
        QVERIFY(flickering["fidelity"].toObject()["psnr_mean"].toDouble() < 40.0);
        const QJsonObject vsItself = runCli({"eval", "consistency", edited, "--source", source, "--reference", edited});
        QCOMPARE(vsItself["fidelity"].toObject()["identical_frames"].toInt(), 10);
        QVERIFY(QFileInfo(plot).size() > 1000);
        // A missing source names the file and exits 1; a missing --source is a usage error.
        QProcess cli;
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", {"eval", "consistency", edited, "--source", dir.filePath("nope")});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY(cli.readAllStandardError().contains("nope"));
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", {"eval", "consistency", edited});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 2);
    }

private:
    static void writeVideo(const QString &path, const std::function<Frame(int)> &frame) {
        media::VideoEncoderConfig config{path.toStdString(), kW, kH, 30.0, media::VideoCodec::FFV1};
        auto encoder = media::VideoEncoder::open(config);
        QVERIFY2(encoder.ok(), encoder.message().c_str());
        for (int t = 0; t < 10; ++t)
            QVERIFY(encoder.value()->write(frame(t)).ok());
        QVERIFY(encoder.value()->finish().ok());
    }

    static QJsonObject runCli(const QStringList &args) {
        QProcess cli;
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", args);
        if (!cli.waitForFinished(120000) || cli.exitCode() != 0) {
            qWarning("%s", cli.readAllStandardError().constData());
            return {};
        }
        return QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
    }
};

QTEST_MAIN(TestConsistency)
#include "tst_consistency.moc"
