// mnemo-cli as a user runs it: a separate process, JSON on stdout, exit codes that scripts can trust.
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
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

    void pluginsListsLoadedAndRefused() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("MNEMO_PLUGIN_PATH", MNEMO_BINARY_DIR "/test-plugins");
        const Run r = runCli({"plugins"}, env);
        QCOMPARE(r.exitCode, 0);
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        QStringList loaded;
        for (const auto &m : json["loaded"].toArray()) loaded << m.toObject()["id"].toString();
        QVERIFY2(loaded.contains("reference-world") && loaded.contains("null-world"), qPrintable(loaded.join(",")));
        for (const auto &m : json["loaded"].toArray()) {
            if (m.toObject()["id"] == "reference-world") QVERIFY(!m.toObject()["params"].toArray().isEmpty());
        }
        QString reasons;
        for (const auto &m : json["refused"].toArray()) reasons += m.toObject()["file"].toString() + ": " + m.toObject()["reason"].toString() + "\n";
        QVERIFY2(reasons.contains("libfixture_bad_abi.so: built for ABI version 999"), qPrintable(reasons));
        QVERIFY2(reasons.contains("libfixture_no_entry.so: no entry symbol"), qPrintable(reasons));
    }

    void runWritesFramesAndReportsTimings() {
        QTemporaryDir out;
        const Run r = runCli({"run", "--engine", "reference-world", "--pattern", "walk", "--size", "64x36",
                              "--frames", "4", "--out", out.path()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(json["frames"].toInt(), 4);
        for (const char *key : {"fps", "step_ms_p50", "step_ms_p95", "latency_ms_p50", "latency_ms_p95",
                                "host_overhead_ms_per_frame"}) {
            QVERIFY2(json.contains(key), key);
        }
        QVERIFY(QFile::exists(out.filePath("frame_000000.png")));
        QVERIFY(QFile::exists(out.filePath("frame_000003.png")));
        QVERIFY(QFile::exists(out.filePath("cameras.json")));
        // The cameras it wrote are a valid track that drives the same run again.
        const Run again = runCli({"run", "--engine", "reference-world", "--camera-track", out.filePath("cameras.json"),
                                  "--size", "64x36"});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QCOMPARE(QJsonDocument::fromJson(again.out).object()["frames"].toInt(), 4);
    }

    void runRejectsBadInputClearly() {
        Run r = runCli({"run", "--camera-track", "/nonexistent/track.json"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("/nonexistent/track.json"), r.err.constData());
        r = runCli({"run", "--engine", "no-such-engine", "--frames", "2"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no engine 'no-such-engine'"), r.err.constData());
        r = runCli({"run", "--size", "big"});
        QCOMPARE(r.exitCode, 2);
        r = runCli({"run", "--frobnicate", "3"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--frobnicate"));
    }

    void benchPipelinePrintsHostOverhead() {
        const Run r = runCli({"bench", "pipeline", "--frames", "400"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        QVERIFY(json.contains("host_overhead_ms_per_frame"));
        QVERIFY(json["host_overhead_ms_per_frame"].toDouble() >= 0.0);
        QCOMPARE(json["frames"].toInt(), 400);
    }

    void benchReferenceWorldPrintsFps() {
        const Run r = runCli({"bench", "reference-world", "--size", "64x36", "--frames", "4"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QJsonDocument::fromJson(r.out).object()["fps"].toDouble() > 0.0);
    }

    void evalRevisitIsExactOnTheReferenceWorld() {
        QTemporaryDir out;
        const Run r = runCli({"eval", "revisit", "--engine", "reference-world", "--camera-track",
                              MNEMO_SOURCE_DIR "/assets/tracks/out_and_back.json", "--size", "64x36", "--out",
                              out.path()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        QVERIFY(json["revisits"].toInt() > 50);
        const QJsonObject truth = json["vs_ground_truth"].toObject();
        QVERIFY(truth["exact"].toBool());
        QCOMPARE(truth["ssim_mean"].toDouble(), 1.0);
        QCOMPARE(truth["identical"].toInt(), json["revisits"].toInt());
        QVERIFY(json["mean_overlap"].toDouble() >= 0.6);
        QFile csv(out.filePath("revisits.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), json["revisits"].toInt() + 1);
        QImage plot(out.filePath("revisits.png"));
        QVERIFY(!plot.isNull());
    }

    void benchRetrievalPrintsBothAlgorithms() {
        const Run r = runCli({"bench", "retrieval", "--entries", "5000", "--queries", "20"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        for (const char *algo : {"worldmem", "matrixgame"}) {
            QVERIFY2(json[algo].toObject().contains("p50_ms"), algo);
            QVERIFY2(json[algo].toObject().contains("p95_ms"), algo);
        }
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
