// mnemo-cli on bad input, as a user meets it: a fault inside a command, a LangGraph checkpoint store whose text is
// not UTF-8 (it used to abort with an uncaught nlohmann::type_error), a module that throws through the C ABI, stills
// named like videos, and invalid UTF-8 in a session's folder name, a camera-track file and a video's metadata. Every
// case ends with a clear exit code and output that is valid UTF-8 and valid JSON.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringDecoder>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include <cctype>

namespace {

const QString kCli = MNEMO_BINARY_DIR "/bin/mnemo-cli";
const QByteArray kBadBytes("\xC3\x28\xFF\xED\xA0\x80", 6); // bad continuation, a byte never used, a surrogate
const QString kReplacement = QString(QChar(0xFFFD));

struct Run {
    int code = -3;
    QByteArray out, err;
};

// Runs a program (mnemo-cli unless said otherwise); extra environment as NAME=value.
Run runProgram(const QString &program, const QStringList &args, const QStringList &env = {}) {
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (const QString &kv : env) e.insert(kv.section('=', 0, 0), kv.section('=', 1));
    p.setProcessEnvironment(e);
    p.start(program, args);
    if (!p.waitForFinished(300000)) return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

Run cli(const QStringList &args, const QStringList &env = {}) { return runProgram(kCli, args, env); }

// printf's octal escapes for every byte but plain ones (dash's printf has no \x), so the shell can make any bytes.
QString printfEscaped(const QByteArray &raw) {
    QString out;
    for (unsigned char c : raw) {
        if (std::isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-') out += QChar(c);
        else out += QString("\\%1").arg(unsigned(c), 3, 8, QChar('0'));
    }
    return out;
}

// A path whose last part holds raw bytes that are not UTF-8 (QString cannot carry them, so the shell makes them).
Run cliWithRawPath(const QStringList &argsBefore, const QByteArray &rawPath, const QStringList &argsAfter = {}) {
    QString script = "exec \"$0\"";
    for (const QString &a : argsBefore) script += " '" + a + "'";
    script += " \"$(printf '" + printfEscaped(rawPath) + "')\"";
    for (const QString &a : argsAfter) script += " '" + a + "'";
    return runProgram("/bin/sh", {"-c", script, kCli});
}

bool isValidUtf8(const QByteArray &bytes) {
    QStringDecoder decoder(QStringDecoder::Utf8, QStringConverter::Flag::Stateless);
    (void)decoder.decode(bytes);
    return !decoder.hasError();
}

// Output must be JSON a strict parser accepts; returns the document's object.
QJsonObject strictJson(const QByteArray &out, QString *problem) {
    if (!isValidUtf8(out)) {
        *problem = "output is not valid UTF-8";
        return {};
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(out, &error);
    if (error.error != QJsonParseError::NoError) *problem = "output is not JSON: " + error.errorString();
    return doc.object();
}

#define VERIFY_CLEAN_JSON(run, object)                                                                                \
    QString problem_##object;                                                                                         \
    const QJsonObject object = strictJson((run).out, &problem_##object);                                             \
    QVERIFY2(problem_##object.isEmpty(), qPrintable(problem_##object + "\n" + QString::fromUtf8((run).err)))

bool sqliteExec(const QString &file, const char *sql, QString *error) {
    sqlite3 *db = nullptr;
    int rc = sqlite3_open(file.toUtf8().constData(), &db);
    char *message = nullptr;
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) *error = message ? QString(message) : QString(sqlite3_errmsg(db));
    sqlite3_free(message);
    sqlite3_close(db);
    return rc == SQLITE_OK;
}

} // namespace

class TestBadInputCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;

private slots:
    void faultInsideACommandIsAnError() {
        const Run r = cli({"track", "--pattern", "walk", "--frames", "3", "--out", m_tmp.filePath("t.json")},
                          {"MNEMO_FAULT_INJECT=cli.command"});
        QCOMPARE(r.code, 1); // not -2 (killed by a signal, as std::terminate would)
        QVERIFY2(r.err.contains("injected fault at cli.command"), r.err.constData());
        QVERIFY2(!r.err.contains("terminate called"), r.err.constData());
    }

    // The regression: a real LangGraph checkpointer database (from the npm package, shrunk into the fuzz
    // corpus) with invalid UTF-8 in every JSON blob used to end the CLI with SIGABRT.
    void langGraphCheckpointsWithInvalidUtf8() {
        const QString store = m_tmp.filePath("checkpoints.db");
        QVERIFY(QFile::copy(MNEMO_SOURCE_DIR "/tests/fuzz/corpus/agent_store/langgraph-checkpoints.db", store));
        QFile::setPermissions(store, QFile::ReadOwner | QFile::WriteOwner);
        QString error;
        const QByteArray spoil = "UPDATE checkpoints SET checkpoint = CAST(replace(CAST(checkpoint AS TEXT), 'e', X'" +
                                 kBadBytes.toHex() + "') AS BLOB), metadata = CAST(replace(CAST(metadata AS TEXT), "
                                 "'e', X'" + kBadBytes.toHex() + "') AS BLOB);";
        QVERIFY2(sqliteExec(store, spoil.constData(), &error), qPrintable(error));

        const Run r = cli({"inspect", store});
        QVERIFY2(r.code == 0, r.err.constData());
        VERIFY_CLEAN_JSON(r, summary);
        QCOMPARE(summary["kind"].toString(), QString("langgraph"));
        QVERIFY(summary["items"].toInt() > 0);

        const QString exported = m_tmp.filePath("checkpoints.jsonl");
        const Run e = cli({"inspect", store, "--export", exported});
        QVERIFY2(e.code == 0, e.err.constData());
        QFile lines(exported);
        QVERIFY(lines.open(QIODevice::ReadOnly));
        const QByteArray all = lines.readAll();
        QVERIFY(isValidUtf8(all));
        QVERIFY2(QString::fromUtf8(all).contains(kReplacement), "the bad bytes should show as U+FFFD");
        for (const QByteArray &line : all.trimmed().split('\n')) QVERIFY(!QJsonDocument::fromJson(line).isNull());
    }

    void moduleThrowingThroughTheAbiFailsTheRun() {
        const Run r = cli({"run", "--engine", "throwing-world", "--frames", "8", "--size", "32x18"},
                          {"MNEMO_PLUGIN_PATH=" MNEMO_BINARY_DIR "/test-plugins"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("exception crossed the module ABI"), r.err.constData());
        QVERIFY2(r.err.contains("tensor shape mismatch"), r.err.constData());
    }

    // A still is recognised by its bytes whatever its name, and an image folder is a source too.
    void probeDescribesStillsAndImageFolders() {
        QImage image(40, 30, QImage::Format_RGB32);
        image.fill(Qt::darkCyan);
        const QString still = m_tmp.filePath("holiday.mp4");
        QVERIFY(image.save(still, "PNG"));
        Run r = cli({"probe", still});
        QVERIFY2(r.code == 0, r.err.constData());
        VERIFY_CLEAN_JSON(r, one);
        QCOMPARE(one["kind"].toString(), QString("image"));
        QCOMPARE(one["width"].toInt(), 40);
        QCOMPARE(one["height"].toInt(), 30);
        QCOMPARE(one["frames"].toInt(), 1);

        QDir(m_tmp.path()).mkdir("shots");
        for (int i = 0; i < 3; ++i) QVERIFY(image.save(m_tmp.filePath(QString("shots/%1.png").arg(i)), "PNG"));
        r = cli({"probe", m_tmp.filePath("shots"), "--decode"});
        QVERIFY2(r.code == 0, r.err.constData());
        VERIFY_CLEAN_JSON(r, folder);
        QCOMPARE(folder["kind"].toString(), QString("image-sequence"));
        QCOMPARE(folder["frames"].toInt(), 3);
        QCOMPARE(folder["frames_decoded"].toInt(), 3);

        QFile text(m_tmp.filePath("notes.png"));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("not a picture at all\n");
        text.close();
        r = cli({"probe", text.fileName()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("notes.png"), r.err.constData());
    }

    // Bad bytes in a folder name (the session's name), in a camera track's strings and key names: the run records,
    // and every later reading of the session prints valid JSON.
    void invalidUtf8InSessionNameAndCameraTrack() {
        const QString trackPath = m_tmp.filePath("track.json");
        Run r = cli({"track", "--pattern", "walk", "--frames", "6", "--size", "48x27", "--out", trackPath});
        QVERIFY2(r.code == 0, r.err.constData());
        QFile track(trackPath);
        QVERIFY(track.open(QIODevice::ReadOnly));
        QByteArray text = track.readAll();
        track.close();
        QVERIFY(text.contains("\"KeyW\"") && text.contains("camera-to-world"));
        text.replace("\"KeyW\"", "\"KeyW" + kBadBytes + "\"").replace("camera-to-world", "camera" + kBadBytes);
        QVERIFY(track.open(QIODevice::WriteOnly | QIODevice::Truncate));
        track.write(text);
        track.close();

        const QByteArray session = QFile::encodeName(m_tmp.path()) + "/walk" + kBadBytes;
        r = cliWithRawPath({"run", "--camera-track", trackPath, "--size", "48x28", "--record"}, session);
        QVERIFY2(r.code == 0, r.err.constData());
        VERIFY_CLEAN_JSON(r, run);
        QCOMPARE(run["frames"].toInt(), 6);

        r = cliWithRawPath({"session"}, session);
        QVERIFY2(r.code == 0, r.err.constData());
        VERIFY_CLEAN_JSON(r, info);
        QCOMPARE(info["frames"].toInt(), 6);
        QVERIFY2(info["meta"].toObject()["name"].toString().startsWith("walk" + kReplacement), r.out.constData());

        const QString dataset = m_tmp.filePath("dataset");
        r = cliWithRawPath({"export"}, session, {"--format", "dataset", "--out", dataset});
        QVERIFY2(r.code == 0, r.err.constData());
        QFile frames(dataset + "/frames.jsonl");
        QVERIFY(frames.open(QIODevice::ReadOnly));
        const QByteArray rows = frames.readAll();
        QVERIFY(isValidUtf8(rows));
        QCOMPARE(rows.trimmed().split('\n').size(), 6);
    }

    // Container tags are the writer's text in any encoding; probe shows them, repaired.
    void invalidUtf8InVideoMetadata() {
        const QByteArray video = QFile::encodeName(m_tmp.filePath("tagged.mkv"));
        const QString script = "exec ffmpeg -v error -y -f lavfi -i testsrc=size=64x48:rate=10 -frames:v 5 -c:v ffv1 "
                               "-metadata title=\"$(printf 'trip \\303\\050\\377 log')\" '" + QString(video) + "'";
        const Run made = runProgram("/bin/sh", {"-c", script});
        QVERIFY2(made.code == 0, made.err.constData());
        const Run r = cli({"probe", QString(video), "--decode"});
        QVERIFY2(r.code == 0, r.err.constData());
        VERIFY_CLEAN_JSON(r, probe);
        QCOMPARE(probe["kind"].toString(), QString("video"));
        QCOMPARE(probe["frames_decoded"].toInt(), 5);
        QString title;
        for (const QJsonValue &tag : probe["metadata"].toArray()) {
            if (tag.toArray().at(0).toString().compare("title", Qt::CaseInsensitive) == 0) title = tag.toArray().at(1).toString();
        }
        QCOMPARE(title, "trip " + kReplacement + "(" + kReplacement + " log");
    }

    // QTemporaryDir cannot name a folder that is not UTF-8, so the shell removes it.
    void cleanupTestCase() { runProgram("/bin/sh", {"-c", "rm -rf \"$0\"/walk*", m_tmp.path()}); }
};

QTEST_GUILESS_MAIN(TestBadInputCli)
#include "tst_bad_input_cli.moc"
