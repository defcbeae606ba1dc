// The UI's worker boundaries under QT_QPA_PLATFORM=offscreen: an exception thrown in a worker (QtConcurrent task)
// must come back as an error the user sees, never as an exception rethrown by the future on the GUI thread (which
// aborts the app) and never as a half-filled result applied as if it were good. Faults are thrown by the work itself
// or injected with MNEMO_FAULT_INJECT at the points mnemo::faultPoint() marks (core/Guard.hpp).
#include "inspect/DetailPane.hpp"
#include "inspect/InspectSession.hpp"
#include "inspect/widgets/GraphView.hpp"
#include "common/LatestJob.hpp"

#include "mnemo/core/Log.hpp"

#include <QSignalSpy>
#include <QThreadPool>
#include <QtTest>

#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using namespace mnemo::ui;

namespace {
const QString kSample = MNEMO_BINARY_DIR "/assets/agent-memory/sample.mnemem";
constexpr int kTimeoutMs = 20000;

// Sets MNEMO_FAULT_INJECT for one scope. Pool threads read the variable (getenv), so they are drained first: changing
// the environment while another thread reads it is a data race.
class FaultInjection {
public:
    explicit FaultInjection(const char *points) {
        QThreadPool::globalInstance()->waitForDone();
        qputenv("MNEMO_FAULT_INJECT", points);
    }
    ~FaultInjection() {
        QThreadPool::globalInstance()->waitForDone();
        qunsetenv("MNEMO_FAULT_INJECT");
    }
    FaultInjection(const FaultInjection &) = delete;
    FaultInjection &operator=(const FaultInjection &) = delete;
};

// Collects the log lines written while it lives.
class LogCapture {
public:
    LogCapture() {
        m_id = mnemo::log::addSink([this](mnemo::log::Level, std::string_view, std::string_view message) {
            std::lock_guard lock(m_mutex);
            m_lines.emplace_back(message);
        });
    }
    ~LogCapture() { mnemo::log::removeSink(m_id); }
    bool contains(const std::string &text) const {
        std::lock_guard lock(m_mutex);
        for (const auto &line : m_lines)
            if (line.find(text) != std::string::npos) return true;
        return false;
    }

private:
    int m_id = 0;
    mutable std::mutex m_mutex;
    std::vector<std::string> m_lines;
};
} // namespace

class TestWorkerFaults : public QObject {
    Q_OBJECT

    // Opens `path` and waits for the outcome: "" when it opened, the failure message otherwise.
    QString openAndWait(InspectSession &session, const QString &path) {
        QSignalSpy opened(&session, &InspectSession::opened);
        QSignalSpy failed(&session, &InspectSession::failed);
        session.open(path);
        if (!QTest::qWaitFor([&] { return !opened.isEmpty() || !failed.isEmpty(); }, kTimeoutMs))
            return "timed out";
        return failed.isEmpty() ? QString() : failed.front().front().toString();
    }

private slots:
    void initTestCase() {
        qunsetenv("MNEMO_FAULT_INJECT");
        QVERIFY2(QFile::exists(kSample), qPrintable(kSample));
    }

    // A throwing job calls onError with the message, not apply; the next job applies as usual.
    void latestJobReportsAThrowInsteadOfApplying() {
        QObject owner;
        LatestJob<int> job(&owner, "counting sheep");
        int applied = -1;
        QString error;
        job.run([](const auto &) -> int { throw std::runtime_error("the sheep escaped"); },
                [&](int value) { applied = value; }, [&](const QString &message) { error = message; });
        QVERIFY(job.busy());
        QTRY_VERIFY_WITH_TIMEOUT(!error.isEmpty(), kTimeoutMs);
        QVERIFY2(error.contains("the sheep escaped"), qPrintable(error));
        QVERIFY2(error.contains("counting sheep"), qPrintable(error)); // says what was being done
        QCOMPARE(applied, -1);
        QVERIFY(!job.busy());

        error.clear();
        job.run([](const auto &) { return 42; }, [&](int value) { applied = value; },
                [&](const QString &message) { error = message; });
        QTRY_COMPARE_WITH_TIMEOUT(applied, 42, kTimeoutMs);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(!job.busy());
    }

