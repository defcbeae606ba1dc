// The default layout as a user first sees it, on a real X screen (this test runs inside xvfb-run at the size in
// MNEMO_SCREEN, e.g. 1280x800): start `mnemo` with fresh settings, and for each workspace check that the window
// fits the screen and save a screenshot into the test artifacts (layout-WxH-<workspace>.png) to look at.
#include <QGuiApplication>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QScreen>
#include <QTemporaryDir>
#include <QTest>

namespace {

// The geometry of mnemo's top-level window as X reports it ("Position: X,Y" and "Geometry: WxH" lines).
QRect windowGeometry() {
    QProcess xdotool;
    xdotool.start("xdotool", {"search", "--onlyvisible", "--name", "^Mnemo$", "getwindowgeometry"});
    if (!xdotool.waitForFinished(5000)) return {};
    const QString text = QString::fromUtf8(xdotool.readAllStandardOutput());
    const auto pos = QRegularExpression("Position: (-?\\d+),(-?\\d+)").match(text);
    const auto size = QRegularExpression("Geometry: (\\d+)x(\\d+)").match(text);
    if (!pos.hasMatch() || !size.hasMatch()) return {};
    return {pos.captured(1).toInt(), pos.captured(2).toInt(), size.captured(1).toInt(), size.captured(2).toInt()};
}

} // namespace

class TestGuiLayout : public QObject {
    Q_OBJECT
private slots:
    void eachWorkspaceFitsTheScreen_data() {
        QTest::addColumn<QString>("workspace");
        QTest::newRow("world") << "world";
        QTest::newRow("edit") << "edit";
        QTest::newRow("inspect") << "inspect";
    }

    void eachWorkspaceFitsTheScreen() {
        QFETCH(QString, workspace);
        QVERIFY2(!qEnvironmentVariableIsEmpty("DISPLAY"), "run under xvfb-run (CTest does)");
        QTemporaryDir config;
        QTemporaryDir sessions;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CONFIG_HOME", config.path()); // fresh settings: the default layout
        env.insert("MNEMO_SESSIONS_DIR", sessions.path());
        env.insert("QT_QPA_PLATFORM", "xcb");
        QProcess app;
        app.setProcessEnvironment(env);
        app.setProcessChannelMode(QProcess::MergedChannels);
        app.start(MNEMO_BINARY_DIR "/bin/mnemo", {"--workspace", workspace});
        QVERIFY2(app.waitForStarted(10000), qPrintable(app.errorString()));

        // The World presents frames; the others are ready once their window is mapped and has settled.
        QByteArray output;
        QRect window;
        QTRY_VERIFY_WITH_TIMEOUT((output += app.readAll(), window = windowGeometry(), window.isValid()) ||
                                     app.state() == QProcess::NotRunning,
                                 60000);
        QVERIFY2(window.isValid(), output.constData());
        if (workspace == "world") {
            QTRY_VERIFY_WITH_TIMEOUT((output += app.readAll()).contains("first frame presented"), 60000);
        }
        QTest::qWait(2500); // the sample store and the memory map fill in the background

        QScreen *screen = QGuiApplication::primaryScreen();
        const QRect available = screen->geometry();
        window = windowGeometry();
        const QString tag = QString("%1x%2").arg(available.width()).arg(available.height());
        const QString path = QString(MNEMO_TEST_ARTIFACTS_DIR "/layout-%1-%2.png").arg(tag, workspace);
        QVERIFY(screen->grabWindow(0).toImage().save(path));
        qInfo("screenshot: %s, window %dx%d at %d,%d", qPrintable(path), window.width(), window.height(), window.x(),
              window.y());
        // The whole window, status bar included, is on the screen, and it uses the screen rather than a corner.
        QVERIFY2(available.contains(window), qPrintable(QString("window %1x%2+%3+%4 on a %5 screen")
                                                            .arg(window.width())
                                                            .arg(window.height())
                                                            .arg(window.x())
                                                            .arg(window.y())
                                                            .arg(tag)));
        QVERIFY2(window.width() * window.height() >= available.width() * available.height() / 2,
                 qPrintable(QString("window %1x%2 on a %3 screen").arg(window.width()).arg(window.height()).arg(tag)));

        app.terminate();
        QVERIFY(app.waitForFinished(20000));
        output += app.readAll();
        QVERIFY2(!output.contains("[error]"), output.constData());
    }
};

QTEST_MAIN(TestGuiLayout)
#include "tst_gui_layout.moc"
