// Engine core: Status/Result, the latest-wins Mailbox, and the log's sinks and backlog.
#include "mnemo/core/Log.hpp"
#include "mnemo/core/Mailbox.hpp"
#include "mnemo/core/Status.hpp"

#include <QTest>

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

    void mailboxKeepsOnlyTheNewest() {
        Mailbox<int> box;
        QVERIFY(box.takeIfNew() == nullptr);
        box.publish(std::make_shared<const int>(1));
        box.publish(std::make_shared<const int>(2));
        box.publish(std::make_shared<const int>(3));
        QCOMPARE(box.publishedCount(), uint64_t(3));
        QCOMPARE(box.droppedCount(), uint64_t(2)); // 1 and 2 were replaced before anyone took them
        auto v = box.takeIfNew();
        QVERIFY(v);
        QCOMPARE(*v, 3);
        QVERIFY(box.takeIfNew() == nullptr); // taken already
        QCOMPARE(*box.peek(), 3);            // but still there for a redraw
        box.publish(std::make_shared<const int>(4));
        QCOMPARE(box.droppedCount(), uint64_t(2)); // 3 was taken, so replacing it is not a drop
    }

    void mailboxUnderConcurrentProducer() {
        Mailbox<int> box;
        constexpr int kCount = 20000;
        std::thread producer([&] {
            for (int i = 1; i <= kCount; ++i) box.publish(std::make_shared<const int>(i));
        });
        int last = 0;
        uint64_t taken = 0;
        while (last < kCount) {
            if (auto v = box.takeIfNew()) {
                QVERIFY2(*v > last, "values must arrive in increasing order");
                last = *v;
                ++taken;
            }
        }
        producer.join();
        QCOMPARE(box.publishedCount(), uint64_t(kCount));
        QCOMPARE(box.droppedCount() + taken, uint64_t(kCount));
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
