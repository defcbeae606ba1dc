// Readers that never fall over, on every store kind: a store is recognised from its files' content whatever they are
// called (every file of every fixture renamed), and foreign bytes that are not UTF-8 in any text field (plain
// columns, JSON documents, JSONL lines) are read as U+FFFD instead of refusing the store or aborting.
#include "mnemo/agentmem/AgentStore.hpp"
#include "mnemo/agentmem/NativeStore.hpp"
#include "mnemo/core/JsonText.hpp"
#include "mnemo/core/Utf8.hpp"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <functional>

using namespace mnemo::agentmem;

namespace {

// Three kinds of ill-formed UTF-8: a bad continuation, a byte that never occurs, an encoded surrogate.
const std::string kBadBytes = "\xC3\x28\xFF\xED\xA0\x80";
const char *kMarker = "@@BAD@@";

struct Fixture {
    QString name;
    QString path;      // what the user opens: a directory or a file
    StoreKind kind;
};

struct Counts {
    StoreKind kind = StoreKind::Unknown;
    int64_t items = 0, events = 0, relations = 0;
};

Counts countsOf(const QString &path, QString *error = nullptr) {
    auto store = AgentStore::open(path.toStdString());
    if (!store.ok()) {
        if (error) *error = QString::fromStdString(store.message());
        return {};
    }
    auto sum = store.value()->summary();
    if (!sum.ok()) return {};
    return {store.value()->kind(), sum->items, sum->events, sum->relations};
}

// Free text, not an identifier, enum, number or time: it has a space and a word.
bool isProse(const std::string &s) {
    if (s.find(' ') == std::string::npos) return false;
    int run = 0;
    for (unsigned char c : s) {
        run = std::isalpha(c) ? run + 1 : 0;
        if (run >= 3) return true;
    }
    return false;
}

std::string spoilProse(const std::string &s) {
    size_t space = s.find(' ');
    return s.substr(0, space + 1) + kMarker + s.substr(space + 1);
}

// Every prose string value of a JSON document gets the marker; keys stay as they are.
void spoilJson(nlohmann::json &j) {
    if (j.is_string()) {
        if (isProse(j.get<std::string>())) j = spoilProse(j.get<std::string>());
    } else if (j.is_array() || j.is_object()) {
        for (auto &v : j) spoilJson(v);
    }
}

std::string replaceMarker(std::string s) {
    for (size_t at; (at = s.find(kMarker)) != std::string::npos;) s.replace(at, std::strlen(kMarker), kBadBytes);
    return s;
}

// The text with invalid bytes in its prose, or empty when it holds none.
std::string spoilText(const std::string &text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_discarded() && (j.is_object() || j.is_array())) {
        std::string before = j.dump();
        spoilJson(j);
        std::string after = j.dump();
        return after == before ? std::string() : replaceMarker(after);
    }
    return isProse(text) ? replaceMarker(spoilProse(text)) : std::string();
}

// Rewrites every prose text (and JSON-document blob) of every table in a SQLite file; returns the cells changed.
int spoilSqlite(const QString &file) {
    sqlite3 *db = nullptr;
    if (sqlite3_open(file.toUtf8().constData(), &db) != SQLITE_OK) return 0;
    std::vector<std::string> tables;
    sqlite3_stmt *q = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table' AND sql NOT LIKE '%VIRTUAL%' "
                           "AND sql NOT LIKE '%WITHOUT ROWID%' AND name NOT LIKE 'sqlite_%'", -1, &q, nullptr);
    while (sqlite3_step(q) == SQLITE_ROW) tables.emplace_back(reinterpret_cast<const char *>(sqlite3_column_text(q, 0)));
    sqlite3_finalize(q);
    int changed = 0;
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (const std::string &t : tables) {
        sqlite3_stmt *rows = nullptr;
        if (sqlite3_prepare_v2(db, ("SELECT rowid, * FROM \"" + t + "\"").c_str(), -1, &rows, nullptr) != SQLITE_OK) continue;
        while (sqlite3_step(rows) == SQLITE_ROW) {
            for (int c = 1; c < sqlite3_column_count(rows); ++c) {
                const int type = sqlite3_column_type(rows, c);
                if (type != SQLITE_TEXT && type != SQLITE_BLOB) continue;
                std::string v(static_cast<const char *>(sqlite3_column_blob(rows, c)) ? static_cast<const char *>(sqlite3_column_blob(rows, c)) : "",
                              size_t(sqlite3_column_bytes(rows, c)));
                std::string bad = spoilText(v);
                if (bad.empty() || (type == SQLITE_BLOB && v.front() != '{' && v.front() != '[')) continue;
                std::string sql = "UPDATE \"" + t + "\" SET \"" + sqlite3_column_name(rows, c) + "\" = ? WHERE rowid = ?";
                sqlite3_stmt *u = nullptr;
                sqlite3_prepare_v2(db, sql.c_str(), -1, &u, nullptr);
                if (type == SQLITE_TEXT) sqlite3_bind_text(u, 1, bad.data(), int(bad.size()), SQLITE_TRANSIENT);
                else sqlite3_bind_blob(u, 1, bad.data(), int(bad.size()), SQLITE_TRANSIENT);
                sqlite3_bind_int64(u, 2, sqlite3_column_int64(rows, 0));
                if (sqlite3_step(u) == SQLITE_DONE) ++changed;
                sqlite3_finalize(u);
            }
        }
        sqlite3_finalize(rows);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return changed;
}

