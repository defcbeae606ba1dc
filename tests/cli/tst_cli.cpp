// mnemo-cli as a user runs it: a separate process, JSON on stdout, exit codes that scripts can trust.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>

namespace {
struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runCli(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment()) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", args);
    if (!p.waitForFinished(120000)) return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
            p.readAllStandardError()};
}
} // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void version() {
        const Run r = runCli({"--version"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("mnemo-cli 0."));
        QVERIFY(r.out.contains("libavcodec"));
        QVERIFY(r.out.contains("sqlite"));
    }

    void gpuPrintsDeviceAndPassingSelfTest() {
        const Run r = runCli({"gpu"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonParseError error;
        const QJsonObject json = QJsonDocument::fromJson(r.out, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QCOMPARE(json["self_test"].toString(), QString("pass"));
        QVERIFY(!json["device"].toString().isEmpty());
        QVERIFY(!json["driver"].toString().isEmpty());
        QVERIFY(json["vulkan"].toString().startsWith("1."));
        QCOMPARE(json["self_test_mismatches"].toInt(), 0);
        if (qgetenv("VK_DRIVER_FILES").contains("lvp_icd")) {
            QVERIFY(json["device"].toString().contains("llvmpipe"));
        }
    }

    void gpuWithoutADriverFailsClearly() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("VK_DRIVER_FILES", "/nonexistent/mnemo_icd.json");
        const Run r = runCli({"gpu"}, env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no Vulkan driver"), r.err.constData());
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(json["self_test"].toString(), QString("not run"));
        QVERIFY(json["error"].toString().contains("/nonexistent/mnemo_icd.json"));
    }

    void gpuWithAnUnknownDeviceNameFailsClearly() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("MNEMO_VK_DEVICE", "definitely-not-a-gpu");
        const Run r = runCli({"gpu"}, env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("definitely-not-a-gpu"));
    }

    void unknownCommandIsAUsageError() {
        const Run r = runCli({"frobnicate"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("unknown command 'frobnicate'"));
        QVERIFY(r.err.contains("usage:"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
