// mnemo-cli's command line (CLI11): --help on every command and subcommand exits 0 without running anything, unknown
// options, unknown commands and bad values exit 2 naming them, and the old spellings (--key=value, a repeated option,
// --verbose anywhere) still work. Nothing here touches a device or a module: the command line is refused, or answered
// with help, before any work starts (a `track` writes a small file).
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Run {
    int code = -3; // -3: did not finish in time (a --help that ran the command); -2: crashed
    QByteArray out, err;
    qint64 ms = 0;
};

Run cli(const QStringList &args) {
    QProcess p;
    QElapsedTimer timer;
    timer.start();
    p.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", args);
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
            p.readAllStandardError(), timer.elapsed()};
}

QString show(const Run &r) {
    return QString("exit %1\nstdout:\n%2\nstderr:\n%3").arg(r.code).arg(QString::fromUtf8(r.out), QString::fromUtf8(r.err));
}

// Every command and subcommand, as typed after mnemo-cli.
const QList<QStringList> kCommands = {
    {"gpu"},
    {"plugins"},
    {"run"},
    {"replay"},
    {"session"},
    {"export"},
    {"probe"},
    {"track"},
    {"eval"},
    {"eval", "revisit"},
    {"bench"},
    {"bench", "pipeline"},
    {"bench", "reference-world"},
    {"bench", "retrieval"},
    {"bench", "decode"},
    {"bench", "inspect"},
    {"inspect"},
    {"memstore"},
    {"memstore", "create"},
    {"memstore", "add"},
    {"memstore", "update"},
    {"memstore", "delete"},
    {"memstore", "relate"},
    {"memstore", "principal"},
    {"memstore", "policy"},
    {"memstore", "access"},
    {"memstore", "script"},
    {"memstore", "index"},
    {"version"},
    {"help"},
};

} // namespace

class TestCliParsing : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;

