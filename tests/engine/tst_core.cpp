// Engine core: Status/Result, bounded queues and their drop policies, sample windows, the log.
#include "mnemo/core/Log.hpp"
#include "mnemo/core/BoundedQueue.hpp"
#include "mnemo/core/SampleWindow.hpp"
#include "mnemo/core/Status.hpp"

#include <QTest>

#include <atomic>
#include <thread>

using namespace mnemo;

class TestCore : public QObject {
    Q_OBJECT
private slots:
    void statusCarriesCodeAndContext() {
        Status ok;
        QVERIFY(ok.ok());
        Status err(StatusCode::NotFound, "file 'a.mp4' is missing");
        QVERIFY(!err.ok());
        QCOMPARE(err.code(), StatusCode::NotFound);
        QCOMPARE(err.withContext("opening source").message(), std::string("opening source: file 'a.mp4' is missing"));
        QVERIFY(ok.withContext("ignored").message().empty());
    }

    void resultHoldsValueOrError() {
        Result<int> value(42);
        QVERIFY(value.ok());
        QCOMPARE(value.value(), 42);
        Result<int> error(Status(StatusCode::InvalidArgument, "bad size"));
        QVERIFY(!error.ok());
        QCOMPARE(error.message(), std::string("bad size"));
        // A success Status without a value is a programming error, and must not look like success.
        Result<int> misuse{Status{}};
        QVERIFY(!misuse.ok());
        QCOMPARE(misuse.status().code(), StatusCode::Internal);
    }

    void dropOldestQueueNeverBlocksAndCounts() {
        BoundedQueue<int> q(2, QueueFullPolicy::DropOldest);
        for (int i = 1; i <= 5; ++i) QVERIFY(q.push(i));
        QCOMPARE(q.size(), size_t(2));
        QCOMPARE(q.droppedCount(), uint64_t(3));
        QCOMPARE(*q.tryPop(), 4);
        QCOMPARE(*q.tryPop(), 5);
        QVERIFY(!q.tryPop());
    }

    void takeNewestDiscardsOlderItems() {
        BoundedQueue<int> q(4, QueueFullPolicy::DropOldest);
        q.push(1);
        q.push(2);
        q.push(3);
        QCOMPARE(*q.takeNewest(), 3);
        QCOMPARE(q.droppedCount(), uint64_t(2));
        QVERIFY(!q.takeNewest());
    }

    void blockingQueueLosesNothingUnderAConcurrentProducer() {
        BoundedQueue<int> q(3, QueueFullPolicy::Block);
        constexpr int kCount = 20000;
        std::thread producer([&] {
            for (int i = 1; i <= kCount; ++i) q.push(i);
            q.close();
        });
        int expected = 1;
        while (auto v = q.pop(std::chrono::seconds(5))) {
            QCOMPARE(*v, expected);
            ++expected;
        }
        producer.join();
        QCOMPARE(expected, kCount + 1);
        QCOMPARE(q.droppedCount(), uint64_t(0));
        QVERIFY(!q.push(1)); // closed
    }

    void closeWakesABlockedProducer() {
        BoundedQueue<int> q(1, QueueFullPolicy::Block);
        q.push(1);
        std::atomic<bool> returned{false};
        std::thread producer([&] {
            q.push(2); // blocks: full
            returned = true;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        QVERIFY(!returned);
        q.close();
        producer.join();
        QVERIFY(returned);
    }

    void sampleWindowPercentiles() {
        SampleWindow w(100);
        for (int i = 1; i <= 100; ++i) w.push(i);
        QCOMPARE(w.percentile(0.5), 51.0);
        QCOMPARE(w.percentile(0.95), 95.0);
        for (int i = 0; i < 100; ++i) w.push(1000); // the window forgets old samples
        QCOMPARE(w.percentile(0.5), 1000.0);
        QCOMPARE(w.totalPushed(), size_t(200));
    }

    void logReachesSinksAndBacklog() {
        log::setStderrEnabled(false);
        std::vector<std::string> seen;
        const int id = log::addSink([&](log::Level level, std::string_view category, std::string_view message) {
            if (level >= log::Level::Info) seen.push_back(std::string(category) + ":" + std::string(message));
        });
        log::info("test", "hello");
        log::debug("test", "below the default level");
        log::removeSink(id);
        log::info("test", "after removal");
        log::setStderrEnabled(true);
        QCOMPARE(seen.size(), size_t(1));
        QCOMPARE(seen[0], std::string("test:hello"));
        const auto recent = log::recentLines();
        QVERIFY(recent.size() >= 2);
        QCOMPARE(recent.back().message, std::string("after removal"));
    }
};

QTEST_APPLESS_MAIN(TestCore)
#include "tst_core.moc"
