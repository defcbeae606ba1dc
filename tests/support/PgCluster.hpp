#pragma once
// A throwaway PostgreSQL cluster for a test (tools/pg-cluster.sh: Unix socket only), filled with the LangGraph
// checkpointer fixture (tests/fixtures/postgres) as the superuser, read as the SELECT-only role "reader". `skip`
// says why there is none (no PostgreSQL server installed); the destructor stops it.

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <string>

namespace mnemo::test {

class PgCluster {
public:
    PgCluster() {
        QProcess start;
        start.start("bash", {MNEMO_SOURCE_DIR "/tools/pg-cluster.sh", "start", m_dir.path()});
        start.waitForFinished(120000);
        if (start.exitCode() == 3) {
            skip = "no PostgreSQL 15 server here (tools/deps.sh --test installs postgresql-15)";
            return;
        }
        if (start.exitCode() != 0) {
            error = "the cluster did not start: " + QString::fromUtf8(start.readAllStandardError());
            return;
        }
        m_started = true;
        if (QString out = psql({"-c", "CREATE DATABASE lg"}, "postgres"); !out.isEmpty()) error = out;
        else if (QString f = psql({"-f", MNEMO_SOURCE_DIR "/tests/fixtures/postgres/langgraph-checkpointer-schema.sql",
                                   "-f", MNEMO_SOURCE_DIR "/tests/fixtures/postgres/langgraph-checkpointer.sql"});
                 !f.isEmpty()) {
            error = f;
        }
    }
    ~PgCluster() {
        if (m_started) QProcess::execute("bash", {MNEMO_SOURCE_DIR "/tools/pg-cluster.sh", "stop", m_dir.path()});
    }
    PgCluster(const PgCluster &) = delete;
    PgCluster &operator=(const PgCluster &) = delete;

    // Runs SQL through psql as the superuser: its output (unaligned, tuples only), or "psql failed: ...".
    QString psql(const QStringList &args, const QString &db = "lg") const {
        QProcess p;
        p.start("psql", QStringList{"-h", m_dir.path(), "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-Atq"} + args);
        if (!p.waitForFinished(60000) || p.exitCode() != 0) return "psql failed: " + QString::fromUtf8(p.readAllStandardError());
        return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    }
    std::string url(const QString &db = "lg", const QString &user = "reader") const {
        return ("postgresql:///" + db + "?host=" + m_dir.path() + "&user=" + user).toStdString();
    }
    QString socketDir() const { return m_dir.path(); }
    // Stops the server as a crash would, and starts it again on the same data: for tests of a dropped connection.
    bool stopServer() const {
        return QProcess::execute("bash", {MNEMO_SOURCE_DIR "/tools/pg-cluster.sh", "stop", m_dir.path()}) == 0;
    }
    bool startServer() const {
        QProcess start;
        start.start("bash", {MNEMO_SOURCE_DIR "/tools/pg-cluster.sh", "start", m_dir.path()});
        return start.waitForFinished(120000) && start.exitCode() == 0;
    }

    QString skip;  // non-empty: no server here, the test skips
    QString error; // non-empty: the server is here but could not be set up, the test fails

private:
    QTemporaryDir m_dir{"/tmp/mnemo-pg-XXXXXX"}; // short: a Unix socket path has a length limit
    bool m_started = false;
};

} // namespace mnemo::test
