// The FFmpeg media layer: encode generated frames to H.264 (Matroska, fragmented MP4) and FFV1, decode them back
// (count, size, timestamps, quality, accurate seek), probe, and survive cut, corrupt and mislabelled files.
#include "mnemo/core/Log.hpp"
#include "mnemo/media/VideoDecoder.hpp"
#include "mnemo/media/VideoEncoder.hpp"
#include "mnemo/metrics/ImageMetrics.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

using namespace mnemo;
using namespace mnemo::media;

namespace {

constexpr uint32_t kWidth = 320, kHeight = 240;
constexpr int kFrames = 60;
constexpr double kFps = 30.0;
constexpr int kStripeBits = 8, kStripeHeight = 16, kStripeBlock = int(kWidth) / kStripeBits;

// 0..255..0 over 512 steps: a gradient that moves without the hard edge a wrap-around would give.
uint8_t triangle(int v) {
    v = ((v % 512) + 512) % 512;
    return uint8_t(v < 256 ? v : 511 - v);
}

// A moving colour gradient, with frame number n written as 8 black/white blocks across the top rows.
Frame makeFrame(int n) {
    Frame f;
    f.width = kWidth;
    f.height = kHeight;
    f.index = uint64_t(n);
    f.rgba.resize(size_t(kWidth) * kHeight * 4);
    for (uint32_t y = 0; y < kHeight; ++y) {
        for (uint32_t x = 0; x < kWidth; ++x) {
            uint8_t *p = f.rgba.data() + (size_t(y) * kWidth + x) * 4;
            if (y < uint32_t(kStripeHeight)) {
                const int bit = int(x) / kStripeBlock;
                const uint8_t v = (n >> (kStripeBits - 1 - bit)) & 1 ? 255 : 0;
                p[0] = p[1] = p[2] = v;
            } else {
                p[0] = triangle(int(x) * 2 + 5 * n);
                p[1] = triangle(int(y) * 2 + 3 * n);
                p[2] = triangle(int(x + y) + 7 * n);
            }
            p[3] = 255;
        }
    }
    return f;
}

// Reads the frame number back from the stripe: the mean of each block's centre, thresholded.
int stripeNumber(const Frame &f) {
    int n = 0;
    for (int bit = 0; bit < kStripeBits; ++bit) {
        double sum = 0;
        int count = 0;
        for (int y = 4; y < kStripeHeight - 4; ++y) {
            for (int x = bit * kStripeBlock + 10; x < (bit + 1) * kStripeBlock - 10; ++x) {
                sum += f.rgba[(size_t(y) * f.width + size_t(x)) * 4 + 1];
                ++count;
            }
        }
        n = (n << 1) | (sum / count > 128 ? 1 : 0);
    }
    return n;
}

Status encode(const std::string &path, VideoCodec codec, int frames = kFrames) {
    VideoEncoderConfig config;
    config.path = path;
    config.width = kWidth;
    config.height = kHeight;
    config.fps = kFps;
    config.codec = codec;
    auto encoder = VideoEncoder::open(config);
    if (!encoder.ok()) return encoder.status();
    for (int i = 0; i < frames; ++i) {
        if (Status s = encoder.value()->write(makeFrame(i)); !s.ok()) return s;
    }
    return encoder.value()->finish();
}

struct Decoded {
    std::vector<DecodedFrame> frames;
    uint64_t errors = 0;
    Status status; // a hard error from next(), if any
};

Decoded decodeAll(const std::string &path) {
    Decoded out;
    auto decoder = VideoDecoder::open(path);
    if (!decoder.ok()) {
        out.status = decoder.status();
        return out;
    }
    for (int guard = 0; guard < 10 * kFrames; ++guard) {
        auto next = decoder.value()->next();
        if (!next.ok()) {
            out.status = next.status();
            break;
        }
        if (!next.value()) break;
        out.frames.push_back(std::move(*next.value()));
    }
    out.errors = decoder.value()->decodeErrors();
    return out;
}

void copyPrefix(const std::string &from, const std::string &to, double fraction) {
    std::ifstream in(from, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream out(to, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(double(bytes.size()) * fraction));
}

void writeBytes(const std::string &path, const std::string &bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

bool mentions(const std::string &message, const std::string &path) {
    return message.find(path) != std::string::npos;
}

} // namespace

class TestMedia : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const char *name) const { return m_dir.filePath(QString::fromUtf8(name)).toStdString(); }

