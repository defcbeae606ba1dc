// The agent-memory inspector's engine: the native store, every foreign adapter against fixture stores (real npm
// writers where the registry has them, the project's schema-built generator elsewhere), time travel, access
// policies, neighbours, live tail, the no-write guarantee and clear errors for malformed stores.
#include "mnemo/agentmem/AgentStore.hpp"
#include "mnemo/agentmem/HashingEmbedder.hpp"
#include "mnemo/agentmem/NativeStore.hpp"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

using namespace mnemo::agentmem;
using mnemo::Status;
using mnemo::StatusCode;

namespace {

QJsonObject readJson(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// Every file under a path with its SHA-256, to prove nothing was written, created or removed.
QMap<QString, QByteArray> fingerprint(const QString &root) {
    QMap<QString, QByteArray> out;
    QFileInfo info(root);
    QStringList files;
    if (info.isFile()) {
        files << root;
    } else {
        QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) files << it.next();
    }
    for (const QString &f : files) {
        QFile file(f);
        file.open(QIODevice::ReadOnly);
        out[f] = QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
    }
    return out;
}

std::unique_ptr<AgentStore> openOrFail(const QString &path) {
    auto s = AgentStore::open(path.toStdString());
    if (!s.ok()) qWarning("%s", s.message().c_str());
    return s.ok() ? std::move(s.value()) : nullptr;
}

void execSql(const QString &db, const char *sql) {
    sqlite3 *h = nullptr;
    QCOMPARE(sqlite3_open(db.toUtf8().constData(), &h), SQLITE_OK);
    char *err = nullptr;
    int rc = sqlite3_exec(h, sql, nullptr, nullptr, &err);
    QVERIFY2(rc == SQLITE_OK, err ? err : "?");
    sqlite3_close(h);
}

const int64_t kT0 = int64_t(1772355600) * 1000000; // 2026-03-01T09:00:00Z

} // namespace

