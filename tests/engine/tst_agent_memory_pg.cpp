// Inspect reading LangGraph's PostgresSaver in place, against a throwaway PostgreSQL 15 cluster (tools/pg-cluster.sh,
// Unix socket only) filled from tests/fixtures/postgres as the superuser and read as a role that can only SELECT:
// the common model (checkpoints, the fork tree, writes, filters, time travel), the CLI's JSON, nothing changed in the
// database by reading, a writer committing while Inspect pages, and clear errors for a wrong database, a database
// without the tables and an unreachable server (with the password kept out of the message). Skipped, saying so,
// when the PostgreSQL server binaries are not installed.
#include "support/PgCluster.hpp"

#include "mnemo/agentmem/AgentStore.hpp"
#include "mnemo/agentmem/TimeText.hpp"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace mnemo;
using namespace mnemo::agentmem;

class TestAgentMemoryPg : public QObject {
    Q_OBJECT
    std::unique_ptr<test::PgCluster> m_pg;

    QString psql(const QStringList &args, const QString &db = "lg") { return m_pg->psql(args, db); }
    std::string url(const QString &db = "lg", const QString &user = "reader") const { return m_pg->url(db, user); }
    // Every table's rows, hashed in a fixed order: equal before and after means nothing changed.
    QString checksum() {
        return psql({"-c", "SELECT md5(string_agg(h, '' ORDER BY h)) FROM (SELECT md5(t::text) h FROM checkpoints t"
                           " UNION ALL SELECT md5(t::text) FROM checkpoint_blobs t UNION ALL SELECT md5(t::text)"
                           " FROM checkpoint_writes t UNION ALL SELECT md5(t::text) FROM checkpoint_migrations t) all_rows"});
    }
    std::unique_ptr<AgentStore> openStore() {
        auto store = AgentStore::open(url());
        if (!store.ok()) qWarning("%s", store.message().c_str());
        return store.ok() ? std::move(store.value()) : nullptr;
    }

private slots:
    void initTestCase() {
        m_pg = std::make_unique<test::PgCluster>();
        QVERIFY2(m_pg->error.isEmpty(), qPrintable(m_pg->error));
    }
    void cleanupTestCase() { m_pg.reset(); }
    void init() {
        if (!m_pg->skip.isEmpty()) QSKIP(qPrintable(m_pg->skip));
    }

