// End to end, as a user sees it: start the real `mnemo` under Xvfb (this test runs inside xvfb-run), wait for its
// first presented Vulkan frame, grab the X screen and check it is not blank. The PNG is kept as a test artifact.
#include <QGuiApplication>
#include <QImage>
#include <QProcess>
#include <QScreen>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

namespace {
// Luma variance over a sparse grid of pixels: a blank or single-colour screen is ~0.
double lumaVariance(const QImage &image) {
    double sum = 0, sumSq = 0;
    int n = 0;
    for (int y = 0; y < image.height(); y += 4) {
        for (int x = 0; x < image.width(); x += 4) {
            const double l = qGray(image.pixel(x, y));
            sum += l;
            sumSq += l * l;
            ++n;
        }
    }
    const double mean = sum / n;
    return sumSq / n - mean * mean;
}
} // namespace

class TestGuiEndToEnd : public QObject {
    Q_OBJECT
private slots:
    void firstFrameIsPresentedAndVisible() {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DISPLAY"), "run under xvfb-run (CTest does)");
        QTemporaryDir config;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CONFIG_HOME", config.path()); // fresh settings: the default layout
        env.insert("QT_QPA_PLATFORM", "xcb");
        QProcess app;
        app.setProcessEnvironment(env);
        app.setProcessChannelMode(QProcess::MergedChannels);
        app.start(MNEMO_BINARY_DIR "/bin/mnemo");
        QVERIFY2(app.waitForStarted(10000), qPrintable(app.errorString()));

        QByteArray output;
        QTRY_VERIFY_WITH_TIMEOUT((output += app.readAll()).contains("first frame presented") ||
                                     app.state() == QProcess::NotRunning,
                                 60000);
        QVERIFY2(output.contains("first frame presented"), output.constData());
        QVERIFY2(!output.contains("software preview"), "the Vulkan viewport should be used under Xvfb");

        // The frame is queued; give the X server a moment to receive it by polling until the screen has content.
        QScreen *screen = QGuiApplication::primaryScreen();
        QImage shot;
        QTRY_VERIFY_WITH_TIMEOUT((shot = screen->grabWindow(0).toImage(), lumaVariance(shot) > 200.0), 20000);
        const QString path = MNEMO_TEST_ARTIFACTS_DIR "/mnemo-xvfb.png";
        QVERIFY(shot.save(path));
        qInfo("screenshot: %s (%dx%d, luma variance %.0f)", qPrintable(path), shot.width(), shot.height(),
              lumaVariance(shot));

        // Drive the real Vulkan viewport as a user would: click it, hold W, and the world must move.
        // (xdotool sends real X events through the server; the overlay region is left out of the comparison.)
        const QRect probe(420, 320, 420, 240);
        const QImage before = screen->grabWindow(0).toImage().copy(probe);
        QTest::qWait(300); // a still camera gives the same pixels (the reference world has no time in it)...
        QCOMPARE(screen->grabWindow(0).toImage().copy(probe), before);
        QVERIFY(QProcess::execute("xdotool", {"mousemove", "450", "350", "click", "1"}) == 0);
        QVERIFY(QProcess::execute("xdotool", {"keydown", "w"}) == 0);
        QImage after; // ...so a change now comes from walking
        QTRY_VERIFY_WITH_TIMEOUT((after = screen->grabWindow(0).toImage().copy(probe), after != before), 20000);
        QVERIFY(QProcess::execute("xdotool", {"keyup", "w"}) == 0);
        QVERIFY(QProcess::execute("xdotool", {"key", "Escape"}) == 0);
        after.save(MNEMO_TEST_ARTIFACTS_DIR "/mnemo-xvfb-after-walking.png");

        app.terminate();
        QVERIFY(app.waitForFinished(20000));
        output += app.readAll();
        QVERIFY2(!output.contains("[error]"), output.constData());
    }
};

QTEST_MAIN(TestGuiEndToEnd)
#include "tst_gui_e2e.moc"
