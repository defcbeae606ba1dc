// ParallelDecoder: frames decoded over keyframe intervals on several threads must be those of a straight decode,
// frame by frame (indices, timestamps, pixels), for every way of cutting the stream, and a file that cannot be cut
// or opened must behave as VideoDecoder does.
#include "mnemo/media/ParallelDecoder.hpp"
#include "mnemo/media/VideoDecoder.hpp"
#include "mnemo/media/VideoEncoder.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

using namespace mnemo;
using namespace mnemo::media;

namespace {

constexpr uint32_t kWidth = 320, kHeight = 240;
// VideoEncoder asks x264 for a keyframe at least every second; x264 adds more where the picture changes most, so a
// 5 s clip has 5 to 8 keyframe intervals, irregular ones (tests must not count on where they fall).
constexpr int kFrames = 150;
constexpr double kFps = 30.0;

uint8_t triangle(int v) {
    v = ((v % 512) + 512) % 512;
    return uint8_t(v < 256 ? v : 511 - v);
}

// A moving gradient: every frame differs, so a frame out of place cannot pass for the right one.
Frame makeFrame(int n) {
    Frame f;
    f.width = kWidth;
    f.height = kHeight;
    f.rgba.resize(size_t(kWidth) * kHeight * 4);
    for (uint32_t y = 0; y < kHeight; ++y) {
        for (uint32_t x = 0; x < kWidth; ++x) {
            uint8_t *p = f.rgba.data() + (size_t(y) * kWidth + x) * 4;
            p[0] = triangle(int(x) * 2 + 5 * n);
            p[1] = triangle(int(y) * 2 + 3 * n);
            p[2] = triangle(int(x + y) + 7 * n);
            p[3] = 255;
        }
    }
    return f;
}

// `slowdown`: the pattern moves once every that many frames; slow enough, x264 sees no reason for a keyframe.
Status encode(const std::string &path, int frames, double fps, int slowdown = 1) {
    VideoEncoderConfig config;
    config.path = path;
    config.width = kWidth;
    config.height = kHeight;
    config.fps = fps;
    auto encoder = VideoEncoder::open(config);
    if (!encoder.ok()) return encoder.status();
    for (int i = 0; i < frames; ++i) {
        if (Status s = encoder.value()->write(makeFrame(i / slowdown)); !s.ok()) return s;
    }
    return encoder.value()->finish();
}

struct Decoded {
    std::vector<DecodedFrame> frames;
    Status status; // a hard error from open() or next(), if any
    size_t intervals = 0;
    unsigned threads = 0;
};

// Works for both decoders: they share the reading interface.
template <typename Decoder>
Decoded drain(Decoder &decoder) {
    Decoded out;
    for (int guard = 0; guard < 10 * kFrames; ++guard) {
        auto next = decoder.next();
        if (!next.ok()) {
            out.status = next.status();
            break;
        }
        if (!next.value()) break;
        out.frames.push_back(std::move(*next.value()));
    }
    if (out.status.ok() && decoder.framesDecoded() != out.frames.size()) {
        out.status = {StatusCode::Internal, "framesDecoded() disagrees with the frames returned"};
    }
    return out;
}

Decoded decodeStraight(const std::string &path) {
    auto decoder = VideoDecoder::open(path);
    if (!decoder.ok()) return {{}, decoder.status()};
    return drain(*decoder.value());
}

void writeBytes(const std::string &path, const std::string &bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

void copyPrefix(const std::string &from, const std::string &to, double fraction) {
    std::ifstream in(from, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream out(to, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(double(bytes.size()) * fraction));
}

bool mentions(const std::string &message, const std::string &path) {
    return message.find(path) != std::string::npos;
}

} // namespace

class TestParallelDecode : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string file(const char *name) const { return m_dir.filePath(name).toStdString(); }

    // Frame by frame: the same count, indices, timestamps and pixels as a straight decode of the same file.
    static void compareWithStraight(const std::string &path, const Decoded &parallel) {
        const Decoded straight = decodeStraight(path);
        QVERIFY2(straight.status.ok(), straight.status.message().c_str());
        QVERIFY2(parallel.status.ok(), parallel.status.message().c_str());
        QCOMPARE(parallel.frames.size(), straight.frames.size());
        for (size_t i = 0; i < straight.frames.size(); ++i) {
            const DecodedFrame &want = straight.frames[i];
            const DecodedFrame &got = parallel.frames[i];
            const QByteArray where = "frame " + QByteArray::number(qulonglong(i));
            QVERIFY2(got.frame.index == want.frame.index, where.constData());
            QVERIFY2(got.ptsUs == want.ptsUs, where.constData());
            QVERIFY2(got.frame.width == want.frame.width && got.frame.height == want.frame.height, where.constData());
            QVERIFY2(got.frame.rgba == want.frame.rgba, where.constData());
        }
    }

    static Decoded decodeParallel(const std::string &path, const ParallelDecoderOptions &options) {
        auto decoder = ParallelDecoder::open(path, options);
        if (!decoder.ok()) return {{}, decoder.status()};
        Decoded out = drain(*decoder.value());
        out.intervals = decoder.value()->intervalCount();
        out.threads = decoder.value()->threadCount();
        return out;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY2(encode(file("long.mkv"), kFrames, kFps).ok(), "encoding long.mkv");
        QVERIFY2(encode(file("long.mp4"), kFrames, kFps).ok(), "encoding long.mp4");
        // 240 fps makes VideoEncoder's one-second keyframe interval longer than the whole clip, and a slow pattern
        // gives x264 no reason to add one.
        QVERIFY2(encode(file("one-keyframe.mkv"), 100, 240.0, 4).ok(), "encoding one-keyframe.mkv");
    }

    void matchesStraightDecode_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<unsigned>("threads");
        QTest::addColumn<uint32_t>("minIntervalFrames");
        QTest::addColumn<qulonglong>("maxBufferedBytes");
        const qulonglong plenty = 512ull << 20;
        QTest::newRow("mkv, 2 threads") << "long.mkv" << 2u << 16u << plenty;
        QTest::newRow("mkv, 3 threads") << "long.mkv" << 3u << 16u << plenty;
        QTest::newRow("mp4, 2 threads") << "long.mp4" << 2u << 16u << plenty;
        QTest::newRow("mp4, 3 threads") << "long.mp4" << 3u << 16u << plenty;
        QTest::newRow("1 thread") << "long.mkv" << 1u << 16u << plenty;
        QTest::newRow("more threads than intervals") << "long.mkv" << 16u << 16u << plenty;
        // Every keyframe its own interval: the most seeks and the most boundaries to get right.
        QTest::newRow("every keyframe") << "long.mkv" << 3u << 1u << plenty;
        // Two frames per queue: threads ahead of next() wait for room, and must neither deadlock nor lose frames.
        QTest::newRow("tiny buffer") << "long.mkv" << 3u << 16u << qulonglong(kWidth * kHeight * 4);
    }