    void readsTheCheckpointerInPlace() {
        auto store = openStore();
        QVERIFY(store);
        auto s = store->summary();
        QVERIFY2(s.ok(), s.message().c_str());
        QCOMPARE(s->kind, std::string("langgraph"));
        QCOMPARE(s->variant, std::string("postgres-checkpointer"));
        QCOMPARE(s->items, int64_t(5));
        QCOMPARE(s->threads, int64_t(2));
        QCOMPARE(s->relations, int64_t(3));
        QCOMPARE(s->events, int64_t(6)); // five checkpoints and one pending write
        QVERIFY(s->path.find("reader") != std::string::npos);

        auto page = store->items({}, 0, 3);
        QVERIFY2(page.ok() && page->size() == 3, page.ok() ? "" : page.message().c_str());
        QCOMPARE(page->front().id, std::string("1ef0-0005")); // newest first
        auto rest = store->items({}, 3, 3);
        QVERIFY(rest.ok() && rest->size() == 2 && rest->back().id == "1ef0-0001");
        auto c3 = store->item("1ef0-0003");
        QVERIFY2(c3.ok(), c3.message().c_str());
        // The blob named by channel_versions (messages v3) and the inline value, in the list's text.
        QVERIFY2(c3->text.find("sunny all day") != std::string::npos && c3->text.find("weather") != std::string::npos,
                 c3->text.c_str());
        QCOMPARE(c3->parentId, std::string("1ef0-0002"));
        QCOMPARE(c3->threadId, std::string("t1"));

        auto roots = store->children("", 10);
        QVERIFY(roots.ok() && roots->size() == 2);
        auto fork = store->children("1ef0-0002", 10);
        QVERIFY(fork.ok() && fork->size() == 2 && fork->at(0).id == "1ef0-0003" && fork->at(1).id == "1ef0-0004");

        ItemFilter thread;
        thread.threadId = "t1";
        QCOMPARE(store->countItems(thread).value(), int64_t(4));
        ItemFilter search;
        // Text search covers the checkpoint, its metadata and the channel values kept as blobs (the versions it names),
        // with and without README's trigram index (which changes the plan, not the answer).
        for (const bool indexed : {false, true}) {
            if (indexed) {
                QCOMPARE(psql({"-c", "CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE INDEX cp_trgm ON checkpoints USING"
                                     " gin ((checkpoint::text) gin_trgm_ops)"}),
                         QString());
            }
            search.text = "Lyon";
            QCOMPARE(store->countItems(search).value(), int64_t(3)); // c2, c3 and c4 name messages v2 or v3
            search.text = "rain";
            QCOMPARE(store->countItems(search).value(), int64_t(3)); // the same, c4 also by its inline topic
            search.text = "SUNNY all";
            QCOMPARE(store->countItems(search).value(), int64_t(1)); // only c3 names v3
            search.text = "in Zürich";
            QCOMPARE(store->countItems(search).value(), int64_t(1)); // UTF-8 inside a blob
            search.text = "50%";
            QCOMPARE(store->countItems(search).value(), int64_t(0)); // a wildcard is a character
            search.text = "lyon";
            auto found = store->items(search, 0, 2), more = store->items(search, 2, 2); // pages of the merged matches
            QVERIFY(found.ok() && found->size() == 2 && more.ok() && more->size() == 1);
            QVERIFY(more->front().id != found->at(0).id && more->front().id != found->at(1).id);
        }
        QCOMPARE(psql({"-c", "DROP INDEX cp_trgm"}), QString());
        ItemFilter before;
        before.asOfUs = parseTimeUs("2026-12-01T10:00:01.500Z");
        QCOMPARE(store->countItems(before).value(), int64_t(2));
        ItemFilter user;
        user.userId = "alice";
        QCOMPARE(store->countItems(user).value(), int64_t(0));
        auto threads = store->groupCounts("thread_id", {});
        QVERIFY(threads.ok() && threads->size() == 2 && threads->front() == std::make_pair(std::string("t1"), int64_t(4)));

        auto history = store->history("1ef0-0003");
        QVERIFY(history.ok() && history->size() == 2);
        QCOMPARE(history->back().action, std::string("write"));
        QVERIFY2(history->back().newText.find("pending umbrella tip") != std::string::npos, history->back().newText.c_str());
        auto marks = store->eventMarks(100);
        QVERIFY(marks.ok() && marks->size() == 6);
        auto after = store->eventsAfter(marks->at(3).seq, 100);
        QVERIFY(after.ok() && after->size() == 2);
        auto edges = store->relations(100, "1ef0-0002");
        QVERIFY(edges.ok() && edges->size() == 3); // its parent and its two children
        auto byRowid = store->itemsByRowid({c3->rowid});
        QVERIFY(byRowid.ok() && byRowid->size() == 1 && byRowid->front().id == "1ef0-0003");
        auto reader = store->openReader();
        QVERIFY2(reader.ok(), reader.message().c_str());
        auto again = reader.value()->itemsByRowid({c3->rowid}); // the rowids are shared by the store's connections
        QVERIFY(again.ok() && again->size() == 1 && again->front().id == "1ef0-0003");
        auto diff = store->diff(*parseTimeUs("2026-12-01T10:00:01.500Z"), *parseTimeUs("2026-12-01T10:30:00Z"));
        QVERIFY(diff.ok() && diff->added.size() == 2);
    }

    void theCliPrintsTheSameJson() {
        QProcess cli;
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", {"inspect", QString::fromStdString(url())});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        const QJsonObject j = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        QCOMPARE(j["kind"].toString(), QString("langgraph"));
        QCOMPARE(j["variant"].toString(), QString("postgres-checkpointer"));
        QCOMPARE(j["items"].toInt(), 5);
        QCOMPARE(j["threads"].toInt(), 2);
        QCOMPARE(j["checkpoints"].toInt(), 5);
    }

