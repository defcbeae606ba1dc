// Frame sources behind one interface: stills, image sequences, video files and cameras (error paths: CI has none).
#include "mnemo/media/FrameSource.hpp"
#include "mnemo/media/ImageFile.hpp"
#include "mnemo/media/VideoEncoder.hpp"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace mnemo;
using namespace mnemo::media;

namespace {
Frame solid(uint32_t w, uint32_t h, uint8_t v) {
    Frame f;
    f.width = w;
    f.height = h;
    f.rgba.assign(size_t(w) * h * 4, v);
    for (size_t i = 3; i < f.rgba.size(); i += 4) f.rgba[i] = 255;
    return f;
}
} // namespace

class TestSources : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void stillImageIsOneFrame() {
        const std::string path = m_dir.filePath("still.png").toStdString();
        QVERIFY(writePng(path, solid(40, 30, 200)).ok());
        auto s = openSource(path);
        QVERIFY2(s.ok(), s.message().c_str());
        QCOMPARE(s.value()->info().width, 40u);
        auto first = s.value()->next();
        QVERIFY(first.ok() && first.value());
        QCOMPARE(first.value()->frame.rgba[0], uint8_t(200));
        QVERIFY(!s.value()->next().value());
    }

    void folderIsASequenceInNameOrder() {
        QDir().mkpath(m_dir.filePath("seq"));
        for (int i = 0; i < 5; ++i) {
            QVERIFY(writePng(m_dir.filePath(QString("seq/f%1.png").arg(i)).toStdString(), solid(16, 8, uint8_t(i * 40))).ok());
        }
        auto s = openSource(m_dir.filePath("seq").toStdString(), 10.0);
        QVERIFY2(s.ok(), s.message().c_str());
        QCOMPARE(s.value()->info().container, std::string("image-sequence"));
        QCOMPARE(s.value()->info().frameCountHint, int64_t(5));
        for (int i = 0; i < 5; ++i) {
            auto f = s.value()->next();
            QVERIFY(f.ok() && f.value());
            QCOMPARE(f.value()->frame.rgba[0], uint8_t(i * 40));
            QCOMPARE(f.value()->ptsUs, int64_t(i) * 100000);
        }
        QVERIFY(!s.value()->next().value());
        QVERIFY(s.value()->seek(300000).ok());
        QCOMPARE(s.value()->next().value()->frame.index, uint64_t(3));
    }

    void mixedSizesAndEmptyFoldersAreClearErrors() {
        QDir().mkpath(m_dir.filePath("mixed"));
        QVERIFY(writePng(m_dir.filePath("mixed/a.png").toStdString(), solid(16, 8, 1)).ok());
        QVERIFY(writePng(m_dir.filePath("mixed/b.png").toStdString(), solid(8, 8, 1)).ok());
        auto s = openSource(m_dir.filePath("mixed").toStdString());
        QVERIFY(s.ok());
        QVERIFY(s.value()->next().ok());
        auto bad = s.value()->next();
        QVERIFY(!bad.ok());
        QVERIFY2(bad.message().find("b.png") != std::string::npos, bad.message().c_str());
        QDir().mkpath(m_dir.filePath("empty"));
        auto empty = openSource(m_dir.filePath("empty").toStdString());
        QVERIFY(!empty.ok());
        QVERIFY(empty.message().find("no images") != std::string::npos);
    }

    // A 61-byte BMP whose header claims 8 x 15,663,112 pixels (found by fuzz_image): refused before decoding, not a
    // 500 MB allocation.
    void imagesClaimingHugeSizesAreRefused() {
        QFile bmp(MNEMO_SOURCE_DIR "/tests/fuzz/regressions/image/bmp-claims-8x15663112.bmp");
        QVERIFY(bmp.exists());
        auto s = openSource(bmp.fileName().toStdString());
        QVERIFY(!s.ok());
        QVERIFY2(s.message().find("8x15663112") != std::string::npos, s.message().c_str());
        QVERIFY2(s.message().find("bmp-claims") != std::string::npos, s.message().c_str());
    }

    void videoFilesGoThroughTheDecoder() {
        const std::string path = m_dir.filePath("v.mkv").toStdString();
        {
            auto enc = VideoEncoder::open({path, 32, 16, 10.0, VideoCodec::FFV1});
            QVERIFY2(enc.ok(), enc.message().c_str());
            for (int i = 0; i < 6; ++i) QVERIFY(enc.value()->write(solid(32, 16, uint8_t(i * 30))).ok());
            QVERIFY(enc.value()->finish().ok());
        }
        auto s = openSource(path);
        QVERIFY2(s.ok(), s.message().c_str());
        int n = 0;
        while (auto f = s.value()->next().value()) ++n;
        QCOMPARE(n, 6);
    }

    void camerasThatAreNotThereAreClearErrors() {
        auto missing = openSource("/dev/video97");
        QVERIFY(!missing.ok());
        QCOMPARE(missing.status().code(), StatusCode::NotFound);
        QVERIFY2(missing.message().find("no camera at '/dev/video97'") != std::string::npos, missing.message().c_str());
        auto notCamera = VideoDecoder::openCamera(m_dir.path().toStdString());
        QVERIFY(!notCamera.ok());
        QVERIFY(notCamera.message().find("not a camera") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestSources)
#include "tst_sources.moc"