    void matchesStraightDecode() {
        QFETCH(QString, name);
        QFETCH(unsigned, threads);
        QFETCH(uint32_t, minIntervalFrames);
        QFETCH(qulonglong, maxBufferedBytes);
        ParallelDecoderOptions options;
        options.threads = threads;
        options.minIntervalFrames = minIntervalFrames;
        options.maxBufferedBytes = size_t(maxBufferedBytes);
        const std::string path = file(name.toUtf8().constData());
        const Decoded parallel = decodeParallel(path, options);
        QVERIFY2(parallel.status.ok(), parallel.status.message().c_str());
        // At least a keyframe a second, intervals of 16 to 45 frames: 150 frames make several.
        QVERIFY2(parallel.intervals >= 3, std::to_string(parallel.intervals).c_str());
        QCOMPARE(parallel.threads, unsigned(std::min<size_t>(threads, parallel.intervals)));
        QCOMPARE(parallel.frames.size(), size_t(kFrames));
        compareWithStraight(path, parallel);
    }

    void shortIntervalsAreMerged() {
        ParallelDecoderOptions options;
        options.threads = 2;
        options.minIntervalFrames = 1;
        const Decoded everyKeyframe = decodeParallel(file("long.mkv"), options);
        options.minIntervalFrames = 60;
        const Decoded merged = decodeParallel(file("long.mkv"), options);
        QVERIFY2(merged.status.ok(), merged.status.message().c_str());
        // 60 to 89 frames each (the last may be shorter).
        QVERIFY2(merged.intervals >= 2 && merged.intervals <= 3, std::to_string(merged.intervals).c_str());
        QVERIFY(merged.intervals < everyKeyframe.intervals);
        compareWithStraight(file("long.mkv"), merged);
    }

