// The session database: round trip, forward migration from an older schema, and clear refusals of newer schemas,
// foreign SQLite files and garbage.
#include "mnemo/session/SessionDatabase.hpp"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <fstream>

using namespace mnemo;
using namespace mnemo::session;

namespace {
FrameRow row(uint64_t i) {
    FrameRow r;
    r.frameIndex = i;
    r.step = i / 2;
    r.inputUs = 1000 + int64_t(i);
    r.producedUs = 2000 + int64_t(i);
    r.recordedUs = 3000 + int64_t(i);
    r.videoFrame = int64_t(i);
    r.camera.c2w = camera::poseToCameraToWorld({float(i), 1.7f, 2.0f * float(i), 10.0f * float(i), 0});
    r.camera.intrinsics = {320, 320, 320, 180};
    r.controller.keys = {"KeyW", "ShiftLeft"};
    r.controller.mouseDx = 3.5f;
    r.stepMs = 12.5;
    r.latencyMs = 40;
    return r;
}
} // namespace

class TestSessionDb : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void roundTrip() {
        const std::string path = m_dir.filePath("a.sqlite").toStdString();
        {
            auto db = SessionDatabase::openForWriting(path);
            QVERIFY2(db.ok(), db.message().c_str());
            QVERIFY(db.value()->setMeta({{"engine_id", "reference-world"}, {"seed", "7"}}).ok());
            QVERIFY(db.value()->append({row(0), row(1), row(2)}, {{1, "retrieve", 0, 5, 0, 0.5, 0.25}}).ok());
        }
        auto db = SessionDatabase::openReadOnly(path);
        QVERIFY2(db.ok(), db.message().c_str());
        QCOMPARE(db.value()->schemaVersion(), kSchemaVersion);
        QCOMPARE(db.value()->meta().at("format"), std::string("mnemo-session"));
        QCOMPARE(db.value()->meta().at("engine_id"), std::string("reference-world"));
        const auto frames = db.value()->frames();
        QVERIFY(frames.ok());
        QCOMPARE(frames->size(), size_t(3));
        QCOMPARE(frames->at(2).camera.c2w, row(2).camera.c2w);
        QCOMPARE(frames->at(1).controller.keys, (std::vector<std::string>{"KeyW", "ShiftLeft"}));
        QCOMPARE(frames->at(1).controller.mouseDx, 3.5f);
        QCOMPARE(frames->at(2).latencyMs, 40.0);
        const auto events = db.value()->memoryEvents();
        QCOMPARE(events->size(), size_t(1));
        QCOMPARE(events->at(0).entryId, uint64_t(5));
        db.value().reset();
        // Reading leaves nothing beside the session (a read-only connection used to leave its -wal and -shm).
        QVERIFY(!QFile::exists(QString::fromStdString(path) + "-wal"));
        QVERIFY(!QFile::exists(QString::fromStdString(path) + "-shm"));
    }

    void migratesAnOlderSchemaKeepingItsData() {
        const std::string path = m_dir.filePath("v1.sqlite").toStdString();
        QVERIFY(SessionDatabase::createAtVersion(path, 1).ok());
        {
            sqlite3 *raw = nullptr;
            sqlite3_open(path.c_str(), &raw);
            const float c2w[16] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 4, 5, 6, 1}, k[4] = {1, 1, 1, 1};
            sqlite3_stmt *q = nullptr;
            sqlite3_prepare_v2(raw, "INSERT INTO frames(frame_index, c2w, intrinsics, keys) VALUES(0, ?, ?, 'KeyA')", -1, &q, nullptr);
            sqlite3_bind_blob(q, 1, c2w, sizeof c2w, SQLITE_STATIC);
            sqlite3_bind_blob(q, 2, k, sizeof k, SQLITE_STATIC);
            QCOMPARE(sqlite3_step(q), SQLITE_DONE);
            sqlite3_finalize(q);
            sqlite3_close(raw);
        }
        auto old = SessionDatabase::openReadOnly(path); // readers take old schemas as they are
        QVERIFY2(old.ok(), old.message().c_str());
        QCOMPARE(old.value()->schemaVersion(), 1);
        QCOMPARE(old.value()->frames()->size(), size_t(1));
        old.value().reset();
        auto upgraded = SessionDatabase::openForWriting(path);
        QVERIFY2(upgraded.ok(), upgraded.message().c_str());
        QCOMPARE(upgraded.value()->schemaVersion(), kSchemaVersion);
        QVERIFY(upgraded.value()->append({row(1)}, {}, {{1, "module", 12.5}}).ok()); // v2 columns and tables exist
        QVERIFY(upgraded.value()->betweenFrames()->empty());                          // and v3's table
        BetweenFrameRow between{1, 0, 2, 0, row(1).camera};
        QVERIFY(upgraded.value()->appendBetween({between}).ok());
        QCOMPARE(upgraded.value()->betweenFrames()->size(), size_t(1));
        QCOMPARE(upgraded.value()->betweenFrames()->front().parts, 2u);
        const auto frames = upgraded.value()->frames();
        QCOMPARE(frames->size(), size_t(2));
        QCOMPARE(frames->at(0).camera.c2w[12], 4.0f); // the v1 row survived
        QCOMPARE(frames->at(0).controller.keys, std::vector<std::string>{"KeyA"});
    }

    void refusesANewerSchema() {
        const std::string path = m_dir.filePath("future.sqlite").toStdString();
        QVERIFY(SessionDatabase::createAtVersion(path, kSchemaVersion).ok());
        sqlite3 *raw = nullptr;
        sqlite3_open(path.c_str(), &raw);
        sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
        sqlite3_close(raw);
        for (auto open : {&SessionDatabase::openReadOnly, &SessionDatabase::openForWriting}) {
            auto db = open(path);
            QVERIFY(!db.ok());
            QVERIFY2(db.message().find("schema version 99") != std::string::npos, db.message().c_str());
            QVERIFY(db.message().find("future.sqlite") != std::string::npos);
        }
    }

    void refusesFilesThatAreNotSessions() {
        const std::string garbage = m_dir.filePath("garbage.sqlite").toStdString();
        std::ofstream(garbage) << std::string(4096, 'x');
        auto g = SessionDatabase::openReadOnly(garbage);
        QVERIFY(!g.ok());
        QVERIFY2(g.message().find("garbage.sqlite") != std::string::npos, g.message().c_str());
        QVERIFY(!SessionDatabase::openForWriting(garbage).ok());

        const std::string foreign = m_dir.filePath("foreign.sqlite").toStdString();
        sqlite3 *raw = nullptr;
        sqlite3_open(foreign.c_str(), &raw);
        sqlite3_exec(raw, "CREATE TABLE t(x); PRAGMA user_version = 1;", nullptr, nullptr, nullptr);
        sqlite3_close(raw);
        auto f = SessionDatabase::openReadOnly(foreign);
        QVERIFY(!f.ok());
        QVERIFY2(f.message().find("not a Mnemo session") != std::string::npos, f.message().c_str());

        QVERIFY(SessionDatabase::openReadOnly("/nonexistent/s.sqlite").message().find("/nonexistent/s.sqlite") !=
                std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestSessionDb)
#include "tst_session_db.moc"