    // Without an error callback the failure is logged, and the job is no longer busy.
    void latestJobLogsAThrowWithoutAnErrorCallback() {
        LogCapture log;
        QObject owner;
        LatestJob<int> job(&owner);
        bool applied = false;
        job.run([](const auto &) -> int { throw std::runtime_error("nobody listens"); },
                [&](int) { applied = true; });
        QTRY_VERIFY_WITH_TIMEOUT(!job.busy(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(log.contains("nobody listens"), kTimeoutMs);
        QVERIFY(!applied);
    }

    // The injection point inside the job: the same path as a throw from the work.
    void latestJobInjectedFault() {
        QObject owner;
        LatestJob<int> job(&owner);
        QString error;
        bool applied = false;
        {
            FaultInjection inject("ui.latest-job");
            job.run([](const auto &) { return 1; }, [&](int) { applied = true; },
                    [&](const QString &message) { error = message; });
            QTRY_VERIFY_WITH_TIMEOUT(!error.isEmpty(), kTimeoutMs);
        }
        QVERIFY2(error.contains("injected fault at ui.latest-job"), qPrintable(error));
        QVERIFY(!applied);
    }

    // A widget whose layout fails stops saying it is busy and shows nothing half-done; the next graph lays out.
    void graphViewSurvivesAFailedLayout() {
        GraphView view;
        view.resize(400, 300);
        const auto graph = [] {
            return std::vector<GraphNode>{{"a", "a", 0, false}, {"b", "b", 0, false}};
        };
        const std::vector<GraphEdge> edges{{0, 1, "knows", 0, false}};
        {
            FaultInjection inject("ui.latest-job");
            view.setGraph(graph(), edges, {"thing"});
            QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy(), kTimeoutMs);
        }
        QCOMPARE(view.shownNodeCount(), 0);
        QVERIFY(!view.grab().isNull()); // paints the error without trouble
        view.setGraph(graph(), edges, {"thing"});
        QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy(), kTimeoutMs);
        QCOMPARE(view.shownNodeCount(), 2);
    }

    // An open that throws is reported like a bad store, keeps the open store, and the process goes on; without the
    // fault the same open succeeds.
    void inspectOpenFaultIsReported() {
        InspectSession session;
        QCOMPARE(openAndWait(session, kSample), QString());
        QVERIFY(session.isOpen());
        auto *before = session.store();
        {
            FaultInjection inject("ui.inspect.open");
            const QString error = openAndWait(session, kSample);
            QVERIFY2(error.contains("injected fault"), qPrintable(error));
            QVERIFY(!session.isBusy());
            QVERIFY(session.isOpen());
            QCOMPARE(session.store(), before); // the previous store stays
        }
        QCOMPARE(openAndWait(session, kSample), QString());
        QVERIFY(session.isOpen());
        QVERIFY(session.summary().items > 0);
    }

    // The first open fails: nothing is open, and a later open still works.
    void inspectFirstOpenFault() {
        InspectSession session;
        {
            FaultInjection inject("ui.inspect.open");
            const QString error = openAndWait(session, kSample);
            QVERIFY2(error.contains("injected fault at ui.inspect.open"), qPrintable(error));
            QVERIFY(!session.isOpen());
        }
        QCOMPARE(openAndWait(session, kSample), QString());
        QVERIFY(session.isOpen());
    }

    // The detail pane reads on a worker: a read that throws is shown in the pane, and the next read works.
    void detailPaneShowsAFailedRead() {
        InspectSession session;
        QCOMPARE(openAndWait(session, kSample), QString());
        DetailPane pane(session);
        {
            FaultInjection inject("ui.inspect.detail");
            pane.showItem("m-lisbon");
            QTRY_VERIFY_WITH_TIMEOUT(!pane.isBusy(), kTimeoutMs);
        }
        QVERIFY2(pane.toPlainText().contains("injected fault at ui.inspect.detail"), qPrintable(pane.toPlainText()));
        pane.showItem("m-lisbon");
        QTRY_VERIFY_WITH_TIMEOUT(!pane.isBusy(), kTimeoutMs);
        QVERIFY(pane.toPlainText().contains("History"));
    }
};

QTEST_MAIN(TestWorkerFaults)
#include "tst_worker_faults.moc"
