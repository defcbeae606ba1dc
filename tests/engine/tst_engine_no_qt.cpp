// The engine must build and run without Qt. Checks the three guards: no Qt include in engine/, the build-time
// scanner really rejects one, and the headless CLI (which links the engine) loads no Qt library.
#include <QDir>
#include <QDirIterator>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class TestEngineNoQt : public QObject {
    Q_OBJECT
private slots:
    void engineSourcesIncludeNoQtHeader() {
        // (No raw string here: moc's own preprocessor stumbles on one that contains an include directive.)
        const QRegularExpression qtInclude("^\\s*#\\s*include\\s*[<\"](Q[A-Za-z]+|Qt[A-Za-z]*/)",
                                           QRegularExpression::MultilineOption);
        QDirIterator it(MNEMO_SOURCE_DIR "/engine", {"*.hpp", "*.cpp", "*.h", "*.c", "*.in"}, QDir::Files,
                        QDirIterator::Subdirectories);
        int scanned = 0;
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!qtInclude.match(QString::fromUtf8(f.readAll())).hasMatch(), qPrintable(f.fileName()));
            ++scanned;
        }
        QVERIFY2(scanned > 10, "the engine sources were not found");
    }

    void buildScannerRejectsAQtInclude() {
        QTemporaryDir dir;
        QFile f(dir.filePath("Bad.cpp"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#include <QString>\nint x;\n");
        f.close();
        QProcess cmake;
        cmake.start("cmake", {"-DSCAN_DIR=" + dir.path(), "-DSTAMP=" + dir.filePath("stamp"), "-P",
                              MNEMO_SOURCE_DIR "/cmake/ScanForQtIncludes.cmake"});
        QVERIFY(cmake.waitForFinished(30000));
        QVERIFY(cmake.exitCode() != 0);
        QVERIFY(cmake.readAllStandardError().contains("Bad.cpp"));
        QVERIFY(!QFile::exists(dir.filePath("stamp")));
    }

    void headlessCliLinksNoQt() {
        QProcess ldd;
        ldd.start("ldd", {MNEMO_BINARY_DIR "/bin/mnemo-cli"});
        QVERIFY(ldd.waitForFinished(30000));
        QCOMPARE(ldd.exitCode(), 0);
        const QByteArray libs = ldd.readAllStandardOutput();
        QVERIFY2(libs.contains("libvulkan"), libs.constData()); // the check looks at a real link line
        QVERIFY2(!libs.contains("libQt"), libs.constData());
    }
};

QTEST_APPLESS_MAIN(TestEngineNoQt)
#include "tst_engine_no_qt.moc"