    // inspect --follow: the store's JSON on one line, then a line per event an agent writes meanwhile; a server away
    // is said once, and its return too.
    void theCliFollowsWhatAgentsWrite() {
        QProcess cli;
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", {"inspect", QString::fromStdString(url()), "--follow",
                                                      "--follow-for", "12"});
        QVERIFY(cli.waitForReadyRead(30000));
        const QJsonObject first = QJsonDocument::fromJson(cli.readLine()).object();
        QCOMPARE(first["variant"].toString(), QString("postgres-checkpointer"));
        QCOMPARE(psql({"-c", "INSERT INTO checkpoints VALUES ('t2', '', '1ef0-0009', '1ef0-0005', NULL, '{\"ts\":"
                             " \"2026-12-01T11:05:00.000Z\", \"channel_values\": {}}', '{\"step\": 1}')"}),
                 QString());
        QString lines;
        QTRY_VERIFY_WITH_TIMEOUT((lines += QString::fromUtf8(cli.readAll())).contains("1ef0-0009"), 8000);
        QVERIFY(m_pg->stopServer());
        QTRY_VERIFY_WITH_TIMEOUT((lines += QString::fromUtf8(cli.readAll())).contains("\"problem\""), 8000);
        QVERIFY(m_pg->startServer());
        QVERIFY(cli.waitForFinished(30000));
        lines += QString::fromUtf8(cli.readAll());
        QVERIFY2(cli.exitCode() == 0 && lines.contains("\"reconnected\":true"), qPrintable(lines));
        QCOMPARE(psql({"-c", "DELETE FROM checkpoints WHERE checkpoint_id = '1ef0-0009'"}), QString());
    }

    // Reading changes nothing (every table's rows hash the same before and after every query the views make), and
    // a writer keeps committing, one transaction a row, while Inspect pages through the table.
    void nothingChangesAndWritersAreNotHeldBack() {
        const QString before = checksum();
        QVERIFY2(!before.startsWith("psql failed"), qPrintable(before));
        {
            auto store = openStore();
            QVERIFY(store);
            QVERIFY(store->summary().ok() && store->items({}, 0, 100).ok() && store->eventMarks(1000).ok() &&
                    store->relations(100).ok() && store->principals().ok() && store->refreshIfChanged().ok());
        }
        QCOMPARE(checksum(), before);

        QString inserts;
        for (int i = 0; i < 300; ++i) {
            inserts += QString("INSERT INTO checkpoints VALUES ('w', '', 'w-%1', NULL, NULL, '{\"ts\": "
                               "\"2026-12-02T00:00:00Z\", \"channel_values\": {}}', '{}');\n")
                           .arg(i, 4, 10, QChar('0'));
        }
        QProcess writer;
        writer.start("psql", {"-h", m_pg->socketDir(), "-U", "postgres", "-d", "lg", "-v", "ON_ERROR_STOP=1", "-q"});
        QVERIFY(writer.waitForStarted());
        auto store = openStore();
        QVERIFY(store && store->refreshIfChanged().ok());
        writer.write(inserts.toUtf8());
        writer.closeWriteChannel();
        int pages = 0;
        while (writer.state() != QProcess::NotRunning && pages < 10000) {
            auto page = store->items({}, 0, 50);
            QVERIFY2(page.ok(), page.ok() ? "" : page.message().c_str());
            ++pages;
            writer.waitForFinished(1);
        }
        if (writer.state() != QProcess::NotRunning) QVERIFY(writer.waitForFinished(60000));
        QVERIFY2(writer.exitCode() == 0, writer.readAllStandardError().constData());
        QCOMPARE(psql({"-c", "SELECT count(*) FROM checkpoints WHERE thread_id = 'w'"}), QString("300"));
        QVERIFY(pages > 0);
        qInfo("%d pages read while the writer committed 300 rows", pages);
        QTRY_VERIFY_WITH_TIMEOUT(store->sourceChanged(), 10000); // the watcher's poll, off this thread
        auto changed = store->refreshIfChanged();
        QVERIFY(changed.ok() && changed.value()); // the live tail's watermark saw the writer
        QCOMPARE(store->countItems({}).value(), int64_t(305));
        QVERIFY(psql({"-c", "DELETE FROM checkpoints WHERE thread_id = 'w'"}).isEmpty());
    }

    // A checkpointer written by LangGraph's own PostgresSaver (the pinned npm package, tools/agent-fixtures.sh
    // --postgres): what Inspect reads matches what the writer says it wrote, the fork included. Skipped, saying so,
    // without Node.js or the npm registry.
    void readsWhatLangGraphsPostgresSaverWrote() {
        QCOMPARE(psql({"-c", "CREATE DATABASE lgreal"}, "postgres"), QString());
        QTemporaryDir out;
        const QString manifestPath = out.filePath("manifest.json");
        QProcess gen;
        gen.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        gen.start("bash", {MNEMO_SOURCE_DIR "/tools/agent-fixtures.sh", "--postgres",
                           QString::fromStdString(url("lgreal", "postgres")), manifestPath});
        QVERIFY(gen.waitForFinished(600000));
        if (gen.exitCode() == 3) QSKIP("no Node.js >= 20 or no npm registry: the PostgresSaver fixture was not written");
        QVERIFY2(gen.exitCode() == 0, gen.readAllStandardOutput().constData());
        QCOMPARE(psql({"-c", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader"}, "lgreal"), QString());
        QFile file(manifestPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject manifest = QJsonDocument::fromJson(file.readAll()).object();
        auto store = AgentStore::open(url("lgreal"));
        QVERIFY2(store.ok(), store.message().c_str());
        auto s = store.value()->summary();
        QVERIFY(s.ok());
        QCOMPARE(s->items, int64_t(manifest["total_checkpoints"].toInt()));
        QCOMPARE(s->threads, int64_t(manifest["threads"].toObject().size()));
        QVERIFY(s->eventActions["write"] > 0);
        const QJsonObject fork = manifest["fork"].toObject();
        auto children = store.value()->children(fork["forked_from_checkpoint_id"].toString().toStdString(), 10);
        QVERIFY(children.ok() && children->size() == 2); // the original continuation and the updateState branch
        auto forked = store.value()->item(fork["update_state_checkpoint_id"].toString().toStdString());
        QVERIFY2(forked.ok() && forked->text.find("actually Porto") != std::string::npos,
                 forked.ok() ? forked->text.c_str() : forked.message().c_str());
    }

    // Long-term memory written by LangGraph's own PostgresStore (JS layout: namespace_path joined by ':'): items under
    // their namespaces, the namespace tree, the user by the ("memories", USER) convention, an update as an event, a
    // deleted item gone, filters and search. Skipped without Node.js or the npm registry.
    void readsWhatLangGraphsPostgresStoreWrote() {
        QCOMPARE(psql({"-c", "CREATE DATABASE lgstore"}, "postgres"), QString());
        QTemporaryDir out;
        QProcess gen;
        gen.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        gen.start("bash", {MNEMO_SOURCE_DIR "/tools/agent-fixtures.sh", "--postgres",
                           QString::fromStdString(url("lgstore", "postgres")), out.filePath("manifest.json"), "store"});
        QVERIFY(gen.waitForFinished(600000));
        if (gen.exitCode() == 3) QSKIP("no Node.js >= 20 or no npm registry: the PostgresStore fixture was not written");
        QVERIFY2(gen.exitCode() == 0, gen.readAllStandardOutput().constData());
        QCOMPARE(psql({"-c", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader"}, "lgstore"), QString());
        auto store = AgentStore::open(url("lgstore"));
        QVERIFY2(store.ok(), store.message().c_str());
        AgentStore &s = *store.value();
        auto summary = s.summary();
        QVERIFY(summary.ok());
        QCOMPARE(summary->variant, std::string("postgres-store"));
        QCOMPARE(summary->items, int64_t(4)); // five put, one deleted
        QCOMPARE(summary->users, int64_t(2));
        QCOMPARE(summary->eventActions["update"], int64_t(1));
        auto roots = s.children("", 10);
        QVERIFY(roots.ok() && roots->size() == 2 && roots->at(0).id == "ns:memories" && roots->at(1).id == "ns:profiles");
        auto users = s.children("ns:memories", 10);
        QVERIFY(users.ok() && users->size() == 2 && users->at(0).id == "ns:memories:alice");
        auto alice = s.children("ns:memories:alice", 10);
        QVERIFY(alice.ok() && alice->size() == 2);
        auto trip = s.item("memories:alice/trip");
        QVERIFY2(trip.ok() && trip->text == "Alice plans a trip to Porto in June" && trip->userId == "alice",
                 trip.ok() ? trip->text.c_str() : trip.message().c_str());
        auto history = s.history("memories:alice/trip");
        QVERIFY(history.ok() && history->size() == 2 && history->back().action == "update");
        QVERIFY(!s.item("memories:bob/standup").ok());
        ItemFilter byUser;
        byUser.userId = "alice";
        QCOMPARE(s.countItems(byUser).value(), int64_t(2));
        ItemFilter search;
        search.text = "vegetarian";
        QCOMPARE(s.countItems(search).value(), int64_t(1));
        auto page = s.items({}, 0, 10);
        QVERIFY(page.ok() && page->size() == 4 && page->front().id == "memories:alice/trip"); // the latest change first
        // Live: an agent adds a memory; the watcher sees it.
        QCOMPARE(psql({"-c", "INSERT INTO store (namespace_path, key, value) VALUES ('memories:carol', 'tea',"
                             " '{\"content\": \"Carol drinks green tea\"}')"}, "lgstore"),
                 QString());
        QTRY_VERIFY_WITH_TIMEOUT(s.sourceChanged(), 10000);
    }

    // No spelling of a password survives in what is shown (the label is rebuilt from libpq's own parse).
    void passwordsAreNeverShown() {
        for (const char *conninfo : {"postgresql://u:secret-pw@h/db", "postgresql://u@h/db?password=secret-pw",
                                     "postgresql://u@h/db?user=u&password=secret-pw", "postgresql://u:pa%3Fsecret-pw@h/db",
                                     "host=h dbname=db password=secret-pw", "host=h dbname=db password='se cret-pw'",
                                     "host=h dbname=db password=se\\ cret-pw", "postgresql://u:50%zzsecret-pw@h/db"}) {
            const std::string shown = AgentStore::displayName(conninfo);
            QVERIFY2(shown.find("secret") == std::string::npos && shown.find("cret-pw") == std::string::npos,
                     (std::string(conninfo) + " -> " + shown).c_str());
            auto opened = AgentStore::open(conninfo);
            QVERIFY(!opened.ok() && opened.message().find("cret-pw") == std::string::npos);
        }
        QVERIFY(AgentStore::displayName("postgresql://u:x@h/db").find("user=u") != std::string::npos);
    }

    // The string's own options reach the server (a search_path, say), and read-only still wins over them.
    void theUsersOptionsAreKeptAndReadOnlyWins() {
        const std::string withPath = url() + "&options=-csearch_path%3Dnowhere";
        auto noTables = AgentStore::open(withPath);
        QVERIFY2(!noTables.ok() && noTables.message().find("search path") != std::string::npos &&
                     noTables.message().find("nowhere") != std::string::npos,
                 noTables.message().c_str());
        auto writable = AgentStore::open(url() + "&options=-cdefault_transaction_read_only%3Doff");
        QVERIFY2(writable.ok(), writable.message().c_str()); // opened, and read-only regardless (checked at connect)
    }

    // Pages after the first start after the previous page's last key (keyset), or after the nearest remembered key
    // for a jump; either way the table's rows are the ones one big query gives, in its order, each once. Without an
    // index on checkpoint_id the order is the saver's primary key's; with one, newest first across threads.
    void keysetPagesMatchOneBigQuery() {
        QCOMPARE(psql({"-c", "CREATE DATABASE paging"}, "postgres"), QString());
        QCOMPARE(psql({"-f", MNEMO_SOURCE_DIR "/tests/fixtures/postgres/langgraph-checkpointer-schema.sql", "-c",
                       "INSERT INTO checkpoints SELECT 't' || (i % 7), '', lpad(i::text, 6, '0'), NULL, NULL,"
                       " jsonb_build_object('v', 1, 'ts', '2026-12-01T10:00:00Z', 'channel_values', '{}'::jsonb,"
                       " 'channel_versions', '{}'::jsonb), '{}'::jsonb FROM generate_series(1, 500) i;"
                       " GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader"},
                      "paging"),
                 QString());
        for (const bool indexed : {false, true}) {
            if (indexed) {
                const QString index = "CREATE INDEX newest ON checkpoints (checkpoint_id, thread_id)";
                QCOMPARE(psql({"-c", index}, "paging"), QString());
            }
            auto opened = AgentStore::open(url("paging"));
            QVERIFY2(opened.ok(), opened.message().c_str());
            AgentStore &store = *opened.value();
            auto all = store.items({}, 0, 1000);
            QVERIFY(all.ok() && all->size() == 500);
            QCOMPARE(all->front().id, std::string(indexed ? "000500" : "000496")); // without: t6, its newest
            std::vector<std::string> paged;
            for (int64_t offset = 0;; offset += 37) {
                auto page = store.items({}, offset, 37);
                QVERIFY2(page.ok(), page.message().c_str());
                for (const MemoryItem &it : page.value()) paged.push_back(it.id);
                if (page->size() < 37) break;
            }
            QCOMPARE(paged.size(), size_t(500));
            for (size_t i = 0; i < paged.size(); ++i) QCOMPARE(paged[i], all->at(i).id);
            auto jump = store.items({}, 100, 5); // from the key remembered at 74, skipping 26
            QVERIFY(jump.ok() && jump->size() == 5 && jump->front().id == all->at(100).id);
            ItemFilter thread;
            thread.threadId = "t3";
            auto first = store.items(thread, 0, 10), second = store.items(thread, 10, 10);
            QVERIFY(first.ok() && second.ok() && second->size() == 10 && second->front().id < first->back().id);
            auto summary = store.summary();
            QVERIFY(summary.ok());
            const std::string notes = summary->notes.back();
            QVERIFY2(notes.find(indexed ? "newest first across threads" : "thread by thread") != std::string::npos,
                     notes.c_str());
        }
    }

    // Within a snapshot scope every query sees the database as it was when the scope began, whatever commits meanwhile.
    void aSnapshotScopeSeesOneStateOfTheDatabase() {
        auto store = openStore();
        QVERIFY(store);
        const int64_t before = store->countItems({}).value();
        {
            const SnapshotScope snapshot(*store);
            QVERIFY2(snapshot.status().ok(), snapshot.status().message().c_str());
            QCOMPARE(store->countItems({}).value(), before);
            QCOMPARE(psql({"-c", "INSERT INTO checkpoints SELECT thread_id, checkpoint_ns, 'snap-1', NULL, type,"
                                 " checkpoint, metadata FROM checkpoints LIMIT 1"}),
                     QString());
            QCOMPARE(store->countItems({}).value(), before); // the writer committed; this snapshot does not see it
            QVERIFY(store->summary().ok() && store->summary()->items == before);
        }
        QCOMPARE(store->countItems({}).value(), before + 1);
        QCOMPARE(psql({"-c", "DELETE FROM checkpoints WHERE checkpoint_id = 'snap-1'"}), QString());
    }

    // The server goes away mid-session (a crash) and comes back: the store says why it cannot read, in words naming
    // the database, and reads again once the server is back, without being reopened; the live tail asks for a reload.
    void aDroppedConnectionIsSaidAndRecovered() {
        auto store = openStore();
        QVERIFY(store && store->items({}, 0, 3).ok());
        QVERIFY(store->connectionProblem().empty());
        auto reader = store->openReader(); // connected before the crash, not used until the server is back
        QVERIFY(reader.ok() && reader.value()->items({}, 0, 1).ok());
        QVERIFY(m_pg->stopServer());
        QTRY_VERIFY_WITH_TIMEOUT(!store->connectionProblem().empty(), 10000);
        auto page = store->items({}, 0, 3);
        QVERIFY(!page.ok());
        QVERIFY2(page.message().find("dbname=lg") != std::string::npos, page.message().c_str());
        QVERIFY(m_pg->startServer());
        QTRY_VERIFY_WITH_TIMEOUT(store->connectionProblem().empty() && store->sourceChanged(), 15000);
        auto again = store->items({}, 0, 3);
        QVERIFY2(again.ok() && again->size() == 3, again.ok() ? "" : again.message().c_str());
        auto asked = reader.value()->items({}, 0, 1); // its dead connection is found, reset, and the read asked again
        QVERIFY2(asked.ok(), asked.ok() ? "" : asked.message().c_str());
    }

    // A Letta server's database (tests/fixtures/postgres/letta*.sql, Letta's ORM tables): blocks, passages and
    // messages as items, block versions as history and time travel, attachments as relations and read grants.
    void readsALettaServerInPlace() {
        QCOMPARE(psql({"-c", "CREATE DATABASE letta"}, "postgres"), QString());
        QCOMPARE(psql({"-f", MNEMO_SOURCE_DIR "/tests/fixtures/postgres/letta-schema.sql", "-f",
                       MNEMO_SOURCE_DIR "/tests/fixtures/postgres/letta.sql", "-c",
                       "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader"},
                      "letta"),
                 QString());
        const QString before = psql({"-c", "SELECT md5(string_agg(t::text, '' ORDER BY t::text)) FROM (SELECT"
                                           " b::text AS t FROM block b UNION ALL SELECT m::text FROM messages m) x"},
                                    "letta");
        auto opened = AgentStore::open(url("letta"));
        QVERIFY2(opened.ok(), opened.message().c_str());
        const AgentStore &store = *opened.value();
        QCOMPARE(store.kind(), StoreKind::Letta);
        auto s = store.summary();
        QVERIFY2(s.ok(), s.message().c_str());
        QCOMPARE(s->variant, std::string("postgres"));
        QCOMPARE(s->items, int64_t(3 + 2 + 4)); // blocks, live passages, messages
        QCOMPARE(s->deletedItems, int64_t(1));
        QCOMPARE(s->agents, int64_t(2));
        QCOMPARE(s->users, int64_t(1));
        QCOMPARE(s->relations, int64_t(5)); // four attachments, one identity
        QCOMPARE(s->embeddings, int64_t(2));
        QCOMPARE(s->embeddingDim, 4);
        QCOMPARE(s->embedder, std::string("text-embedding-3-small"));

        auto page = store.items({}, 0, 3);
        QVERIFY2(page.ok() && page->size() == 3, page.ok() ? "" : page.message().c_str());
        QCOMPARE(page->front().id, std::string("message-3")); // newest first
        auto rest = store.items({}, 3, 100); // after the first page's last key
        QVERIFY(rest.ok() && rest->size() == 6 && rest->back().id == "block-human");
        auto human = store.item("block-human");
        QVERIFY(human.ok() && human->kind == "block" && human->tier == "core:human");
        QCOMPARE(human->agentId, std::string("agent-companion"));
        auto project = store.item("block-project");
        QVERIFY(project.ok() && project->scope == "shared" && project->agentId.empty());
        auto early = store.item("block-human", parseTimeUs("2026-12-01T09:10:00Z"));
        QVERIFY(early.ok());
        QCOMPARE(early->text, std::string("Alice lives in Paris")); // block_history: the version of that time
        auto message = store.item("message-1");
        QVERIFY(message.ok() && message->text == "I moved to Lyon!" &&
                message->metadataJson.find("\"in_context_window\":true") != std::string::npos);
        auto passage = store.item("passage-2");
        QVERIFY(passage.ok() && passage->agentId == "agent-research" && passage->embedding.size() == 4);

        ItemFilter conversation;
        conversation.threadId = "conv-7";
        QCOMPARE(store.countItems(conversation).value(), int64_t(1));
        ItemFilter text;
        text.text = "lyon";
        QCOMPARE(store.countItems(text).value(), int64_t(3)); // the human block and two messages
        ItemFilter deleted;
        deleted.includeDeleted = true;
        QCOMPARE(store.countItems(deleted).value(), int64_t(10));
        ItemFilter seenByResearch;
        seenByResearch.visibleTo = "agent-research";
        QCOMPARE(store.countItems(seenByResearch).value(), int64_t(4)); // the shared block, two passages, a message
        auto denied = store.explainAccess(human.value(), "agent-research", {});
        QVERIFY(denied.ok() && !denied->visible);
        auto granted = store.explainAccess(human.value(), "agent-companion", {});
        QVERIFY(granted.ok() && granted->visible);

        auto history = store.history("block-human");
        QVERIFY(history.ok() && history->size() == 3);
        QCOMPARE(history->at(1).action, std::string("update"));
        QCOMPARE(history->at(1).oldText, std::string("Alice lives in Paris"));
        QCOMPARE(history->at(1).actorId, std::string("agent-companion"));
        auto provenance = store.provenance("block-human");
        QVERIFY(provenance.ok() && provenance->size() == 3 && provenance->front().role == "author");
        auto marks = store.eventMarks(1000);
        QVERIFY(marks.ok() && marks->size() == size_t(s->events));
        auto edges = store.relations(100, "block-project");
        QVERIFY(edges.ok() && edges->size() == 2);
        auto who = store.principals();
        QVERIFY(who.ok() && who->size() == 3);
        auto near = store.nearest(passage->embedding, 2);
        QVERIFY(near.ok() && near->size() == 2 && near->front().id == "passage-2");
        auto diff = store.diff(*parseTimeUs("2026-12-01T09:15:00Z"), *parseTimeUs("2026-12-01T09:45:00Z"));
        QVERIFY2(diff.ok(), diff.ok() ? "" : diff.message().c_str());
        QCOMPARE(diff->added.size(), size_t(3));   // three messages
        QCOMPARE(diff->removed.size(), size_t(1)); // the Paris passage
        QVERIFY(diff->changed.size() == 1 && diff->changed.front().id == "block-human");

        QCOMPARE(psql({"-c", "SELECT md5(string_agg(t::text, '' ORDER BY t::text)) FROM (SELECT b::text AS t FROM"
                             " block b UNION ALL SELECT m::text FROM messages m) x"},
                      "letta"),
                 before);
        // An older server without block_history: blocks are read as they are now, nothing else is missing.
        QCOMPARE(psql({"-c", "CREATE DATABASE letta_old"}, "postgres"), QString());
        QCOMPARE(psql({"-f", MNEMO_SOURCE_DIR "/tests/fixtures/postgres/letta-schema.sql", "-f",
                       MNEMO_SOURCE_DIR "/tests/fixtures/postgres/letta.sql", "-c",
                       "DROP TABLE block_history; GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader"},
                      "letta_old"),
                 QString());
        auto old = AgentStore::open(url("letta_old"));
        QVERIFY2(old.ok(), old.message().c_str());
        auto oldSummary = old.value()->summary();
        QVERIFY2(oldSummary.ok() && oldSummary->items == 9, oldSummary.ok() ? "" : oldSummary.message().c_str());
        auto oldHuman = old.value()->item("block-human", parseTimeUs("2026-12-01T09:10:00Z"));
        QVERIFY2(oldHuman.ok() && oldHuman->text == "Alice lives in Lyon and runs on Sundays",
                 oldHuman.ok() ? oldHuman->text.c_str() : oldHuman.message().c_str());
        QVERIFY(old.value()->history("block-human").ok() && old.value()->history("block-human")->size() == 1);
        QVERIFY(old.value()->diff(*parseTimeUs("2026-12-01T09:15:00Z"), *parseTimeUs("2026-12-01T09:45:00Z")).ok());
        old.value().reset();

        // The same database with a (empty) LangGraph checkpointer beside it: the checkpointer opens, saying Letta is
        // there too; a suffix picks Letta; a suffix naming what is not there is a clear error.
        QCOMPARE(psql({"-f", MNEMO_SOURCE_DIR "/tests/fixtures/postgres/langgraph-checkpointer-schema.sql", "-c",
                       "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader"},
                      "letta"),
                 QString());
        auto both = AgentStore::open(url("letta"));
        QVERIFY2(both.ok() && both.value()->summary().ok(), both.message().c_str());
        QCOMPARE(both.value()->summary()->variant, std::string("postgres-checkpointer"));
        const auto notes = both.value()->summary()->notes;
        QVERIFY(std::any_of(notes.begin(), notes.end(),
                            [](const std::string &n) { return n.find("#letta") != std::string::npos; }));
        auto picked = AgentStore::open(url("letta") + "#letta");
        QVERIFY2(picked.ok() && picked.value()->kind() == StoreKind::Letta, picked.message().c_str());
        QVERIFY(picked.value()->path().ends_with("#letta")); // the recent list reopens the same store
        QCOMPARE(picked.value()->summary()->items, int64_t(9));
        auto absent = AgentStore::open(url("letta") + "#store");
        QVERIFY2(!absent.ok() && absent.message().find("no store tables") != std::string::npos,
                 absent.message().c_str());
        QCOMPARE(AgentStore::displayName("postgresql://u:pw@/letta?host=/x#letta").find("pw"), std::string::npos);
        QVERIFY(AgentStore::displayName("postgresql://u:pw@/letta?host=/x#letta").ends_with("#letta"));

        QCOMPARE(psql({"-c", "ALTER TABLE messages DROP COLUMN sequence_id"}, "letta"), QString());
        auto unknown = AgentStore::open(url("letta") + "#letta");
        QVERIFY2(!unknown.ok() &&
                     unknown.message().find("messages table has no 'sequence_id' column") != std::string::npos,
                 unknown.message().c_str());
    }

    void faultsAreClearMessages() {
        auto wrongDb = AgentStore::open(url("no_such_db"));
        QVERIFY(!wrongDb.ok() && wrongDb.message().find("no_such_db") != std::string::npos &&
                wrongDb.message().find("cannot connect") != std::string::npos);
        auto notLangGraph = AgentStore::open(url("postgres", "postgres"));
        QVERIFY2(!notLangGraph.ok() && notLangGraph.message().find("not an agent-memory database Mnemo reads (no "
                                                                   "checkpoints") != std::string::npos,
                 notLangGraph.message().c_str());
        auto unreachable = AgentStore::open("postgresql://reader:secret-pw@/lg?host=/nonexistent-socket-dir");
        QVERIFY2(!unreachable.ok() && unreachable.message().find("cannot connect") != std::string::npos &&
                     unreachable.message().find("secret-pw") == std::string::npos,
                 unreachable.message().c_str());
    }
};

QTEST_GUILESS_MAIN(TestAgentMemoryPg)
#include "tst_agent_memory_pg.moc"