    void defaultOpenUsesTheCores() {
        auto decoder = ParallelDecoder::open(file("long.mkv"));
        QVERIFY2(decoder.ok(), decoder.message().c_str());
        QVERIFY(decoder.value()->threadCount() >= 1);
        QCOMPARE(decoder.value()->info().width, kWidth);
        QCOMPARE(decoder.value()->path(), file("long.mkv"));
        compareWithStraight(file("long.mkv"), drain(*decoder.value()));
    }

    void singleKeyframeIsOneInterval() {
        ParallelDecoderOptions options;
        options.threads = 3;
        const Decoded parallel = decodeParallel(file("one-keyframe.mkv"), options);
        QVERIFY2(parallel.status.ok(), parallel.status.message().c_str());
        QCOMPARE(parallel.intervals, size_t(1));
        QCOMPARE(parallel.threads, 1u);
        QCOMPARE(parallel.frames.size(), size_t(100));
        compareWithStraight(file("one-keyframe.mkv"), parallel);
    }

    // A damaged tail: the scan stops trusting the keyframes, or they are cut where the data ends; either way the
    // frames are a straight decode's.
    void cutFileMatchesStraightDecode() {
        copyPrefix(file("long.mkv"), file("cut.mkv"), 0.7);
        auto decoder = ParallelDecoder::open(file("cut.mkv"), 2);
        QVERIFY2(decoder.ok(), decoder.message().c_str());
        compareWithStraight(file("cut.mkv"), drain(*decoder.value()));
    }

    // Dropping the decoder halfway, with threads waiting for room, must stop them rather than hang.
    void closingEarlyStopsTheThreads() {
        ParallelDecoderOptions options;
        options.threads = 3;
        options.maxBufferedBytes = size_t(kWidth) * kHeight * 4;
        auto decoder = ParallelDecoder::open(file("long.mkv"), options);
        QVERIFY2(decoder.ok(), decoder.message().c_str());
        for (int i = 0; i < 10; ++i) {
            auto next = decoder.value()->next();
            QVERIFY(next.ok() && next.value());
            QCOMPARE(next.value()->frame.index, uint64_t(i));
        }
        decoder.value().reset();
    }

    void missingFileIsNamed() {
        const std::string path = file("no-such-video.mkv");
        auto decoder = ParallelDecoder::open(path, 2);
        QVERIFY(!decoder.ok());
        QCOMPARE(decoder.status().code(), StatusCode::NotFound);
        QVERIFY2(mentions(decoder.message(), path), decoder.message().c_str());
    }

    void corruptFileIsNamed() {
        const std::string path = file("garbage.mkv");
        writeBytes(path, std::string(4096, '\x5a'));
        auto decoder = ParallelDecoder::open(path, 2);
        QVERIFY(!decoder.ok());
        QVERIFY2(mentions(decoder.message(), path), decoder.message().c_str());
    }
};

QTEST_APPLESS_MAIN(TestParallelDecode)
#include "tst_parallel_decode.moc"