private slots:
    void helpListsTheCommands() {
        for (const char *flag : {"--help", "-h"}) {
            const Run r = cli({flag});
            QVERIFY2(r.code == 0, qPrintable(show(r)));
            QVERIFY2(r.out.contains("usage: mnemo-cli"), qPrintable(show(r)));
            for (const QStringList &command : kCommands) {
                if (command.size() == 1) QVERIFY2(r.out.contains("\n  " + command.first().toUtf8() + " "), qPrintable(command.first()));
            }
            QVERIFY(r.err.isEmpty());
        }
        const Run help = cli({"help"});
        QCOMPARE(help.code, 0);
        QCOMPARE(help.out, cli({"--help"}).out);
    }

    // The first case: `bench inspect --help` ran the whole benchmark. Help must answer at once, for every
    // command, on stdout, and run nothing.
    void helpOnEveryCommandExitsZeroAndRunsNothing() {
        for (const QStringList &command : kCommands) {
            const Run r = cli(command + QStringList{"--help"});
            const QString what = command.join(' ');
            QVERIFY2(r.code == 0, qPrintable(what + "\n" + show(r)));
            QVERIFY2(r.out.contains("usage: mnemo-cli " + what.toUtf8()), qPrintable(what + "\n" + show(r)));
            QVERIFY2(r.out.contains("--help"), qPrintable(what));
            QVERIFY2(r.err.isEmpty(), qPrintable(what + "\n" + show(r)));
            QVERIFY2(!r.out.contains("\"bench\""), qPrintable(what + ": printed a benchmark's JSON"));
            QVERIFY2(r.ms < 10000, qPrintable(what + QString(": %1 ms").arg(r.ms)));
        }
        // `help COMMAND...` prints the same text.
        QCOMPARE(cli({"help", "bench", "inspect"}).out, cli({"bench", "inspect", "--help"}).out);
    }

    void helpShowsOptionsWithDescriptionsAndDefaults() {
        const Run run = cli({"run", "--help"});
        QVERIFY2(run.out.contains("--size WxH=640x360"), run.out.constData());
        QVERIFY2(run.out.contains("--engine ID=reference-world"), run.out.constData());
        QVERIFY2(run.out.contains("--camera-track FILE"), run.out.constData());
        QVERIFY2(run.out.contains("--verbose"), run.out.constData());
        const Run retrieval = cli({"bench", "retrieval", "--help"});
        QVERIFY2(retrieval.out.contains("--entries N=100000"), retrieval.out.constData());
        QVERIFY2(retrieval.out.contains("--queries N=200"), retrieval.out.constData());
        const Run inspect = cli({"bench", "inspect", "--help"});
        QVERIFY2(inspect.out.contains("--items N=1000000") && inspect.out.contains("--keep"), inspect.out.constData());
        const Run decode = cli({"bench", "decode", "--help"});
        QVERIFY2(decode.out.contains("--repeat N=3") && decode.out.contains("FILE"), decode.out.constData());
    }

    // The second case: an unknown flag read as an option that "needs a value".
    void unknownOptionsExitTwoNamingThem() {
        const QList<QStringList> lines = {
            {"bench", "retrieval", "--bogus-flag"},
            {"bench", "retrieval", "--bogus-flag=3"},
            {"bench", "inspect", "--bogus-flag"},
            {"bench", "decode", "--bogus-flag"},
            {"run", "--bogus-flag", "3"},
            {"track", "--out", m_tmp.filePath("t.json"), "--bogus-flag"},
            {"probe", "some.mp4", "--bogus-flag"},
            {"inspect", "some.db", "--bogus-flag"},
            {"memstore", "add", "some.mnemem", "--text", "x", "--bogus-flag", "y"},
            {"session", "some-session", "--bogus-flag"},
            {"gpu", "--bogus-flag"},
            {"--bogus-flag", "plugins"},
        };
        for (const QStringList &line : lines) {
            const Run r = cli(line);
            const QString what = line.join(' ');
            QVERIFY2(r.code == 2, qPrintable(what + "\n" + show(r)));
            QVERIFY2(r.err.contains("unknown option --bogus-flag"), qPrintable(what + "\n" + show(r)));
            QVERIFY2(!r.err.contains("needs a value"), qPrintable(what + "\n" + show(r)));
            QVERIFY2(r.out.isEmpty(), qPrintable(what + "\n" + show(r)));
        }
    }

    void badValuesExitTwoNamingOptionAndValue() {
        const QString track = m_tmp.filePath("t.json");
        const QList<QPair<QStringList, QList<QByteArray>>> cases = {
            {{"run", "--size", "big"}, {"--size", "big"}},
            {{"edit", "in.mp4", "--chain", "color", "--crf", "60", "--out", "o.mp4"}, {"--crf", "60"}},
            {{"bench", "edit", "--crf", "-1"}, {"--crf", "-1"}},
            {{"run", "--frames", "-5"}, {"--frames", "-5"}},
            {{"run", "--fps", "0"}, {"--fps", "0"}},
            {{"run", "--memory", "maybe"}, {"--memory", "maybe"}},
            {{"run", "--param", "quality"}, {"--param", "quality"}},
            {{"run", "--pattern", "zigzag"}, {"--pattern", "zigzag"}},
            {{"track", "--out", track, "--frames", "abc"}, {"--frames", "abc"}},
            {{"bench", "decode", "--threads", "300"}, {"--threads", "300"}},
            {{"bench", "retrieval", "--entries", "0"}, {"--entries", "0"}},
            {{"inspect", "some.db", "--kind", "nosuchkind"}, {"--kind", "nosuchkind"}},
            {{"inspect", "some.db", "--as-of", "yesterday"}, {"--as-of", "yesterday"}},
            {{"memstore", "create", "some.mnemem", "--embedder", "word2vec"}, {"--embedder", "word2vec"}},
            {{"memstore", "add", "some.mnemem", "--text", "x", "--meta", "[1]"}, {"--meta"}},
            {{"run", "--frames"}, {"--frames"}}, // a value missing at the end
        };
        for (const auto &[line, names] : cases) {
            const Run r = cli(line);
            const QString what = line.join(' ');
            QVERIFY2(r.code == 2, qPrintable(what + "\n" + show(r)));
            for (const QByteArray &name : names) QVERIFY2(r.err.contains(name), qPrintable(what + "\n" + show(r)));
            QVERIFY2(r.out.isEmpty(), qPrintable(what + "\n" + show(r)));
        }
        QVERIFY(!QFile::exists(track));
    }

    void unknownAndMissingCommandsExitTwo() {
        Run r = cli({"frobnicate"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("unknown command 'frobnicate'") && r.err.contains("usage:"), qPrintable(show(r)));
        r = cli({"bench", "frobnicate"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("unknown command 'frobnicate'") && r.err.contains("retrieval"), qPrintable(show(r)));
        r = cli({"bench"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("pipeline") && r.err.contains("inspect"), qPrintable(show(r)));
        r = cli({"memstore"});
        QCOMPARE(r.code, 2);
        r = cli({});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("usage:"), qPrintable(show(r)));
        r = cli({"help", "frobnicate"});
        QCOMPARE(r.code, 2);
    }

    void missingAndExtraArgumentsExitTwo() {
        Run r = cli({"probe"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("PATH"), qPrintable(show(r)));
        r = cli({"probe", "a.mp4", "b.mp4"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("unexpected argument 'b.mp4'"), qPrintable(show(r)));
        r = cli({"track"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--out"), qPrintable(show(r)));
        r = cli({"memstore", "relate", "some.mnemem", "a"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("DST"), qPrintable(show(r)));
        r = cli({"inspect", "some.db", "--query", "tea", "--like", "mem-1"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--query") && r.err.contains("--like"), qPrintable(show(r)));
    }

    void versionFlagAndCommand() {
        const Run flag = cli({"--version"});
        QCOMPARE(flag.code, 0);
        QVERIFY(flag.out.startsWith("mnemo-cli 0."));
        QCOMPARE(cli({"version"}).out, flag.out);
    }

    // The spellings scripts already use: --key=value, a repeated option (the last wins), --verbose anywhere, and
    // values that look like options or command names.
    void oldSpellingsStillWork() {
        const QString track = m_tmp.filePath("spellings.json");
        Run r = cli({"--verbose", "track", "--pattern=turn", "--frames", "3", "--frames=5", "--size", "32x18",
                     "--out=" + track, "--verbose"});
        QVERIFY2(r.code == 0, qPrintable(show(r)));
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(json["frames"].toInt(), 5);
        QCOMPARE(json["pattern"].toString(), QString("turn"));
        QCOMPARE(json["out"].toString(), track);
        QVERIFY(QFile::exists(track));
        // A file named like a command is a file.
        r = cli({"track", "--pattern", "walk", "--frames", "2", "--out", m_tmp.filePath("run")});
        QVERIFY2(r.code == 0, qPrintable(show(r)));
    }
};

QTEST_GUILESS_MAIN(TestCliParsing)
#include "tst_cli_parsing.moc"
