#pragma once
// Runs a computation on the global thread pool and hands its result to the UI thread, keeping only the newest:
// every run() takes a new generation number, and a result whose generation is no longer the latest is dropped
// instead of applied. The work gets a "stale" probe so a long loop (a graph layout) can stop early once superseded.
//
// Owned by value by a widget; results are applied through a QFutureWatcher parented to that widget, so nothing is
// applied after the widget is gone, and the destructor marks running work stale so it winds down on its own.

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <memory>
#include <utility>

namespace mnemo::ui {

template <typename Result> class LatestJob {
public:
    // True once a newer run() (or cancel()) superseded the run that was given this probe. Thread-safe.
    class Stale {
    public:
        Stale(std::shared_ptr<const std::atomic<quint64>> latest, quint64 generation)
            : m_latest(std::move(latest)), m_generation(generation) {}
        bool operator()() const { return m_latest->load(std::memory_order_relaxed) != m_generation; }

    private:
        std::shared_ptr<const std::atomic<quint64>> m_latest;
        quint64 m_generation;
    };

    explicit LatestJob(QObject *owner) : m_owner(owner) {}
    ~LatestJob() { cancel(); }
    LatestJob(const LatestJob &) = delete;
    LatestJob &operator=(const LatestJob &) = delete;

    // `work(Stale)` runs on a pool thread and must only touch what it captured by value; `apply(Result &&)` runs on
    // the owner's thread, and only if no newer run() was started in the meantime.
    template <typename Work, typename Apply> void run(Work work, Apply apply) {
        const quint64 generation = m_latest->fetch_add(1) + 1;
        m_busy = true;
        auto *watcher = new QFutureWatcher<Result>(m_owner);
        QObject::connect(watcher, &QFutureWatcherBase::finished, m_owner,
                         [this, watcher, generation, apply = std::move(apply)]() mutable {
                             watcher->deleteLater();
                             if (generation != m_latest->load()) return;
                             m_busy = false;
                             apply(watcher->future().takeResult());
                         });
        Stale stale(m_latest, generation);
        watcher->setFuture(QtConcurrent::run([work = std::move(work), stale]() mutable { return work(stale); }));
    }

    // Drops whatever is in flight: its result will not be applied.
    void cancel() {
        m_latest->fetch_add(1);
        m_busy = false;
    }

    bool busy() const { return m_busy; }

private:
    QObject *m_owner;
    std::shared_ptr<std::atomic<quint64>> m_latest = std::make_shared<std::atomic<quint64>>(0);
    bool m_busy = false;
};

} // namespace mnemo::ui
