// The Inspect workspace offscreen: every view over the sample store and a Chroma store, linked selection, time
// travel and diff, the access projection, the retrieval debugger, live tail, and a bad store that leaves the
// current one open.
#include "support/PgCluster.hpp"

#include "inspect/AccessPanel.hpp"
#include "inspect/DetailPane.hpp"
#include "inspect/GraphPanel.hpp"
#include "inspect/InspectSession.hpp"
#include "inspect/InspectWorkspace.hpp"
#include "inspect/ItemTableModel.hpp"
#include "inspect/MapPanel.hpp"
#include "inspect/RetrievalPanel.hpp"
#include "inspect/StoreTreePanel.hpp"
#include "inspect/TimelinePanel.hpp"
#include "inspect/widgets/EmbeddingMapView.hpp"
#include "inspect/widgets/GraphView.hpp"
#include "inspect/widgets/TimelineView.hpp"

#include "mnemo/agentmem/NativeStore.hpp"

#include <QComboBox>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using namespace mnemo::ui;

namespace {
const QString kSample = MNEMO_BINARY_DIR "/assets/agent-memory/sample.mnemem";

// Kept in build/test-artifacts for a person to look at.
void snapshot(QWidget &w, const char *name) {
    QCoreApplication::processEvents();
    w.grab().save(QString(MNEMO_TEST_ARTIFACTS_DIR "/inspect-%1.png").arg(name));
}
}

class TestInspectWorkspace : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;

    void openAndWait(InspectWorkspace &w, const QString &path) {
        QSignalSpy opened(&w.session(), &InspectSession::opened);
        w.openStore(path);
        QVERIFY2(opened.wait(20000), qPrintable(w.statusLabel()->text()));
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 20000);
    }

