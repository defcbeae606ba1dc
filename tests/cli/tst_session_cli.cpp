// Recording sessions from the CLI as a user would, including a recorder killed with SIGKILL mid-session: the
// database must open with everything committed and the video must play up to within a second of the kill.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {
struct Run {
    int exitCode = -1;
    QByteArray out, err;
};

Run runCli(const QStringList &args) {
    QProcess p;
    p.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", args);
    if (!p.waitForFinished(180000)) return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

QJsonObject json(const QByteArray &out) { return QJsonDocument::fromJson(out).object(); }
} // namespace

class TestSessionCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void recordInspectAndExport() {
        const QString session = m_dir.filePath("walk");
        Run r = runCli({"run", "--pattern", "walk", "--frames", "45", "--size", "96x54", "--record", session});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QFile::exists(session + "/session.sqlite"));
        QVERIFY(QFile::exists(session + "/video.mkv"));
        QVERIFY(QFile::exists(session + "/memory.mnemo-memory")); // the world's memory is part of the session

        r = runCli({"session", session});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r.out)["frames"].toInt(), 45);
        QCOMPARE(json(r.out)["meta"].toObject()["engine_id"].toString(), QString("reference-world"));
        QCOMPARE(json(r.out)["video"].toObject()["width"].toInt(), 96);

        const QString dataset = m_dir.filePath("dataset");
        r = runCli({"export", session, "--format", "dataset", "--out", dataset});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r.out)["frames"].toInt(), 45);
        QVERIFY(QFile::exists(dataset + "/frames/000044.png"));
        QFile lines(dataset + "/frames.jsonl");
        QVERIFY(lines.open(QIODevice::ReadOnly));
        const QList<QByteArray> rows = lines.readAll().trimmed().split('\n');
        QCOMPARE(rows.size(), 45);
        const QJsonObject first = json(rows.first());
        QCOMPARE(first["c2w"].toArray().size(), 16);
        QCOMPARE(first["action"].toObject()["ws"].toInt(), 1); // the walk pattern holds W
        QVERIFY(first["action"].toObject()["keys"].toArray().contains("KeyW"));
    }

    void losslessReplayOfTheReferenceWorldIsExact() {
        const QString session = m_dir.filePath("lossless");
        Run r = runCli({"run", "--pattern", "out-and-back", "--frames", "40", "--size", "64x36", "--seed", "5",
                        "--video-codec", "ffv1", "--record", session});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runCli({"replay", session, "--csv", m_dir.filePath("replay.csv")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r.out)["frames_compared"].toInt(), 40);
        QVERIFY2(json(r.out)["deterministic"].toBool(), r.out.constData());
        // Another engine on the same cameras is compared too, and differs.
        r = runCli({"replay", session, "--engine", "null-world"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!json(r.out)["deterministic"].toBool());
        QVERIFY(json(r.out)["psnr_mean"].toDouble() < 20.0);
    }

    // An output chain that adds frames (blend-frames, a fixture, x3): the world's frames stay the session's own (its
    // video and rows, and a replay of them is exact); the frames made in between go to between.mkv and their table,
    // two per world frame, and FFmpeg's reader counts them there.
    void framesMadeInBetweenAreRecordedApart() {
        qputenv("MNEMO_PLUGIN_PATH", MNEMO_BINARY_DIR "/test-plugins");
        const QString session = m_dir.filePath("between");
        Run r = runCli({"run", "--pattern", "walk", "--frames", "8", "--size", "64x36", "--video-codec", "ffv1",
                        "--record", session, "--output-chain", "blend-frames", "--output-param",
                        "blend-frames.factor=3"});
        qunsetenv("MNEMO_PLUGIN_PATH");
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r.out)["frames"].toInt(), 8);
        QCOMPARE(json(r.out)["frames_between"].toInt(), 16);
        const QJsonObject info = json(runCli({"session", session}).out);
        QCOMPARE(info["frames"].toInt(), 8);
        QCOMPARE(info["frames_between"].toInt(), 16);
        QCOMPARE(info["between_video"].toString(), QString("between.mkv"));
        QCOMPARE(info["schema_version"].toInt(), 3);
        QProcess probe;
        probe.start("ffprobe", {"-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                                "stream=nb_read_frames", "-of", "csv=p=0", session + "/between.mkv"});
        QVERIFY(probe.waitForFinished(60000));
        QCOMPARE(probe.readAllStandardOutput().trimmed(), QByteArray("16"));
        r = runCli({"replay", session});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r.out)["frames_compared"].toInt(), 8);
        QVERIFY2(json(r.out)["deterministic"].toBool(), r.out.constData());
        QVERIFY(runCli({"run", "--frames", "2", "--output-chain", "no-such-edit"}).err.contains("no-such-edit"));
    }

    // tools/train/make-data.sh (issue 14's data): seeded explore walks rendered by the reference world and exported,
    // the same files twice over (tracks seeded, world deterministic, FFV1 lossless), each frame with its camera and
    // controls, and the start picture; bad arguments are refused.
    void worldModelDataIsReproducible() {
        auto make = [&](const QString &out) {
            QProcess p;
            p.start(MNEMO_SOURCE_DIR "/tools/train/make-data.sh",
                    {out, "--episodes", "2", "--frames", "24", "--size", "32x32", "--seed", "5", "--cli",
                     MNEMO_BINARY_DIR "/bin/mnemo-cli"});
            p.waitForFinished(180000);
            return p.exitCode() == 0 ? QString() : QString::fromUtf8(p.readAllStandardError());
        };
        const QString a = m_dir.filePath("data-a"), b = m_dir.filePath("data-b");
        const QString failedA = make(a), failedB = make(b);
        QVERIFY2(failedA.isEmpty() && failedB.isEmpty(), qPrintable(failedA + failedB));
        for (const char *episode : {"episode_000", "episode_001"}) {
            QFile fa(a + "/" + episode + "/frames.jsonl"), fb(b + "/" + episode + "/frames.jsonl");
            QVERIFY(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly));
            const QList<QByteArray> rows = fa.readAll().trimmed().split('\n');
            QCOMPARE(rows.size(), 24);
            const QJsonObject last = json(rows.last());
            QCOMPARE(last["c2w"].toArray().size(), 16);
            QVERIFY(last.contains("action"));
            QFile ia(a + "/" + episode + "/frames/000023.png"), ib(b + "/" + episode + "/frames/000023.png");
            QVERIFY(ia.open(QIODevice::ReadOnly) && ib.open(QIODevice::ReadOnly));
            QVERIFY(ia.readAll() == ib.readAll());
        }
        // The cameras of two episodes differ (their track seeds do), the rows' timestamps aside.
        QFile e0(a + "/episode_000/frames.jsonl"), e1(a + "/episode_001/frames.jsonl");
        QVERIFY(e0.open(QIODevice::ReadOnly) && e1.open(QIODevice::ReadOnly));
        QVERIFY(json(e0.readAll().trimmed().split('\n').last())["c2w"] !=
                json(e1.readAll().trimmed().split('\n').last())["c2w"]);
        QVERIFY(QFile::exists(a + "/manifest.json"));
        // The start picture of a learned world: the start camera's view, a binary PPM whose comment is that camera.
        QFile start(a + "/start.ppm");
        QVERIFY(start.open(QIODevice::ReadOnly));
        QVERIFY(start.readAll().startsWith("P6\n# c2w -1 0 0 0 0 -1 0 0 0 0 1 0 0 1.7 0 1\n32 32\n255\n"));
        QProcess bad;
        bad.start(MNEMO_SOURCE_DIR "/tools/train/make-data.sh", {a, "--frames", "many"});
        QVERIFY(bad.waitForFinished(30000));
        QCOMPARE(bad.exitCode(), 2);
    }

    void badSessionsFailClearly() {
        Run r = runCli({"session", m_dir.filePath("nothing-here")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("nothing-here"), r.err.constData());
        const QString walk = m_dir.filePath("walk");
        if (QFile::exists(walk + "/session.sqlite")) {
            // Recording into a folder that already holds a session is refused, and the old one is untouched.
            r = runCli({"run", "--frames", "3", "--size", "32x18", "--record", walk});
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains("already holds a recorded session"), r.err.constData());
            QCOMPARE(json(runCli({"session", walk}).out)["frames"].toInt(), 45);
        }
    }

    void probeDescribesVideosAndRefusesOthers() {
        const QString session = m_dir.filePath("walk");
        Run r = runCli({"probe", session + "/video.mkv", "--decode"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r.out)["codec"].toString(), QString("h264"));
        QCOMPARE(json(r.out)["frames_decoded"].toInt(), 45);
        QCOMPARE(json(r.out)["height"].toInt(), 54);
        r = runCli({"probe", MNEMO_SOURCE_DIR "/README.md"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("README.md"), r.err.constData());
        QCOMPARE(runCli({"probe"}).exitCode, 2);
        // The decode benchmark runs on a given file and reports both paths and the ffmpeg ratio.
        r = runCli({"bench", "decode", session + "/video.mkv", "--repeat", "1"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        for (const char *key : {"single_fps", "parallel_fps", "parallel_speedup", "vs_ffmpeg"}) {
            QVERIFY2(json(r.out).contains(key), key);
        }
        QCOMPARE(json(r.out)["frames"].toInt(), 45);
    }

    void fullDiskStopsTheRecordingClearlyAndKeepsWhatWasWritten() {
        // A 300 KiB file-size limit stands in for a full disk: writes past it fail with EFBIG (SIGXFSZ ignored).
        const QString session = m_dir.filePath("full");
        QProcess p;
        p.start("bash", {"-c", QString("trap '' XFSZ; ulimit -f 300; exec '%1' run --pattern walk --frames 3000 "
                                       "--size 320x180 --record '%2'")
                                   .arg(MNEMO_BINARY_DIR "/bin/mnemo-cli", session)});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 1);
        const QByteArray err = p.readAllStandardError();
        // Whichever file hits the limit first is named, with the likely cause.
        QVERIFY2(err.contains("recording stopped") && (err.contains("video.mkv") || err.contains("session.sqlite")) &&
                     err.contains("disk full"),
                 err.constData());
        const Run info = runCli({"session", session});
        QVERIFY2(info.exitCode == 0, info.err.constData());
        const int rows = json(info.out)["frames"].toInt();
        QVERIFY(rows > 10);
        const Run probe = runCli({"probe", session + "/video.mkv", "--decode"});
        QVERIFY2(probe.exitCode == 0, probe.err.constData());
        QVERIFY(json(probe.out)["frames_decoded"].toInt() >= rows - 30);
    }

    void killedRecorderLeavesAPlayableSession() {
        const QString session = m_dir.filePath("killed");
        QProcess recorder;
        recorder.start(MNEMO_BINARY_DIR "/bin/mnemo-cli",
                       {"run", "--realtime", "--fps", "30", "--pattern", "walk", "--frames", "100000", "--size",
                        "96x54", "--record", session});
        QVERIFY(recorder.waitForStarted(10000));
        // Let it record for a while: until the committed database holds at least two seconds of frames.
        QElapsedTimer timer;
        timer.start();
        int committed = 0;
        while (timer.elapsed() < 60000) {
            QTest::qWait(250);
            const Run info = runCli({"session", session});
            committed = info.exitCode == 0 ? json(info.out)["frames"].toInt() : 0;
            if (committed >= 60) break;
        }
        QVERIFY2(committed >= 60, qPrintable(QString::number(committed)));
        QTest::qWait(500);
        ::kill(pid_t(recorder.processId()), SIGKILL);
        QVERIFY(recorder.waitForFinished(10000));
        QCOMPARE(recorder.exitStatus(), QProcess::CrashExit);

        const Run info = runCli({"session", session});
        QVERIFY2(info.exitCode == 0, info.err.constData());
        const int rows = json(info.out)["frames"].toInt();
        QVERIFY(rows >= committed);
        const Run probe = runCli({"probe", session + "/video.mkv", "--decode"});
        QVERIFY2(probe.exitCode == 0, probe.err.constData());
        const int decoded = json(probe.out)["frames_decoded"].toInt();
        qInfo("killed after %d committed rows: %d rows, %d frames decodable", committed, rows, decoded);
        // Within one second (30 frames) of the last committed row.
        QVERIFY2(decoded >= rows - 30, qPrintable(QString("decoded %1, rows %2").arg(decoded).arg(rows)));
        // And the dataset export works on what survived.
        const Run exported = runCli({"export", session, "--out", m_dir.filePath("killed-dataset")});
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        QVERIFY(json(exported.out)["frames"].toInt() >= rows - 30);
    }
};

QTEST_GUILESS_MAIN(TestSessionCli)
#include "tst_session_cli.moc"