    void addCodecRows() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<double>("minPsnr");
        QTest::newRow("h264-mkv") << "h264.mkv" << 30.0;
        QTest::newRow("h264-fragmented-mp4") << "h264.mp4" << 30.0;
        QTest::newRow("ffv1-mkv") << "ffv1.mkv" << 1000.0; // lossless: identical frames, PSNR +inf
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        for (auto [name, codec] : {std::pair{"h264.mkv", VideoCodec::H264}, std::pair{"h264.mp4", VideoCodec::H264},
                                   std::pair{"ffv1.mkv", VideoCodec::FFV1}}) {
            const Status s = encode(path(name), codec);
            QVERIFY2(s.ok(), s.message().c_str());
        }
    }

    void decodesEveryFrameBack_data() { addCodecRows(); }
    void decodesEveryFrameBack() {
        QFETCH(QString, file);
        QFETCH(double, minPsnr);
        const Decoded d = decodeAll(path(file.toUtf8().constData()));
        QVERIFY2(d.status.ok(), d.status.message().c_str());
        QCOMPARE(int(d.frames.size()), kFrames);
        QCOMPARE(d.errors, uint64_t(0));
        const double frameUs = 1e6 / kFps;
        for (int i = 0; i < kFrames; ++i) {
            const DecodedFrame &f = d.frames[size_t(i)];
            QCOMPARE(f.frame.width, kWidth);
            QCOMPARE(f.frame.height, kHeight);
            QCOMPARE(f.frame.rgba.size(), size_t(kWidth) * kHeight * 4);
            QCOMPARE(f.frame.index, uint64_t(i));
            QCOMPARE(stripeNumber(f.frame), i);
            for (size_t p = 3; p < f.frame.rgba.size(); p += 4)
                QCOMPARE(f.frame.rgba[p], uint8_t(255)); // opaque
            QVERIFY2(std::abs(double(f.ptsUs) - i * frameUs) <= frameUs / 2,
                     qPrintable(QString("frame %1 at %2 us").arg(i).arg(f.ptsUs)));
            if (i > 0) QVERIFY(f.ptsUs > d.frames[size_t(i - 1)].ptsUs);
            const auto cmp = metrics::compareFrames(f.frame, makeFrame(i));
            QVERIFY2(cmp.ok(), cmp.message().c_str());
            QVERIFY2(cmp->psnr >= minPsnr, qPrintable(QString("frame %1: PSNR %2 dB").arg(i).arg(cmp->psnr)));
        }
    }

    void seeksAccurately_data() { addCodecRows(); }
    void seeksAccurately() {
        QFETCH(QString, file);
        auto decoder = VideoDecoder::open(path(file.toUtf8().constData()));
        QVERIFY2(decoder.ok(), decoder.message().c_str());
        // Forwards to a keyframe, into the middle of a GOP, backwards, to the start, and between two frames.
        for (int target : {30, 45, 7, 0, 59}) {
            const int64_t targetUs = std::llround(target * 1e6 / kFps);
            QVERIFY(decoder.value()->seek(targetUs).ok());
            auto next = decoder.value()->next();
            QVERIFY2(next.ok(), next.message().c_str());
            QVERIFY2(next.value().has_value(), qPrintable(QString("nothing after seeking to frame %1").arg(target)));
            QCOMPARE(stripeNumber(next.value()->frame), target);
            QCOMPARE(next.value()->frame.index, uint64_t(target));
            QVERIFY(next.value()->ptsUs >= targetUs - 1000); // Matroska stores milliseconds
        }
        // Halfway between frames 10 and 11: the first frame at or after it is 11.
        QVERIFY(decoder.value()->seek(std::llround(10.5 * 1e6 / kFps)).ok());
        auto between = decoder.value()->next();
        QVERIFY(between.ok() && between.value());
        QCOMPARE(stripeNumber(between.value()->frame), 11);
        // Decoding goes on in order after a seek.
        auto after = decoder.value()->next();
        QVERIFY(after.ok() && after.value());
        QCOMPARE(stripeNumber(after.value()->frame), 12);
        // Past the end: nothing left, and no error.
        QVERIFY(decoder.value()->seek(10'000'000).ok());
        auto past = decoder.value()->next();
        QVERIFY(past.ok());
        QVERIFY(!past.value().has_value());
    }

    void probeDescribesTheStream() {
        struct Expect {
            const char *file, *container, *codec, *pixelFormat;
        };
        for (const Expect &e :
             {Expect{"h264.mkv", "matroska", "h264", "yuv420p"}, Expect{"h264.mp4", "mp4", "h264", "yuv420p"},
              Expect{"ffv1.mkv", "matroska", "ffv1", "bgr0"}}) {
            const auto info = probe(path(e.file));
            QVERIFY2(info.ok(), info.message().c_str());
            QVERIFY2(info->container.find(e.container) != std::string::npos, info->container.c_str());
            QCOMPARE(info->codec, std::string(e.codec));
            QCOMPARE(info->pixelFormat, std::string(e.pixelFormat));
            QCOMPARE(info->width, kWidth);
            QCOMPARE(info->height, kHeight);
            QCOMPARE(info->rotationDeg, 0.0);
            QVERIFY2(std::abs(info->fps - kFps) < 0.01, qPrintable(QString::number(info->fps)));
            QVERIFY2(std::abs(info->durationSeconds - kFrames / kFps) < 0.1,
                     qPrintable(QString("%1: duration %2").arg(e.file).arg(info->durationSeconds)));
            QVERIFY(std::abs(info->frameCountHint - kFrames) <= 2);
        }
    }

    void encoderRefusesBadSettings() {
        VideoEncoderConfig config;
        config.width = kWidth;
        config.height = kHeight;
        config.codec = VideoCodec::FFV1;
        config.path = path("lossless.mp4");
        auto ffv1Mp4 = VideoEncoder::open(config);
        QVERIFY(!ffv1Mp4.ok());
        QCOMPARE(ffv1Mp4.status().code(), StatusCode::Unsupported);
        QVERIFY(mentions(ffv1Mp4.message(), config.path));
        QVERIFY(mentions(ffv1Mp4.message(), ".mkv"));
        QVERIFY(!std::filesystem::exists(config.path));

        config.codec = VideoCodec::H264;
        config.path = path("clip.avi");
        QVERIFY(!VideoEncoder::open(config).ok());
        config.path = path("odd.mkv");
        config.width = 321;
        QVERIFY(!VideoEncoder::open(config).ok());
        config.width = kWidth;
        config.path = path("no-such-folder/clip.mkv");
        auto noFolder = VideoEncoder::open(config);
        QVERIFY(!noFolder.ok());
        QVERIFY(mentions(noFolder.message(), config.path));

        config.path = path("short.mkv");
        auto encoder = VideoEncoder::open(config);
        QVERIFY2(encoder.ok(), encoder.message().c_str());
        Frame small;
        small.width = 16;
        small.height = 16;
        small.rgba.resize(16 * 16 * 4);
        QVERIFY(!encoder.value()->write(small).ok());
        QVERIFY(encoder.value()->write(makeFrame(0)).ok());
        QCOMPARE(encoder.value()->framesWritten(), uint64_t(1));
        QVERIFY(encoder.value()->finish().ok());
        QVERIFY(encoder.value()->finish().ok()); // idempotent
        QVERIFY(!encoder.value()->write(makeFrame(1)).ok());
        QCOMPARE(int(decodeAll(config.path).frames.size()), 1);
    }

    // A recording cut off by a crash: the file as it stands on disk while the encoder is still open.
    void unfinishedRecordingPlaysUpToItsLastFragment_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("mkv") << "live.mkv";
        QTest::newRow("fragmented-mp4") << "live.mp4";
    }
    void unfinishedRecordingPlaysUpToItsLastFragment() {
        QFETCH(QString, file);
        VideoEncoderConfig config;
        config.path = path(file.toUtf8().constData());
        config.width = kWidth;
        config.height = kHeight;
        auto encoder = VideoEncoder::open(config);
        QVERIFY2(encoder.ok(), encoder.message().c_str());
        for (int i = 0; i < kFrames + 5; ++i)
            QVERIFY(encoder.value()->write(makeFrame(i)).ok());
        const std::string crashed = config.path + ".crashed" + std::filesystem::path(config.path).extension().string();
        std::filesystem::copy_file(config.path, crashed);
        QVERIFY(encoder.value()->finish().ok());

        const Decoded d = decodeAll(crashed);
        QVERIFY2(d.status.ok(), d.status.message().c_str());
        // Keyframes at frames 0, 30 and 60: the two fragments they close are on disk; the open one need not be.
        QVERIFY2(d.frames.size() >= size_t(kFrames) && d.frames.size() <= size_t(kFrames + 5),
                 qPrintable(QString("%1 frames").arg(d.frames.size())));
        for (size_t i = 0; i < d.frames.size(); ++i)
            QCOMPARE(stripeNumber(d.frames[i].frame), int(i));
    }

    void truncatedFileDecodesAPrefix_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("h264-mkv") << "h264.mkv";
        QTest::newRow("h264-fragmented-mp4") << "h264.mp4";
        QTest::newRow("ffv1-mkv") << "ffv1.mkv";
    }
    void truncatedFileDecodesAPrefix() {
        QFETCH(QString, file);
        const std::string cut = path(("cut-" + file).toUtf8().constData());
        copyPrefix(path(file.toUtf8().constData()), cut, 0.6);
        const auto info = probe(cut);
        QVERIFY2(info.ok(), info.message().c_str());
        const Decoded d = decodeAll(cut);
        QVERIFY2(d.status.ok(), d.status.message().c_str());
        QVERIFY2(!d.frames.empty() && d.frames.size() < size_t(kFrames),
                 qPrintable(QString("%1 frames").arg(d.frames.size())));
        // Every frame before the cut is the right one; only the last may be damaged by the cut itself.
        for (size_t i = 0; i + 1 < d.frames.size(); ++i)
            QCOMPARE(stripeNumber(d.frames[i].frame), int(i));
    }

    void corruptBytesAreSurvived_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("h264-mkv") << "h264.mkv";
        QTest::newRow("h264-fragmented-mp4") << "h264.mp4";
        QTest::newRow("ffv1-mkv") << "ffv1.mkv";
    }
    void corruptBytesAreSurvived() {
        QFETCH(QString, file);
        const std::string source = path(file.toUtf8().constData());
        const std::string damaged = path(("damaged-" + file).toUtf8().constData());
        std::ifstream in(source, std::ios::binary);
        std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::mt19937 random(20240607);
        std::uniform_int_distribution<size_t> where(bytes.size() * 3 / 10, bytes.size() * 7 / 10);
        for (int i = 0; i < 200; ++i)
            bytes[where(random)] ^= char(1 + random() % 255);
        std::ofstream(damaged, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));

        const Decoded d = decodeAll(damaged);
        if (!d.status.ok()) {
            QVERIFY2(mentions(d.status.message(), damaged), d.status.message().c_str());
            return;
        }
        // The damage shows: frames went missing or the decoder counted errors.
        QVERIFY(!d.frames.empty());
        QVERIFY2(d.errors > 0 || d.frames.size() < size_t(kFrames),
                 qPrintable(QString("%1 frames, %2 errors").arg(d.frames.size()).arg(d.errors)));
        for (size_t i = 1; i < d.frames.size(); ++i)
            QVERIFY(d.frames[i].ptsUs > d.frames[i - 1].ptsUs);
    }

    void badInputsFailNamingTheFile_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("reason");
        QTest::newRow("text named .mp4") << "x.mp4" << QByteArray("this is a text file, not a video\n") << "";
        QTest::newRow("empty") << "empty.mkv" << QByteArray() << "empty";
        std::mt19937 random(7);
        QByteArray noise(64 * 1024, '\0');
        for (char &c : noise)
            c = char(random());
        QTest::newRow("random bytes") << "noise.mkv" << noise << "";
        // A PNG signature and header: FFmpeg opens it as a one-frame image, which is not a video.
        const QByteArray png =
            QByteArray::fromHex("89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61");
        QTest::newRow("png named .mp4") << "image.mp4" << png << "still image";
    }
    void badInputsFailNamingTheFile() {
        QFETCH(QString, file);
        QFETCH(QByteArray, content);
        QFETCH(QString, reason);
        const std::string bad = path(file.toUtf8().constData());
        writeBytes(bad, content.toStdString());
        const auto info = probe(bad);
        QVERIFY(!info.ok());
        QVERIFY2(mentions(info.message(), bad), info.message().c_str());
        QVERIFY2(mentions(info.message(), reason.toStdString()), info.message().c_str());
        auto decoder = VideoDecoder::open(bad);
        QVERIFY(!decoder.ok());
        QVERIFY2(mentions(decoder.message(), bad), decoder.message().c_str());
    }

    void missingFileIsNotFound() {
        const std::string missing = path("does-not-exist.mkv");
        auto decoder = VideoDecoder::open(missing);
        QVERIFY(!decoder.ok());
        QCOMPARE(decoder.status().code(), StatusCode::NotFound);
        QVERIFY2(mentions(decoder.message(), missing), decoder.message().c_str());
        QVERIFY(!probe(missing).ok());
    }

    // FFmpeg's complaints arrive through mnemo::log (category "ffmpeg", warning) and explain the failure.
    void ffmpegMessagesGoThroughTheLog() {
        std::vector<log::Line> lines;
        const int sink = log::addSink([&](log::Level level, std::string_view category, std::string_view message) {
            if (category == "ffmpeg") lines.push_back({level, std::string(category), std::string(message)});
        });
        const std::string bad = path("not-a-movie.mp4");
        writeBytes(bad, "plain text\n");
        auto decoder = VideoDecoder::open(bad);
        log::removeSink(sink);
        QVERIFY(!decoder.ok());
        QVERIFY2(!lines.empty(), "no FFmpeg message reached the log");
        for (const auto &line : lines)
            QCOMPARE(line.level, log::Level::Warning);
        QVERIFY2(mentions(decoder.message(), lines.back().message), decoder.message().c_str());
    }
};

QTEST_APPLESS_MAIN(TestMedia)
#include "tst_media.moc"
