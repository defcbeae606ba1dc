// mnemo-cli inspect / memstore / bench inspect: JSON contracts, the export, an agent writing a store step by step,
// and clear failures (exit code 1 with the input named) on bad stores.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Run {
    int code;
    QByteArray out, err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

Run cli(const QStringList &args) {
    QProcess p;
    p.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", args);
    p.waitForFinished(600000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(), p.readAllStandardError()};
}

} // namespace

class TestInspectCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    QString m_gen;

private slots:
    void initTestCase() {
        m_gen = m_tmp.filePath("gen");
        QProcess gen;
        gen.start(MNEMO_BINARY_DIR "/bin/mnemo_agent_store_gen", {"all", m_gen});
        QVERIFY(gen.waitForFinished(120000));
        QCOMPARE(gen.exitCode(), 0);
    }

    void summaryOfEveryKind_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("items");
        QTest::addColumn<int>("dim");
        QTest::newRow("chroma dir") << "gen/chroma" << "chroma" << 313 << 32;
        QTest::newRow("chroma file") << "gen/chroma/chroma.sqlite3" << "chroma" << 313 << 32;
        QTest::newRow("letta") << "gen/letta/sqlite.db" << "letta" << 47 << 32;
        QTest::newRow("openmemory") << "gen/openmemory" << "mem0" << 18 << 0;
        QTest::newRow("mem0 python") << "gen/mem0py" << "mem0" << 19 << 0;
        QTest::newRow("langgraph store") << "gen/langgraph-store/store.db" << "langgraph" << 32 << 32;
        QTest::newRow("sample") << MNEMO_BINARY_DIR "/assets/agent-memory/sample.mnemem" << "mnemo" << 24 << 384;
    }
    void summaryOfEveryKind() {
        QFETCH(QString, path);
        QFETCH(QString, kind);
        QFETCH(int, items);
        QFETCH(int, dim);
        const QString full = QFileInfo(path).isAbsolute() ? path : m_tmp.filePath(path);
        const Run r = cli({"inspect", full});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject j = r.json();
        QCOMPARE(j["kind"].toString(), kind);
        QCOMPARE(j["items"].toInt(), items);
        QCOMPARE(j["embedding_dim"].toInt(), dim);
        for (const char *key : {"events", "users", "agents", "time_range", "embedding_dim"}) QVERIFY2(j.contains(key), key);
        QVERIFY(j["events"].toInt() > 0);
        QVERIFY(j["time_range"].toObject()["first"].toString() <= j["time_range"].toObject()["last"].toString());
    }

    void exportTheCommonModel() {
        const QString out = m_tmp.filePath("letta.jsonl");
        const Run r = cli({"inspect", m_gen + "/letta", "--export", out});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(r.json()["exported"].toObject()["items"].toInt(), 48); // 47 live + 1 deleted passage
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        int items = 0, relations = 0, policies = 0, withHistory = 0;
        while (!f.atEnd()) {
            QJsonObject line = QJsonDocument::fromJson(f.readLine()).object();
            const QString type = line["type"].toString();
            items += type == "item";
            relations += type == "relation";
            policies += type == "policy";
            if (type == "item" && line["kind"].toString() == "block") withHistory += line["history"].toArray().size() >= 3;
        }
        QCOMPARE(items, 48);
        QVERIFY(relations > 0);
        QVERIFY(policies > 0);
        QCOMPARE(withHistory, 3); // every core-memory block with its versions
    }

    void anAgentWritesAStore() {
        const QString store = m_tmp.filePath("agent.mnemem");
        QCOMPARE(cli({"memstore", "create", store}).code, 0);
        Run add = cli({"memstore", "add", store, "--text", "Dana prefers tea over coffee", "--user", "dana", "--agent",
                       "barista", "--tier", "LTM", "--time", "2026-05-01T10:00:00Z"});
        QVERIFY2(add.code == 0, add.err.constData());
        const QString id = add.json()["id"].toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(cli({"memstore", "add", store, "--text", "Dana's birthday is in May", "--user", "dana", "--scope",
                      "shared", "--time", "2026-05-01T10:05:00Z"}).code, 0);
        QCOMPARE(cli({"memstore", "update", store, id, "--text", "Dana prefers green tea", "--time",
                      "2026-05-02T09:00:00Z", "--actor", "dana"}).code, 0);
        QCOMPARE(cli({"memstore", "policy", store, "--subject", "eve", "--object-kind", "user", "--object", "dana",
                      "--effect", "deny", "--time", "2026-05-01T00:00:00Z"}).code, 0);
        QCOMPARE(cli({"memstore", "access", store, id, "--principal", "barista", "--query", "what does Dana drink",
                      "--score", "0.8"}).code, 0);
        const Run r = cli({"inspect", store, "--as-of", "2026-05-01T12:00:00Z", "--visible-to", "eve", "--search", "tea",
                           "--query", "what tea does Dana like", "--k", "1"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject j = r.json();
        QCOMPARE(j["items"].toInt(), 2);
        QCOMPARE(j["event_actions"].toObject()["update"].toInt(), 1);
        QCOMPARE(j["view"].toObject()["items"].toInt(), 0); // eve is denied dana's items, shared ones included
        QCOMPARE(j["search"].toObject()["matches"].toInt(), 0); // visible to nobody: same filter applies
        QCOMPARE(j["nearest"].toObject()["results"].toArray().first().toObject()["id"].toString(), id);
        QCOMPARE(j["accesses"].toInt(), 1);
        // Mistakes are usage errors with the reason.
        Run bad = cli({"memstore", "update", store, "no-such-id", "--text", "x"});
        QCOMPARE(bad.code, 1);
        QVERIFY(bad.err.contains("no-such-id"));
        QCOMPARE(cli({"memstore", "create", store}).code, 1); // refuses to overwrite
        QCOMPARE(cli({"memstore", "add", store, "--text", "x", "--scope", "public"}).code, 1);
    }

    void badStoresFailClearly() {
        QFile junk(m_tmp.filePath("junk.sqlite"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(4096, 'z'));
        junk.close();
        Run r = cli({"inspect", junk.fileName()});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("junk.sqlite"));
        r = cli({"inspect", m_tmp.filePath("missing")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("does not exist"));
        QCOMPARE(cli({"inspect"}).code, 2);
        QCOMPARE(cli({"inspect", m_gen + "/chroma", "--kind", "letta"}).code, 1);
        r = cli({"inspect", m_gen + "/chroma", "--query", "anything"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("pick an item"));
    }

    void benchInspectPrintsJson() {
        const Run r = cli({"bench", "inspect", "--items", "3000", "--queries", "10"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject j = r.json();
        QCOMPARE(j["bench"].toString(), QString("inspect"));
        QCOMPARE(j["live_items"].toInt(), 3000);
        QVERIFY(j["open_first_page_ms"].toDouble() > 0);
        QVERIFY(j["text_search"].toObject().contains("page_p95_ms"));
        QVERIFY(j["nearest_10"].toObject()["method"].toString().startsWith("IVF"));
        QVERIFY(j["nearest_10"].toObject()["recall_at_10_vs_exact"].toDouble() >= 0.5);
    }
};

QTEST_GUILESS_MAIN(TestInspectCli)
#include "tst_inspect_cli.moc"