int spoilJsonLines(const QString &file) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) return 0;
    QList<QByteArray> lines = f.readAll().split('\n');
    f.close();
    int changed = 0;
    QByteArray out;
    for (const QByteArray &line : lines) {
        std::string bad = spoilText(line.toStdString());
        if (!bad.empty()) ++changed;
        out += bad.empty() ? line : QByteArray::fromStdString(bad);
        out += '\n';
    }
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    f.write(out.chopped(1));
    return changed;
}

bool isSqlite(const QString &file) {
    QFile f(file);
    return f.open(QIODevice::ReadOnly) && f.read(16) == QByteArray("SQLite format 3\0", 16);
}

QString copyStore(const QString &from, const QString &to) {
    QFileInfo info(from);
    QDir().mkpath(to);
    if (info.isDir()) {
        if (QProcess::execute("cp", {"-r", from + "/.", to}) != 0) return {};
        return to;
    }
    QString dst = to + "/" + info.fileName();
    return QFile::copy(from, dst) ? dst : QString();
}

} // namespace

class TestStoreHygiene : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QList<Fixture> m_fixtures;

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        const QString gen = m_tmp.filePath("generated");
        QProcess g;
        g.start(MNEMO_BINARY_DIR "/bin/mnemo_agent_store_gen", {"all", gen});
        QVERIFY(g.waitForFinished(120000));
        QVERIFY2(g.exitCode() == 0, g.readAllStandardError().constData());
        m_fixtures << Fixture{"chroma", gen + "/chroma", StoreKind::Chroma}
                   << Fixture{"letta", gen + "/letta/sqlite.db", StoreKind::Letta}
                   << Fixture{"mem0-python", gen + "/mem0py", StoreKind::Mem0}
                   << Fixture{"openmemory", gen + "/openmemory", StoreKind::Mem0}
                   << Fixture{"langgraph-store", gen + "/langgraph-store/store.db", StoreKind::LangGraph};
        QProcess npm;
        npm.setProcessChannelMode(QProcess::MergedChannels);
        npm.start("bash", {MNEMO_SOURCE_DIR "/tools/agent-fixtures.sh", m_tmp.filePath("npm")});
        QVERIFY(npm.waitForFinished(600000));
        if (npm.exitCode() == 3) {
            qWarning("npm-made fixtures skipped: %s", npm.readAll().constData());
        } else {
            QVERIFY2(npm.exitCode() == 0, npm.readAll().constData());
            const QString n = m_tmp.filePath("npm");
            m_fixtures << Fixture{"mem0-ts", n + "/mem0", StoreKind::Mem0}
                       << Fixture{"langgraph-checkpointer", n + "/langgraph/checkpoints.db", StoreKind::LangGraph}
                       << Fixture{"mcp-memory", n + "/mcp/memory.jsonl", StoreKind::McpMemory};
        }
        // A Mnemo store, written here.
        const QString native = m_tmp.filePath("native.mnemem");
        auto w = NativeStoreWriter::create(native.toStdString(), {});
        QVERIFY(w.ok());
        MemoryItem it;
        it.id = "a";
        it.text = "Alice prefers window seats on long flights";
        it.userId = "alice";
        it.createdUs = int64_t(1772355600) * 1000000;
        QVERIFY(w.value()->add(it).ok());
        w.value().reset();
        m_fixtures << Fixture{"mnemo", native, StoreKind::Mnemo};
    }

    // Every file of every store under a name that says nothing: same kind, same counts.
    void renamedFilesAreRecognisedByContent() {
        for (const Fixture &f : m_fixtures) {
            const Counts before = countsOf(f.path);
            QCOMPARE(before.kind, f.kind);
            const QString copy = copyStore(f.path, m_tmp.filePath("renamed/" + f.name));
            QVERIFY(!copy.isEmpty());
            const QString dir = QFileInfo(copy).isDir() ? copy : QFileInfo(copy).path();
            int n = 0;
            QString storeFile; // a renamed store file, to open directly too
            for (const QFileInfo &file : QDir(dir).entryInfoList(QDir::Files)) {
                // Chroma's segment folders keep the names its own format gives them (found by segment id).
                const QString renamed = dir + QString("/renamed-%1.bin").arg(++n);
                if (storeFile.isEmpty() && (isSqlite(file.filePath()) || file.suffix() == "jsonl")) storeFile = renamed;
                QVERIFY(QFile::rename(file.filePath(), renamed));
            }
            for (const QString &open : {dir, storeFile}) {
                QString error;
                const Counts after = countsOf(open, &error);
                QVERIFY2(after.kind == f.kind, qPrintable(f.name + " as " + open + ": " + error));
                QCOMPARE(after.items, before.items);
                QCOMPARE(after.events, before.events);
                QCOMPARE(after.relations, before.relations);
            }
        }
    }

    // The failure a user reported: Mem0 TS with historyDbPath "history.db" (Mem0 Python's usual name), and worse,
    // every file under another Mem0 file's name.
    void mem0TypeScriptUnderPythonNames() {
        auto it = std::find_if(m_fixtures.begin(), m_fixtures.end(), [](const Fixture &f) { return f.name == "mem0-ts"; });
        if (it == m_fixtures.end()) QSKIP("the npm-made Mem0 store could not be generated");
        const Counts before = countsOf(it->path);
        const QString dir = copyStore(it->path, m_tmp.filePath("mem0-swapped"));
        QVERIFY(QFile::rename(dir + "/memory.db", dir + "/history.tmp"));
        QVERIFY(QFile::rename(dir + "/vector_store.db", dir + "/memory.db"));
        QVERIFY(QFile::rename(dir + "/vector_store_entities.db", dir + "/vector_store.db"));
        QVERIFY(QFile::rename(dir + "/history.tmp", dir + "/history.db"));
        QString error;
        const Counts after = countsOf(dir, &error);
        QVERIFY2(after.kind == StoreKind::Mem0, qPrintable(error));
        QCOMPARE(after.items, before.items);
        QCOMPARE(after.events, before.events);
        QCOMPARE(after.relations, before.relations);
        auto store = AgentStore::open(dir.toStdString());
        QVERIFY(store.ok());
        QCOMPARE(QString::fromStdString(store.value()->summary()->variant), QString("ts"));
    }

    // Ill-formed UTF-8 in every prose field of every store: it opens, counts match, all text is valid UTF-8 and the
    // bad bytes show as U+FFFD.
    void invalidUtf8InEveryTextField() {
        for (const Fixture &f : m_fixtures) {
            const Counts before = countsOf(f.path);
            const QString copy = copyStore(f.path, m_tmp.filePath("utf8/" + f.name));
            const QString dir = QFileInfo(copy).isDir() ? copy : QFileInfo(copy).path();
            int spoiled = 0;
            QDirIterator files(dir, QDir::Files, QDirIterator::Subdirectories);
            while (files.hasNext()) {
                const QString file = files.next();
                spoiled += isSqlite(file) ? spoilSqlite(file) : file.endsWith(".jsonl") ? spoilJsonLines(file) : 0;
            }
            QVERIFY2(spoiled > 0, qPrintable(f.name + ": no text field to spoil"));
            auto store = AgentStore::open(copy.toStdString());
            QVERIFY2(store.ok(), qPrintable(f.name + ": " + QString::fromStdString(store.message())));
            auto sum = store.value()->summary();
            QVERIFY(sum.ok());
            QCOMPARE(sum->items, before.items);
            QCOMPARE(sum->events, before.events);
            ItemFilter all;
            all.includeDeleted = true;
            auto items = store.value()->items(all, 0, 10000);
            QVERIFY(items.ok());
            bool replaced = false;
            for (const MemoryItem &it : items.value()) {
                for (const std::string *s : {&it.id, &it.text, &it.metadataJson, &it.userId, &it.agentId, &it.tier}) {
                    QVERIFY2(mnemo::isValidUtf8(*s), qPrintable(f.name + ": " + QString::fromStdString(it.id)));
                    replaced |= s->find("\xEF\xBF\xBD") != std::string::npos;
                }
                QVERIFY(store.value()->history(it.id).ok());
            }
            auto events = store.value()->events(std::nullopt, std::nullopt, 10000);
            QVERIFY(events.ok());
            for (const MemoryEvent &e : events.value()) {
                for (const std::string *s : {&e.oldText, &e.newText, &e.detailJson, &e.actorId}) {
                    QVERIFY(mnemo::isValidUtf8(*s));
                    replaced |= s->find("\xEF\xBF\xBD") != std::string::npos;
                }
            }
            QVERIFY2(replaced, qPrintable(f.name + ": no U+FFFD anywhere although " + QString::number(spoiled) +
                                          " fields held bad bytes"));
        }
    }

    // Nothing matches: the message lists each file and what it is.
    void unknownDirectoryListsWhatItFound() {
        QDir dir(m_tmp.filePath("nothing"));
        dir.mkpath(".");
        QFile notes(dir.filePath("notes.txt"));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("shopping list\n");
        notes.close();
        sqlite3 *db = nullptr;
        sqlite3_open(dir.filePath("invoices.db").toUtf8().constData(), &db);
        sqlite3_exec(db, "CREATE TABLE invoices(id INTEGER)", nullptr, nullptr, nullptr);
        sqlite3_close(db);
        auto store = AgentStore::open(dir.path().toStdString());
        QVERIFY(!store.ok());
        const QString msg = QString::fromStdString(store.message());
        QVERIFY2(msg.contains("notes.txt (neither a SQLite database"), qPrintable(msg));
        QVERIFY2(msg.contains("invoices.db (SQLite with tables invoices)"), qPrintable(msg));
    }
};

QTEST_GUILESS_MAIN(TestStoreHygiene)
#include "tst_store_hygiene.moc"