private slots:
    void initTestCase() { QVERIFY(QFile::exists(kSample)); }

    void tableSearchAndDetail() {
        InspectWorkspace w;
        w.resize(1400, 900);
        w.show();
        openAndWait(w, kSample);
        QCOMPARE(w.tableModel()->totalCount(), 24); // 19 memories + 7 day nodes - 2 deleted
        QCOMPARE(w.tabs()->currentWidget(), w.mapPanel()); // a store with embeddings opens on its map
        // The detail pane loads on a worker: quick selections show only the newest item.
        w.session().setCurrent("m-peanut");
        w.session().setCurrent("m-lisbon");
        QTRY_VERIFY(!w.detailPane()->isBusy());
        QVERIFY(w.detailPane()->toPlainText().contains("late June"));
        w.searchEdit()->setText("Lisbon");
        QTRY_COMPARE(w.tableModel()->totalCount(), 3);
        // Selecting a row makes it current everywhere; the detail pane shows its history and provenance.
        const int row = w.tableModel()->rowOf("m-lisbon");
        QVERIFY(row >= 0);
        w.table()->selectRow(row);
        QCOMPARE(w.session().currentId(), QString("m-lisbon"));
        QTRY_VERIFY(!w.detailPane()->isBusy());
        const QString detail = w.detailPane()->toPlainText();
        QVERIFY2(detail.contains("History (3)"), qPrintable(detail)); // add, update, a retrieval
        QVERIFY(detail.contains("late June"));
        QVERIFY(detail.contains("Provenance"));
        QVERIFY(detail.contains("Retrieved"));
        QVERIFY(detail.contains("Who may read it"));
        // The map marks the same item.
        QCOMPARE(w.mapPanel()->view()->pointCount() > 0, true);
        QVERIFY(w.mapPanel()->indexOf("m-lisbon") >= 0);
        w.searchEdit()->clear();
        QTRY_COMPARE(w.tableModel()->totalCount(), 24);
    }

    void mapClickAndLassoSelect() {
        InspectWorkspace w;
        w.resize(1400, 900);
        w.show();
        openAndWait(w, kSample);
        w.tabs()->setCurrentWidget(w.mapPanel());
        EmbeddingMapView *map = w.mapPanel()->view();
        QTRY_VERIFY(!map->isBusy());
        QCOMPARE(map->pointCount(), 26 - 2); // deleted items leave the map
        const int index = w.mapPanel()->indexOf("m-peanut");
        QVERIFY(index >= 0);
        QTest::mouseClick(map, Qt::LeftButton, {}, map->toScreen(index).toPoint());
        QTRY_VERIFY(!w.session().currentId().isEmpty());
        // The click picks the nearest point within a few pixels: it is m-peanut unless another point overlaps it.
        QVERIFY(map->pointAt(map->toScreen(index)) >= 0);
        // A lasso around the whole view selects every point.
        QRect r = map->rect().adjusted(2, 2, -2, -2);
        QTest::mousePress(map, Qt::LeftButton, {}, r.topLeft());
        QTest::mouseMove(map, r.topRight());
        QTest::mouseMove(map, r.bottomRight());
        QTest::mouseMove(map, r.bottomLeft());
        QTest::mouseRelease(map, Qt::LeftButton, {}, r.bottomLeft());
        QTRY_COMPARE(w.session().selection().size(), map->pointCount());
        // Colour by tier: three tiers plus the day nodes' "tree".
        auto *colourBy = w.mapPanel()->findChild<QComboBox *>("mapColourBy");
        colourBy->setCurrentIndex(2);
        QTRY_VERIFY(!map->isBusy());
        QImage shot = map->grab().toImage();
        QVERIFY(!shot.isNull());
    }

    void graphTreeAndLinkedSelection() {
        InspectWorkspace w;
        w.resize(1400, 900);
        w.show();
        openAndWait(w, kSample);
        w.tabs()->setCurrentWidget(w.graphPanel());
        GraphView *graph = w.graphPanel()->view();
        QTRY_VERIFY_WITH_TIMEOUT(!graph->isBusy(), 20000);
        QVERIFY(graph->shownNodeCount() >= 10); // 8 relations over memories
        QVERIFY(graph->shownEdgeCount() == 8);
        auto pos = graph->toScreen("m-lisbon");
        QVERIFY(pos.has_value());
        QTest::mouseClick(graph, Qt::LeftButton, {}, pos->toPoint());
        QTRY_COMPARE(w.session().currentId(), QString("m-lisbon"));
        snapshot(w, "graph");

        // Tree: the day nodes are roots; a day holds that day's memories.
        w.tabs()->setCurrentWidget(w.treePanel());
        QTreeWidget *tree = w.treePanel()->tree();
        QTRY_COMPARE(tree->topLevelItemCount(), 7); // the roots are read on a worker
        QTreeWidgetItem *monday = tree->topLevelItem(0);
        monday->setExpanded(true);
        QTRY_VERIFY(monday->childCount() >= 5);
        tree->setCurrentItem(monday->child(0));
        snapshot(w, "tree");
        QCOMPARE(w.session().currentId(), monday->child(0)->data(0, Qt::UserRole).toString());
        // Group by user instead.
        w.treePanel()->findChild<QComboBox *>("treeGroupBy")->setCurrentIndex(1);
        QTRY_VERIFY(!w.treePanel()->isBusy());
        QCOMPARE(tree->topLevelItemCount(), 4); // alice, bob, carol and the day nodes' "(none)"
        QVERIFY(tree->topLevelItem(0)->text(0).contains("("));
    }

    void timeTravelAndDiff() {
        InspectWorkspace w;
        w.resize(1400, 900);
        w.show();
        openAndWait(w, kSample);
        TimelineView *timeline = w.timelinePanel()->view();
        QTRY_VERIFY(!timeline->isBusy());
        QCOMPARE(timeline->eventCount(), 44);
        // Travel to the middle of Tuesday: fewer items existed, and m-lisbon had its first text.
        w.session().setCurrent("m-lisbon");
        const qint64 tuesdayNoon = QDateTime(QDate(2026, 11, 17), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch() * 1000;
        timeline->setCursorUs(tuesdayNoon);
        emit timeline->cursorChanged(tuesdayNoon);
        QVERIFY(w.session().asOfUs().has_value());
        QTRY_VERIFY(w.tableModel()->totalCount() >= 0 && w.tableModel()->totalCount() < 24);
        QVERIFY(w.tableModel()->totalCount() >= 10);
        QTRY_VERIFY(!w.detailPane()->isBusy());
        QVERIFY(w.detailPane()->toPlainText().contains("As of"));
        // The text as it was then; the later update is listed, marked as after this time.
        QVERIFY(w.detailPane()->toPlainText().contains("Alice plans a trip to Lisbon in June to visit her sister"));
        QVERIFY(w.detailPane()->toPlainText().contains("after this time"));
        // Compare Thursday with Saturday: the diff lists what changed in between.
        const qint64 thursday = QDateTime(QDate(2026, 11, 19), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch() * 1000;
        timeline->setCursorUs(thursday);
        emit timeline->cursorChanged(thursday);
        const qint64 saturday = QDateTime(QDate(2026, 11, 21), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch() * 1000;
        timeline->setCompareUs(saturday);
        emit timeline->compareChanged(saturday);
        QTRY_VERIFY(!w.detailPane()->isBusy());
        const QString diff = w.detailPane()->toPlainText();
        QVERIFY2(diff.contains("Changes"), qPrintable(diff));
        QVERIFY(diff.contains("5 added · 2 removed · 2 changed"));
        QVERIFY(diff.contains("m-sleep"));
        QVERIFY(diff.contains("135k"));
        snapshot(w, "time-travel-diff");
        // Back to now.
        w.timelinePanel()->nowButton()->click();
        QVERIFY(!w.session().asOfUs().has_value());
        QTRY_COMPARE(w.tableModel()->totalCount(), 24);
    }

    // A LangGraph checkpointer in PostgreSQL, read in place as a SELECT-only role: the table pages from the server,
    // the detail shows a checkpoint's channel values and its pending write, the timeline its events, time travel
    // narrows the table. Screenshots of the views.
    void aPostgresCheckpointerIsInspectedInPlace() {
        mnemo::test::PgCluster pg;
        if (!pg.skip.isEmpty()) QSKIP(qPrintable(pg.skip));
        QVERIFY2(pg.error.isEmpty(), qPrintable(pg.error));
        InspectWorkspace w;
        w.resize(1400, 900);
        w.show();
        openAndWait(w, QString::fromStdString(pg.url()));
        QCOMPARE(w.tableModel()->totalCount(), 5);
        QVERIFY(!w.statusLabel()->text().contains("password"));
        w.session().setCurrent("1ef0-0003");
        QTRY_VERIFY(!w.detailPane()->isBusy());
        const QString detail = w.detailPane()->toPlainText();
        QVERIFY2(detail.contains("sunny all day") && detail.contains("pending umbrella tip"), qPrintable(detail));
        snapshot(w, "postgres-table");
        TimelineView *timeline = w.timelinePanel()->view();
        QTRY_VERIFY(!timeline->isBusy());
        QCOMPARE(timeline->eventCount(), 6);
        const qint64 between = QDateTime(QDate(2026, 12, 1), QTime(10, 0, 1, 500), Qt::UTC).toMSecsSinceEpoch() * 1000;
        timeline->setCursorUs(between);
        emit timeline->cursorChanged(between);
        QTRY_COMPARE(w.tableModel()->totalCount(), 2);
        snapshot(w, "postgres-time-travel");
        w.timelinePanel()->nowButton()->click();
        QTRY_COMPARE(w.tableModel()->totalCount(), 5);
        // Live: an agent writes a checkpoint; the open view follows (the store's watcher polls the server).
        QCOMPARE(pg.psql({"-c", "INSERT INTO checkpoints VALUES ('t2', '', '1ef0-0006', '1ef0-0005', NULL, '{\"ts\": "
                                "\"2026-12-01T11:01:00.000Z\", \"channel_values\": {\"topic\": \"dinner\"}}', "
                                "'{\"source\": \"loop\", \"step\": 0}')"}),
                 QString());
        QTRY_COMPARE_WITH_TIMEOUT(w.tableModel()->totalCount(), 6, 20000);
        for (int tab = 0; tab < w.tabs()->count(); ++tab) {
            w.tabs()->setCurrentIndex(tab);
            QTest::qWait(300);
            snapshot(w, qPrintable("postgres-tab-" + w.tabs()->tabText(tab).toLower().remove('&').replace(' ', '-')));
        }
        // The server crashes: the view stays and says so; it comes back: the view reloads on its own.
        w.tabs()->setCurrentIndex(0);
        QVERIFY(pg.stopServer());
        QTRY_VERIFY_WITH_TIMEOUT(w.statusLabel()->text().startsWith("Connection lost"), 10000);
        QCOMPARE(w.tableModel()->rowCount(), 6);
        snapshot(w, "postgres-connection-lost");
        QVERIFY(pg.startServer());
        QTRY_VERIFY_WITH_TIMEOUT(w.statusLabel()->text().startsWith("6 items"), 20000);
        QCOMPARE(w.tableModel()->rowCount(), 6);
    }

    // A Letta server's PostgreSQL database in every view: the passages on the map, the blocks' versions in the
    // detail, the attachments in the graph, the agents in the access panel.
    void aLettaServerIsInspectedInPlace() {
        mnemo::test::PgCluster pg;
        if (!pg.skip.isEmpty()) QSKIP(qPrintable(pg.skip));
        QVERIFY2(pg.error.isEmpty(), qPrintable(pg.error));
        QCOMPARE(pg.psql({"-c", "CREATE DATABASE letta"}, "postgres"), QString());
        QCOMPARE(pg.psql({"-f", MNEMO_SOURCE_DIR "/tests/fixtures/postgres/letta-schema.sql", "-f",
                          MNEMO_SOURCE_DIR "/tests/fixtures/postgres/letta.sql", "-c",
                          "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader"},
                         "letta"),
                 QString());
        InspectWorkspace w;
        w.resize(1400, 900);
        w.show();
        openAndWait(w, QString::fromStdString(pg.url("letta")));
        QCOMPARE(w.tableModel()->totalCount(), 9);
        QCOMPARE(w.tabs()->currentWidget(), w.mapPanel()); // the passages' embeddings
        QTRY_COMPARE(w.mapPanel()->view()->pointCount(), 2);
        w.session().setCurrent("block-human");
        QTRY_VERIFY(!w.detailPane()->isBusy());
        const QString detail = w.detailPane()->toPlainText();
        QVERIFY2(detail.contains("Alice lives in Paris") && detail.contains("agent-companion"), qPrintable(detail));
        snapshot(w, "letta-postgres");
        QTRY_VERIFY(!w.isBusy());
        QVERIFY(w.accessPanel()->principalBox()->findData("agent-research") >= 0);
        for (int tab = 0; tab < w.tabs()->count(); ++tab) {
            w.tabs()->setCurrentIndex(tab);
            QTest::qWait(300);
            const QString tabName = w.tabs()->tabText(tab).toLower().remove('&').replace(' ', '-');
            snapshot(w, qPrintable("letta-postgres-tab-" + tabName));
        }
    }

    void accessProjection() {
        InspectWorkspace w;
        w.resize(1400, 900);
        w.show();
        openAndWait(w, kSample);
        w.tabs()->setCurrentWidget(w.accessPanel());
        QComboBox *who = w.accessPanel()->principalBox();
        const int coach = who->findData("coach");
        QVERIFY(coach >= 0);
        who->setCurrentIndex(coach);
        QTRY_VERIFY(!w.accessPanel()->isBusy());
        QVERIFY(w.accessPanel()->summaryLabel()->text().contains("may read"));
        QVERIFY(w.accessPanel()->table()->rowCount() > 0);
        bool sawDenied = false;
        for (int r = 0; r < w.accessPanel()->table()->rowCount(); ++r) {
            sawDenied |= w.accessPanel()->table()->item(r, 1)->text().startsWith("denied");
        }
        QVERIFY(sawDenied); // the coach may not read the travel agent's memories
        snapshot(w, "access");
        // Project every view through the coach's eyes.
        w.accessPanel()->findChild<QCheckBox *>("accessApplyEverywhere")->setChecked(true);
        QCOMPARE(w.session().viewAs(), QString("coach"));
        QTRY_VERIFY(w.tableModel()->totalCount() >= 0 && w.tableModel()->totalCount() < 24);
        const qint64 seen = w.tableModel()->totalCount();
        who->setCurrentIndex(who->findData("carol"));
        QTRY_VERIFY(w.tableModel()->totalCount() >= 0 && w.tableModel()->totalCount() != seen);
    }

    void retrievalDebugger() {
        InspectWorkspace w;
        w.resize(1400, 900);
        w.show();
        openAndWait(w, kSample);
        w.tabs()->setCurrentWidget(w.retrievalPanel());
        RetrievalPanel *r = w.retrievalPanel();
        QVERIFY(r->queryEdit()->isEnabled());
        r->queryEdit()->setText("peanut allergy");
        r->searchText();
        QTRY_VERIFY(!r->isBusy());
        QTRY_VERIFY(r->results()->rowCount() > 0);
        QCOMPARE(r->results()->item(0, 3)->text(), QString("m-peanut"));
        QVERIFY(!w.session().highlighted().isEmpty());
        snapshot(w, "retrieval");
        // The store's own retrieval log, and replaying one of its queries.
        QCOMPARE(r->logged()->rowCount(), 11);
        int peanutRow = -1;
        for (int i = 0; i < r->logged()->rowCount(); ++i) {
            if (r->logged()->item(i, 5)->data(Qt::UserRole).toString() == "m-peanut") peanutRow = i;
        }
        QVERIFY(peanutRow >= 0);
        emit r->logged()->cellDoubleClicked(peanutRow, 2);
        QCOMPARE(r->queryEdit()->text(), QString("allergies of the group for the offsite dinner"));
        QTRY_VERIFY(!r->isBusy());
        // Item as the query: the item itself is left out of its own neighbours.
        w.session().setCurrent("m-marathon");
        r->searchLikeCurrent();
        QTRY_VERIFY(!r->isBusy());
        QTRY_VERIFY(r->results()->rowCount() > 0);
        for (int i = 0; i < r->results()->rowCount(); ++i) QVERIFY(r->results()->item(i, 3)->text() != "m-marathon");
    }

    void chromaStoreInEveryView() {
        QProcess gen;
        gen.start(MNEMO_BINARY_DIR "/bin/mnemo_agent_store_gen", {"chroma", m_tmp.filePath("gen")});
        QVERIFY(gen.waitForFinished(60000));
        QCOMPARE(gen.exitCode(), 0);
        InspectWorkspace w;
        w.resize(1400, 900);
        w.show();
        openAndWait(w, m_tmp.filePath("gen/chroma"));
        QCOMPARE(w.tableModel()->totalCount(), 313);
        QTRY_VERIFY(!w.mapPanel()->isBusy());
        QCOMPARE(w.mapPanel()->view()->pointCount(), 313);
        QTRY_VERIFY_WITH_TIMEOUT(!w.graphPanel()->isBusy(), 20000);
        QVERIFY(w.graphPanel()->view()->shownEdgeCount() > 100); // A-MEM links
        // No local embedder for this store: text queries are off, item-as-query works, through Chroma's HNSW graph.
        RetrievalPanel *r = w.retrievalPanel();
        QVERIFY(!r->queryEdit()->isEnabled());
        QVERIFY(r->findChild<QLabel *>("retrievalEmbedder")->text().contains("HNSW"));
        const QString first = w.tableModel()->data(w.tableModel()->index(0, 0), Qt::UserRole).toString();
        w.session().setCurrent(first);
        r->searchLikeCurrent();
        QTRY_VERIFY(!r->isBusy());
        QTRY_COMPARE(r->results()->rowCount(), 10);
        w.tabs()->setCurrentWidget(w.mapPanel());
        QTRY_VERIFY(!w.mapPanel()->isBusy());
        snapshot(w, "chroma-map");
    }

    void realMem0AndLangGraphInEveryView() {
        // Stores written by the vendors' own npm packages (tools/agent-fixtures.sh).
        QProcess npm;
        npm.setProcessChannelMode(QProcess::MergedChannels);
        npm.start("bash", {MNEMO_SOURCE_DIR "/tools/agent-fixtures.sh", m_tmp.filePath("npm")});
        QVERIFY(npm.waitForFinished(600000));
        if (npm.exitCode() == 3) QSKIP("the npm-made fixtures could not be generated (no Node.js >= 20, or no npm registry)");
        QVERIFY2(npm.exitCode() == 0, npm.readAll().constData());
        InspectWorkspace w;
        w.resize(1400, 900);
        w.show();
        openAndWait(w, m_tmp.filePath("npm/mem0"));
        QCOMPARE(w.tableModel()->totalCount(), 12 + 5); // memories and their entities
        QTRY_VERIFY(!w.mapPanel()->isBusy());
        QCOMPARE(w.mapPanel()->view()->pointCount(), 17);
        QTRY_VERIFY_WITH_TIMEOUT(!w.graphPanel()->isBusy(), 20000);
        QVERIFY(w.graphPanel()->view()->shownEdgeCount() >= 5); // entity -> memory mentions
        QVERIFY(!w.retrievalPanel()->queryEdit()->isEnabled()); // the store's embedder is not Mnemo's
        w.session().setCurrent(w.tableModel()->data(w.tableModel()->index(0, 0), Qt::UserRole).toString());
        w.retrievalPanel()->searchLikeCurrent();
        QTRY_VERIFY(!w.retrievalPanel()->isBusy());
        QTRY_VERIFY(w.retrievalPanel()->results()->rowCount() > 0);
        snapshot(w, "mem0");

        openAndWait(w, m_tmp.filePath("npm/langgraph/checkpoints.db"));
        QCOMPARE(w.tabs()->currentWidget(), w.treePanel()); // no embeddings: a checkpointer opens on its fork tree
        QCOMPARE(w.tableModel()->totalCount(), 34);
        QTRY_COMPARE(w.treePanel()->tree()->topLevelItemCount(), 3); // one root checkpoint per thread
        QTRY_VERIFY(!w.timelinePanel()->isBusy());
        QCOMPARE(w.timelinePanel()->view()->eventCount(), 34 + 49);
        QTRY_VERIFY_WITH_TIMEOUT(!w.graphPanel()->isBusy(), 20000);
        QCOMPARE(w.graphPanel()->view()->shownEdgeCount(), 31); // the checkpoint lineage, with its fork
        w.tabs()->setCurrentWidget(w.treePanel());
        snapshot(w, "langgraph");
    }

    void liveTailAndBadStore() {
        const QString path = m_tmp.filePath("live.mnemem");
        QVERIFY(QFile::copy(kSample, path));
        InspectWorkspace w;
        w.resize(1400, 900);
        w.show();
        openAndWait(w, path);
        w.session().setLiveInterval(200);
        QSignalSpy refreshed(&w.session(), &InspectSession::refreshed);
        {
            auto writer = mnemo::agentmem::NativeStoreWriter::openForAppend(path.toStdString());
            QVERIFY(writer.ok());
            mnemo::agentmem::MemoryItem it;
            it.text = "Carol booked the Porto venue for the offsite";
            it.userId = "carol";
            QVERIFY(writer.value()->add(it).ok());
            // The agent keeps its writer open; the inspector must see the commit within a second.
            QVERIFY(refreshed.wait(1500));
            QTRY_COMPARE(w.tableModel()->totalCount(), 25);
        }
        // A bad store: a clear message, and the open store stays.
        QFile bad(m_tmp.filePath("broken.db"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("SQLite format 3");
        bad.write(QByteArray(100, '\0'));
        bad.close();
        QSignalSpy failed(&w.session(), &InspectSession::failed);
        w.openStore(bad.fileName());
        QVERIFY(failed.wait(10000));
        QVERIFY(w.statusLabel()->text().contains("broken.db"));
        QCOMPARE(w.tableModel()->totalCount(), 25);
        QVERIFY(w.session().isOpen());
    }
};

QTEST_MAIN(TestInspectWorkspace)
#include "tst_inspect_workspace.moc"