class TestAgentMemory : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_generated; // schema-built fixtures
    QString m_npm;       // real-library fixtures; empty when Node.js is missing

    QString nativeStore(const QString &name) {
        QString path = m_tmp.filePath(name);
        NativeStoreWriter::Options o;
        o.embedder = "mnemo-hash-64";
        auto w = NativeStoreWriter::create(path.toStdString(), o);
        if (!w.ok()) qFatal("%s", w.message().c_str());
        MemoryItem a;
        a.id = "a";
        a.text = "Alice prefers window seats on long flights";
        a.userId = "alice";
        a.agentId = "travel-agent";
        a.tier = "LTM";
        a.createdUs = kT0;
        MemoryItem b = a;
        b.id = "b";
        b.text = "Bob is allergic to peanuts";
        b.userId = "bob";
        b.createdUs = kT0 + 10'000'000;
        MemoryItem c = a;
        c.id = "c";
        c.text = "The team offsite is in Lisbon in June";
        c.userId = "carol";
        c.scope = "shared";
        c.createdUs = kT0 + 20'000'000;
        for (const auto &it : {a, b, c}) {
            auto id = w.value()->add(it);
            if (!id.ok()) qFatal("%s", id.message().c_str());
        }
        Status s = w.value()->update("a", "Alice prefers aisle seats on long flights", "alice", kT0 + 30'000'000);
        if (s.ok()) s = w.value()->remove("b", "bob", kT0 + 40'000'000);
        if (s.ok()) s = w.value()->putPolicy({0, "dave", "user", "alice", "allow", kT0 + 25'000'000, kT0 + 35'000'000});
        if (s.ok()) s = w.value()->putPolicy({0, "erin", "scope", "shared", "deny", kT0, std::nullopt});
        if (s.ok()) s = w.value()->putRelation({"a", "c", "relates", "same trip", kT0, std::nullopt});
        if (s.ok()) s = w.value()->putAccess({0, "a", "travel-agent", "seat preference", "search", 0.91, 1, kT0 + 31'000'000});
        if (!s.ok()) qFatal("%s", s.message().c_str());
        return path;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_generated = m_tmp.filePath("generated");
        QProcess gen;
        gen.start(MNEMO_BINARY_DIR "/bin/mnemo_agent_store_gen", {"all", m_generated});
        QVERIFY(gen.waitForFinished(120000));
        QVERIFY2(gen.exitCode() == 0, gen.readAllStandardError().constData());

        // Real stores from the vendors' own npm packages (tools/agent-fixtures.sh). Node.js is part of the
        // machine's toolchain; the script exits 3 only where it is missing.
        QProcess npm;
        npm.setProcessChannelMode(QProcess::MergedChannels);
        npm.start("bash", {MNEMO_SOURCE_DIR "/tools/agent-fixtures.sh", m_tmp.filePath("npm")});
        QVERIFY(npm.waitForFinished(600000));
        if (npm.exitCode() == 3) {
            qWarning("npm-made fixtures skipped: %s", npm.readAll().constData());
        } else {
            QVERIFY2(npm.exitCode() == 0, npm.readAll().constData());
            m_npm = m_tmp.filePath("npm");
        }
    }

    void nativeStoreRoundTrip() {
        QString path = nativeStore("round.mnemem");
        auto store = openOrFail(path);
        QVERIFY(store);
        QCOMPARE(store->kind(), StoreKind::Mnemo);
        auto sum = store->summary();
        QVERIFY(sum.ok());
        QCOMPARE(sum->items, 2);        // b was deleted
        QCOMPARE(sum->deletedItems, 1);
        QCOMPARE(sum->eventActions["add"], 3);
        QCOMPARE(sum->eventActions["update"], 1);
        QCOMPARE(sum->eventActions["delete"], 1);
        QCOMPARE(sum->embeddingDim, 64);
        QCOMPARE(sum->policies, 2);
        QVERIFY(store->canEmbedText());

        // Newest first; the update shows.
        auto page = store->items({}, 0, 10);
        QVERIFY(page.ok());
        QCOMPARE(int(page->size()), 2);
        QCOMPARE(QString::fromStdString(page->at(0).id), QString("c"));
        QVERIFY(page->at(1).text.find("aisle") != std::string::npos);

        // Full-text search, prefix on the last word.
        ItemFilter f;
        f.text = "lisb";
        auto hits = store->items(f, 0, 10);
        QVERIFY(hits.ok());
        QCOMPARE(int(hits->size()), 1);
        QCOMPARE(QString::fromStdString(hits->at(0).id), QString("c"));
        f.text = "peanuts";
        QCOMPARE(store->countItems(f).value(), 0); // deleted
        f.includeDeleted = true;
        QCOMPARE(store->countItems(f).value(), 1);
    }

    void timeTravelAndDiff() {
        auto store = openOrFail(nativeStore("travel.mnemem"));
        QVERIFY(store);
        ItemFilter at;
        at.asOfUs = kT0 + 15'000'000; // a and b exist, a still says "window"
        auto then = store->items(at, 0, 10);
        QVERIFY(then.ok());
        QCOMPARE(int(then->size()), 2);
        bool sawWindow = false;
        for (const auto &it : then.value()) sawWindow |= it.id == "a" && it.text.find("window") != std::string::npos;
        QVERIFY(sawWindow);
        auto old = store->item("a", kT0 + 29'000'000);
        QVERIFY(old->text.find("window") != std::string::npos);
        QVERIFY(store->item("a", kT0 + 31'000'000)->text.find("aisle") != std::string::npos);
        at.asOfUs = kT0 + 45'000'000;
        QCOMPARE(store->countItems(at).value(), 2); // b deleted at +40 s

        auto d = store->diff(kT0 + 15'000'000, kT0 + 45'000'000);
        QVERIFY(d.ok());
        QCOMPARE(int(d->added.size()), 1);   // c
        QCOMPARE(int(d->removed.size()), 1); // b
        QCOMPARE(int(d->changed.size()), 1); // a
        QCOMPARE(QString::fromStdString(d->changed[0].metadataJson).contains("window"), true);
    }

    void accessPolicies() {
        auto store = openOrFail(nativeStore("access.mnemem"));
        QVERIFY(store);
        ItemFilter f;
        f.visibleTo = "alice";
        QCOMPARE(store->countItems(f).value(), 2); // own a + shared c
        f.visibleTo = "erin";
        QCOMPARE(store->countItems(f).value(), 0); // shared denied, nothing own
        f.visibleTo = "dave";
        f.asOfUs = kT0 + 30'000'000;                // inside dave's allow window for alice's items
        QCOMPARE(store->countItems(f).value(), 2); // a (allowed) + c (shared)
        f.asOfUs = kT0 + 36'000'000;                // window closed
        QCOMPARE(store->countItems(f).value(), 1);
        auto a = store->item("a");
        auto why = store->explainAccess(a.value(), "dave", kT0 + 30'000'000);
        QVERIFY(why->visible);
        QVERIFY(QString::fromStdString(why->reason).contains("policy"));
        why = store->explainAccess(a.value(), "dave", kT0 + 36'000'000);
        QVERIFY(!why->visible);
        QCOMPARE(QString::fromStdString(why->reason), QString("private to alice"));
        auto c = store->item("c");
        why = store->explainAccess(c.value(), "erin", std::nullopt);
        QVERIFY(!why->visible);
        QVERIFY(QString::fromStdString(why->reason).startsWith("denied"));
    }

    // Found by fuzz_native_store: an embedding whose item row is gone (a damaged store) made the exact index read
    // past its list of ids. Such embeddings are left out, and every neighbour has its own id.
    void embeddingsWithoutItemsAreSkipped() {
        const QString path = m_tmp.filePath("orphans.mnemem");
        {
            NativeStoreWriter::Options o;
            o.embedder = "mnemo-hash-128";
            auto w = NativeStoreWriter::create(path.toStdString(), o);
            QVERIFY(w.ok());
            for (const char *id : {"a", "b", "c", "d"}) {
                MemoryItem it;
                it.id = id;
                it.text = std::string("jazz concert note ") + id;
                it.createdUs = kT0;
                QVERIFY(w.value()->add(it).ok());
            }
        }
        execSql(path, "PRAGMA foreign_keys=OFF; DELETE FROM items WHERE id IN ('a', 'c');");
        auto store = openOrFail(path);
        auto q = store->embedText("jazz concert");
        QVERIFY(q.ok());
        auto near = store->nearest(q.value(), 10);
        QVERIFY2(near.ok(), near.message().c_str());
        QStringList ids;
        for (const auto &n : near.value()) ids << QString::fromStdString(n.id);
        ids.sort();
        QCOMPARE(ids, QStringList({"b", "d"}));
    }

    void nearestNeighboursExactAndIvf() {
        QString path = m_tmp.filePath("nn.mnemem");
        {
            NativeStoreWriter::Options o;
            o.embedder = "mnemo-hash-128";
            auto w = NativeStoreWriter::create(path.toStdString(), o);
            QVERIFY(w.ok());
            QVERIFY(w.value()->begin().ok());
            const char *topics[] = {"flight seat window aisle travel", "peanut allergy food restaurant",
                                    "project deadline meeting budget", "jazz music concert evening"};
            for (int i = 0; i < 2000; ++i) {
                MemoryItem it;
                it.id = std::string("m").append(std::to_string(i));
                it.text = std::string(topics[i % 4]) + " note " + std::to_string(i) + " extra" + std::to_string(i % 37);
                it.createdUs = kT0 + i;
                QVERIFY(w.value()->add(it).ok());
            }
            QVERIFY(w.value()->commit().ok());
        }
        auto store = openOrFail(path);
        auto q = store->embedText("jazz concert");
        QVERIFY(q.ok());
        auto exact = store->nearest(q.value(), 10);
        QVERIFY(exact.ok());
        QCOMPARE(int(exact->size()), 10);
        for (const auto &n : exact.value()) QVERIFY(std::stoi(n.id.substr(1)) % 4 == 3); // all music notes
        QVERIFY(QString::fromStdString(store->nearestMethod()).startsWith("exact"));
        // The map's even sample: every 4th row by key, not a filtered scan.
        auto sample = store->embeddings(500);
        QVERIFY(sample.ok());
        QCOMPARE(sample->total, 2000);
        QCOMPARE(int(sample->rowids.size()), 500);
        for (int64_t r : sample->rowids) QCOMPARE(r % 4, 0);
        store.reset();
        {
            auto w = NativeStoreWriter::openForAppend(path.toStdString());
            QVERIFY(w.ok());
            QVERIFY(w.value()->begin().ok());
            QVERIFY(w.value()->buildVectorIndex(8).ok());
            QVERIFY(w.value()->commit().ok());
            // Added after the index: must still be found (the index scans its tail exactly).
            MemoryItem late;
            late.id = "late";
            late.text = "jazz concert jazz concert";
            QVERIFY(w.value()->add(late).ok());
        }
        store = openOrFail(path);
        QVERIFY(QString::fromStdString(store->nearestMethod()).startsWith("IVF"));
        auto viaIndex = store->nearest(q.value(), 10);
        QVERIFY(viaIndex.ok());
        QCOMPARE(QString::fromStdString(viaIndex->front().id), QString("late"));
        int musical = 0;
        for (const auto &n : viaIndex.value()) musical += n.id == "late" || std::stoi(n.id.substr(1)) % 4 == 3;
        QCOMPARE(musical, 10);
        // The index answers with its int8 scores: within a hundredth of the exact cosine.
        for (const auto &n : viaIndex.value()) {
            auto it = store->item(n.id);
            QVERIFY(it.ok());
            std::vector<float> v = it->embedding;
            double dotq = 0, nv = 0, nq = 0;
            for (size_t d = 0; d < v.size(); ++d) {
                dotq += double(v[d]) * q.value()[d];
                nv += double(v[d]) * v[d];
                nq += double(q.value()[d]) * q.value()[d];
            }
            const double exactCos = dotq / std::sqrt(nv * nq);
            QVERIFY2(std::abs(exactCos - n.score) < 0.01, qPrintable(QString("%1 vs %2").arg(exactCos).arg(n.score)));
        }
    }

    void liveTailSeesAWriter() {
        QString path = nativeStore("live.mnemem");
        auto store = openOrFail(path);
        QVERIFY(store);
        // No writer attached: the store is read immutable, so not even a -shm appears beside it.
        QVERIFY(!QFile::exists(path + "-shm"));
        QCOMPARE(store->refreshIfChanged().value(), false);
        int64_t seq = store->lastEventSeq();
        auto w = NativeStoreWriter::openForAppend(path.toStdString());
        QVERIFY(w.ok());
        MemoryItem it;
        it.text = "Carol switched to the night train";
        it.userId = "carol";
        QVERIFY(w.value()->add(it).ok()); // the writer stays open, as a running agent would
        QCOMPARE(store->refreshIfChanged().value(), true);
        auto fresh = store->eventsAfter(seq, 10);
        QVERIFY(fresh.ok());
        QCOMPARE(int(fresh->size()), 1);
        QCOMPARE(QString::fromStdString(fresh->front().newText), QString("Carol switched to the night train"));
        QVERIFY(w.value()->add(MemoryItem{0, "", "memory", "and back", "carol"}).ok());
        QCOMPARE(store->refreshIfChanged().value(), true);
        QCOMPARE(store->summary()->items, 4);
    }

    void schemaBuiltChroma() {
        QString dir = m_generated + "/chroma";
        QJsonObject m = readJson(dir + "/manifest.json");
        auto store = openOrFail(dir);
        QVERIFY(store);
        QCOMPARE(store->kind(), StoreKind::Chroma);
        auto sum = store->summary();
        QJsonObject counts = m["counts"].toObject();
        QCOMPARE(sum->items, counts["live_records"].toInt());
        QCOMPARE(sum->deletedItems, counts["queue_deletes"].toInt());
        QCOMPARE(sum->embeddingDim, m["dimension"].toInt());
        QCOMPARE(sum->eventActions["update"], counts["queue_updates"].toInt());
        QVERIFY(QString::fromStdString(store->nearestMethod()).contains("HNSW"));
        for (const QJsonValue &d : m["deleted_ids"].toArray()) {
            QVERIFY(store->item(d.toString().toStdString())->deletedUs.has_value());
        }
        // Every sample's own vector finds it first through Chroma's HNSW graph.
        ItemFilter f;
        auto page = store->items(f, 0, 40, true);
        QVERIFY(page.ok());
        int found = 0, tried = 0;
        for (const auto &it : page.value()) {
            if (it.embedding.empty()) continue;
            ++tried;
            auto nn = store->nearest(it.embedding, 1);
            found += nn.ok() && !nn->empty() && nn->front().id == it.id;
        }
        QVERIFY(tried >= 30);
        QCOMPARE(found, tried);
        // Category from A-MEM metadata is kept; links became relations.
        QVERIFY(sum->relations >= counts["link_edges_from_live_notes"].toInt());
    }

    void schemaBuiltLettaOpenMemoryMem0PyStore() {
        {
            QJsonObject m = readJson(m_generated + "/letta/manifest.json");
            auto store = openOrFail(m_generated + "/letta");
            QVERIFY(store);
            QCOMPARE(store->kind(), StoreKind::Letta);
            auto sum = store->summary();
            QJsonObject c = m["counts"].toObject();
            QCOMPARE(sum->itemKinds["block"], c["blocks"].toInt());
            QCOMPARE(sum->itemKinds["passage"], c["archival_passages_total"].toInt());
            QCOMPARE(sum->itemKinds["message"], c["messages"].toInt());
            // Every block version is a history event: one add per block, the rest updates.
            QCOMPARE(sum->eventActions["update"], c["block_history"].toInt() - c["blocks"].toInt());
            auto shared = store->item(m["shared_block_id"].toString().toStdString());
            QVERIFY(shared.ok());
            QCOMPARE(QString::fromStdString(shared->scope), QString("shared"));
            auto hist = store->history(shared->id);
            QVERIFY(hist->size() >= 5);
            QCOMPARE(QString::fromStdString(hist->back().newText), QString::fromStdString(shared->text));
        }
        {
            QJsonObject m = readJson(m_generated + "/openmemory/manifest.json");
            auto store = openOrFail(m_generated + "/openmemory");
            QVERIFY(store);
            auto sum = store->summary();
            QJsonObject c = m["counts"].toObject();
            QCOMPARE(sum->accesses, c["memory_access_logs"].toInt());
            QCOMPARE(sum->eventActions["state"], c["memory_status_history"].toInt());
            QCOMPARE(sum->deletedItems, m["memories_by_state"].toObject()["deleted"].toInt());
            auto logged = store->accesses({}, 100);
            QVERIFY(!logged->empty());
            bool hasQuery = false;
            for (const auto &a : logged.value()) hasQuery |= !a.query.empty() && a.score != 0;
            QVERIFY(hasQuery);
            // The inactive app's memories are hidden from everyone.
            QVERIFY(sum->policies >= c["access_controls"].toInt() + 1);
        }
        {
            QJsonObject m = readJson(m_generated + "/mem0py/manifest.json");
            auto store = openOrFail(m_generated + "/mem0py");
            QVERIFY(store);
            auto sum = store->summary();
            QCOMPARE(sum->itemKinds["memory"], m["counts"].toObject()["memories"].toInt());
            QCOMPARE(sum->eventActions["update"], m["history_events_by_action"].toObject()["UPDATE"].toInt());
            auto deleted = m["deleted_last_text"].toObject();
            for (auto it = deleted.begin(); it != deleted.end(); ++it) {
                auto item = store->item(it.key().toStdString());
                QVERIFY(item.ok());
                QVERIFY(item->deletedUs.has_value());
                QCOMPARE(QString::fromStdString(item->text), it.value().toString());
            }
        }
        {
            QJsonObject m = readJson(m_generated + "/langgraph-store/manifest.json");
            auto store = openOrFail(m_generated + "/langgraph-store");
            QVERIFY(store);
            auto sum = store->summary();
            QCOMPARE(sum->itemKinds["namespace"] + 0 > 0, true);
            QJsonObject byNs = m["items_by_namespace"].toObject();
            for (auto it = byNs.begin(); it != byNs.end(); ++it) {
                auto kids = store->children("ns:" + it.key().toStdString(), 1000);
                QVERIFY(kids.ok());
                QCOMPARE(int(kids->size()), it.value().toInt());
            }
            auto roots = store->children("", 100);
            QCOMPARE(int(roots->size()), 3); // agents, memories, profile
            QCOMPARE(sum->embeddings, m["counts"].toObject()["vectors"].toInt());
        }
    }

    void realMem0LangGraphMcp() {
        if (m_npm.isEmpty()) QSKIP("the npm-made fixtures could not be generated (no Node.js >= 20, or no npm registry)");
        QJsonObject manifest = readJson(m_npm + "/manifest.json");
        {
            QJsonObject m = manifest["mem0"].toObject();
            auto store = openOrFail(m_npm + "/mem0");
            QVERIFY(store);
            QCOMPARE(store->kind(), StoreKind::Mem0);
            auto sum = store->summary();
            QCOMPARE(sum->itemKinds["memory"] - sum->deletedItems, m["live_memory_count"].toInt());
            QJsonObject h = m["history_counts"].toObject();
            QCOMPARE(sum->eventActions["update"], h["UPDATE"].toInt());
            QCOMPARE(sum->eventActions["delete"], h["DELETE"].toInt());
            QCOMPARE(sum->embeddingDim, m["dimension"].toInt());
            QCOMPARE(sum->users, m["users"].toArray().size());
            QStringList live;
            ItemFilter f;
            f.kind = "memory";
            auto page = store->items(f, 0, 100);
            for (const auto &it : page.value()) live << QString::fromStdString(it.text);
            live.sort();
            QStringList expected;
            for (const QJsonValue &t : m["live_texts"].toArray()) expected << t.toString();
            expected.sort();
            QCOMPARE(live, expected);
            for (const QJsonValue &d : m["deleted_ids"].toArray()) {
                QVERIFY(store->item(d.toString().toStdString())->deletedUs.has_value());
            }
            QVERIFY(sum->relations > 0); // entity -> memory links
            QVERIFY(sum->firstUs.value() > int64_t(1700000000) * 1000000);
        }
        {
            QJsonObject m = manifest["langgraph"].toObject();
            auto store = openOrFail(m_npm + "/langgraph/checkpoints.db");
            QVERIFY(store);
            auto sum = store->summary();
            QCOMPARE(sum->checkpoints, m["total_checkpoints"].toInt());
            QCOMPARE(sum->threads, m["threads"].toArray().size());
            QCOMPARE(sum->eventActions["write"], m["writes_total"].toInt());
            QJsonObject fork = m["forks"].toArray().first().toObject();
            auto kids = store->children(fork["parent_checkpoint_id"].toString().toStdString(), 10);
            QCOMPARE(int(kids->size()), fork["children"].toArray().size());
            auto cp = store->item(fork["children"].toArray().last().toString().toStdString());
            QVERIFY(cp.ok());
            QVERIFY(QString::fromStdString(cp->text).contains("notes")); // decoded channel values
        }
        {
            QJsonObject m = manifest["mcp"].toObject();
            auto store = openOrFail(m_npm + "/mcp/memory.jsonl");
            QVERIFY(store);
            auto sum = store->summary();
            QCOMPARE(sum->items, m["entity_count"].toInt());
            QCOMPARE(sum->relations, m["relation_count"].toInt());
        }
    }

    void nothingIsEverWritten() {
        QStringList roots = {m_generated};
        if (!m_npm.isEmpty()) roots << m_npm;
        QString native = nativeStore("untouched.mnemem");
        roots << native;
        for (const QString &root : roots) {
            auto before = fingerprint(root);
            QVERIFY(!before.isEmpty());
            QStringList targets;
            if (root == native) targets << native;
            else {
                for (const QString &d : QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) targets << root + "/" + d;
            }
            for (const QString &t : targets) {
                QString path = t.endsWith("/mcp") ? t + "/memory.jsonl" : t;
                auto store = openOrFail(path);
                QVERIFY2(store, qPrintable(path));
                QVERIFY(store->summary().ok());
                QVERIFY(store->items({}, 0, 50, true).ok());
                ItemFilter f;
                f.text = "alice";
                QVERIFY(store->countItems(f).ok());
                auto set = store->embeddings(1000);
                if (set.ok() && !set->rowids.empty()) {
                    std::vector<float> q(set->data.begin(), set->data.begin() + set->dim);
                    QVERIFY(store->nearest(q, 5).ok());
                }
                QVERIFY(store->refreshIfChanged().ok());
            }
            QCOMPARE(fingerprint(root), before);
        }
    }

    void malformedStoresGiveClearErrors() {
        auto expectError = [](const QString &path, const QString &mustContain) {
            auto s = AgentStore::open(path.toStdString());
            QVERIFY2(!s.ok(), qPrintable(path));
            QString msg = QString::fromStdString(s.message());
            QVERIFY2(msg.contains(mustContain), qPrintable(msg));
        };
        QDir bad(m_tmp.filePath("bad"));
        bad.mkpath(".");
        // Truncated SQLite file.
        QFile::copy(m_generated + "/letta/sqlite.db", bad.filePath("truncated.db"));
        QFile::resize(bad.filePath("truncated.db"), 3000);
        expectError(bad.filePath("truncated.db"), "truncated.db");
        // Not a database at all.
        QFile garbage(bad.filePath("garbage.db"));
        garbage.open(QIODevice::WriteOnly);
        garbage.write(QByteArray(5000, 'x'));
        garbage.close();
        expectError(bad.filePath("garbage.db"), "neither a SQLite database");
        // A database we do not know.
        execSql(bad.filePath("other.db"), "CREATE TABLE invoices(id INTEGER, total REAL);");
        expectError(bad.filePath("other.db"), "invoices");
        // Chroma without its collections table.
        QDir chroma(bad.filePath("chroma"));
        chroma.mkpath(".");
        QFile::copy(m_generated + "/chroma/chroma.sqlite3", chroma.filePath("chroma.sqlite3"));
        execSql(chroma.filePath("chroma.sqlite3"), "ALTER TABLE collections RENAME COLUMN dimension TO dims;");
        expectError(chroma.path(), "dimension");
        // Chroma with a truncated HNSW header.
        QDir chroma2(bad.filePath("chroma2"));
        QVERIFY(QProcess::execute("cp", {"-r", m_generated + "/chroma", chroma2.path()}) == 0);
        QString header;
        QDirIterator it(chroma2.path(), {"header.bin"}, QDir::Files, QDirIterator::Subdirectories);
        header = it.next();
        QFile::resize(header, 20);
        expectError(chroma2.path(), "header.bin");
        // Mem0 vectors with a garbage blob.
        QDir mem0(bad.filePath("mem0"));
        mem0.mkpath(".");
        execSql(mem0.filePath("vector_store.db"),
                "CREATE TABLE vectors(id TEXT PRIMARY KEY, vector BLOB NOT NULL, payload TEXT NOT NULL);"
                "INSERT INTO vectors VALUES('m1', x'0102030405', '{\"data\":\"x\"}');");
        expectError(mem0.path(), "5-byte vector");
        // A native store from the future.
        QString future = nativeStore("future.mnemem");
        execSql(future, "UPDATE meta SET value='99' WHERE key='schema_version';");
        expectError(future, "newer");
        // MCP memory with a broken line.
        QFile jsonl(bad.filePath("memory.jsonl"));
        jsonl.open(QIODevice::WriteOnly);
        jsonl.write("{\"type\":\"entity\",\"name\":\"A\",\"entityType\":\"x\",\"observations\":[]}\n{not json\n");
        jsonl.close();
        expectError(bad.filePath("memory.jsonl"), "line 2");
        // A path that does not exist.
        expectError(bad.filePath("nope"), "does not exist");
    }

    void langGraphPythonMsgpackIsDecoded() {
        // Python's checkpointer stores msgpack with extension types (constructors as nested msgpack): no npm writer
        // exists, so the blobs are made here with nlohmann's msgpack writer, as the documented format describes.
        QString db = m_tmp.filePath("lg-python.db");
        execSql(db, "CREATE TABLE checkpoints(thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL DEFAULT '',"
                    " checkpoint_id TEXT NOT NULL, parent_checkpoint_id TEXT, type TEXT, checkpoint BLOB, metadata BLOB,"
                    " PRIMARY KEY(thread_id, checkpoint_ns, checkpoint_id));"
                    "CREATE TABLE writes(thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL DEFAULT '',"
                    " checkpoint_id TEXT NOT NULL, task_id TEXT NOT NULL, idx INTEGER NOT NULL, channel TEXT NOT NULL,"
                    " type TEXT, value BLOB, PRIMARY KEY(thread_id, checkpoint_ns, checkpoint_id, task_id, idx));");
        nlohmann::json message = {"langchain_core.messages", "HumanMessage", {{"content", "remember my cat is Miso"}}};
        std::vector<uint8_t> inner = nlohmann::json::to_msgpack(message);
        nlohmann::json checkpoint = {{"v", 1}, {"id", "cp-2"}, {"ts", "2026-03-01T09:00:05+00:00"},
                                     {"channel_values", {{"messages", nlohmann::json::array({nlohmann::json::binary(inner, 5)})}}}};
        std::vector<uint8_t> blob = nlohmann::json::to_msgpack(checkpoint);
        sqlite3 *h = nullptr;
        QCOMPARE(sqlite3_open(db.toUtf8().constData(), &h), SQLITE_OK);
        sqlite3_stmt *st = nullptr;
        sqlite3_prepare_v2(h, "INSERT INTO checkpoints VALUES('t1','',?,?, 'msgpack', ?, ?)", -1, &st, nullptr);
        for (auto [id, parent] : {std::pair{"cp-1", ""}, {"cp-2", "cp-1"}}) {
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
            if (*parent) sqlite3_bind_text(st, 2, parent, -1, SQLITE_TRANSIENT);
            else sqlite3_bind_null(st, 2);
            sqlite3_bind_blob(st, 3, blob.data(), int(blob.size()), SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 4, R"({"source":"loop","step":1})", -1, SQLITE_TRANSIENT);
            QCOMPARE(sqlite3_step(st), SQLITE_DONE);
        }
        sqlite3_finalize(st);
        sqlite3_close(h);
        auto store = openOrFail(db);
        QVERIFY(store);
        QCOMPARE(store->summary()->checkpoints, 2);
        auto cp = store->item("cp-2");
        QVERIFY(cp.ok());
        QVERIFY2(QString::fromStdString(cp->text).contains("Miso"), cp->text.c_str()); // the ext payload, decoded
        QCOMPARE(QString::fromStdString(cp->parentId), QString("cp-1"));
        // A garbage blob is named.
        execSql(db, "UPDATE checkpoints SET checkpoint = x'c1c1c1' WHERE checkpoint_id = 'cp-1';");
        auto bad = AgentStore::open(db.toStdString());
        QVERIFY(!bad.ok());
        QVERIFY2(QString::fromStdString(bad.message()).contains("cp-1"), bad.message().c_str());
    }

    void foreignStoreLiveTail() {
        // A foreign store changing on disk is re-imported from a fresh snapshot.
        QString file = m_tmp.filePath("tail/memory.jsonl");
        QDir().mkpath(m_tmp.filePath("tail"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"type\":\"entity\",\"name\":\"Ada\",\"entityType\":\"person\",\"observations\":[\"likes tea\"]}\n");
        f.close();
        auto store = openOrFail(file);
        QVERIFY(store);
        QCOMPARE(store->summary()->items, 1);
        QCOMPARE(store->refreshIfChanged().value(), false);
        QTest::qWait(20); // a distinct modification time
        QVERIFY(f.open(QIODevice::Append));
        f.write("{\"type\":\"entity\",\"name\":\"Bo\",\"entityType\":\"person\",\"observations\":[]}\n");
        f.close();
        QVERIFY(store->sourceChanged());
        QCOMPARE(store->refreshIfChanged().value(), true);
        QCOMPARE(store->summary()->items, 2);
    }

    void aWalWriterIsNeverBlockedAndItsCommitsAreSeen() {
        // An agent holds its WAL-mode database open and keeps writing (no checkpoint). The inspector must see the
        // committed rows that are still only in the -wal file, and the writer must never get SQLITE_BUSY.
        QDir().mkpath(m_tmp.filePath("walagent"));
        const QString db = m_tmp.filePath("walagent/sqlite.db");
        QVERIFY(QFile::copy(m_generated + "/letta/sqlite.db", db));
        sqlite3 *w = nullptr;
        QCOMPARE(sqlite3_open(db.toUtf8().constData(), &w), SQLITE_OK);
        auto exec = [&](const char *sql) {
            char *err = nullptr;
            int rc = sqlite3_exec(w, sql, nullptr, nullptr, &err);
            QVERIFY2(rc == SQLITE_OK, err ? err : "?");
        };
        exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;");
        exec("UPDATE block SET value = value || ' Also likes climbing.' WHERE label = 'human';");
        QVERIFY(QFile::exists(db + "-wal"));
        auto store = openOrFail(m_tmp.filePath("walagent"));
        QVERIFY(store);
        ItemFilter f;
        f.text = "climbing";
        QCOMPARE(store->countItems(f).value(), 1); // the commit that only lives in the -wal file
        // While the inspector is open (and reading), the agent writes on.
        QVERIFY(store->items({}, 0, 100).ok());
        exec("UPDATE block SET value = value || ' And chess.' WHERE label = 'human';");
        QVERIFY(store->sourceChanged());
        QCOMPARE(store->refreshIfChanged().value(), true);
        f.text = "chess";
        QCOMPARE(store->countItems(f).value(), 1);
        sqlite3_close(w);
    }

    void embedderIsDeterministic() {
        HashingEmbedder e(384);
        auto a = e.embed("Alice likes jazz"), b = e.embed("alice LIKES jazz!");
        QCOMPARE(a, b);
        double n = 0;
        for (float x : a) n += x * x;
        QVERIFY(std::abs(n - 1.0) < 1e-4);
        QCOMPARE(HashingEmbedder::dimForName("mnemo-hash-384"), 384);
        QCOMPARE(HashingEmbedder::dimForName("text-embedding-3-small"), 0);
    }
};

QTEST_GUILESS_MAIN(TestAgentMemory)
#include "tst_agent_memory.moc"
