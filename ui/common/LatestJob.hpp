#pragma once
// Runs a computation on the global thread pool and hands its result to the UI thread, keeping only the newest:
// every run() takes a new generation number, and a result whose generation is no longer the latest is dropped
// instead of applied. The work gets a "stale" probe so a long loop (a graph layout) can stop early once superseded.
//
// Owned by value by a widget; results are applied through a QFutureWatcher parented to that widget, so nothing is
// applied after the widget is gone, and the destructor marks running work stale so it winds down on its own.
//
// Nothing the work throws leaves the pool thread: it is caught there (guarded()) and handed to the owner's thread as
// an error message instead of a result, because an exception stored in the future would be rethrown by takeResult()
// inside the watcher's slot and abort the app.

#include "mnemo/core/Guard.hpp"
#include "mnemo/core/Log.hpp"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
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

    // `what` names the work in error messages ("laying out the graph: unexpected error: ...").
    explicit LatestJob(QObject *owner, std::string what = "background view work")
        : m_owner(owner), m_what(std::move(what)) {}
    ~LatestJob() { cancel(); }
    LatestJob(const LatestJob &) = delete;
    LatestJob &operator=(const LatestJob &) = delete;

    // `work(Stale)` runs on a pool thread and must only touch what it captured by value; `apply(Result &&)` runs on
    // the owner's thread, and only if no newer run() was started in the meantime. If the work throws,
    // `onError(QString)` runs there instead of apply, under the same rule; busy() is already false when either runs.
    template <typename Work, typename Apply, typename OnError> void run(Work work, Apply apply, OnError onError) {
        const quint64 generation = m_latest->fetch_add(1) + 1;
        m_busy = true;
        auto *watcher = new QFutureWatcher<Outcome>(m_owner);
        QObject::connect(watcher, &QFutureWatcherBase::finished, m_owner,
                         [this, watcher, generation, apply = std::move(apply),
                          onError = std::move(onError)]() mutable {
                             watcher->deleteLater();
                             if (generation != m_latest->load()) return;
                             m_busy = false;
                             Outcome outcome = watcher->future().takeResult(); // never throws: see runGuarded
                             if (outcome.value) apply(std::move(*outcome.value));
                             else onError(QString::fromStdString(outcome.error));
                         });
        Stale stale(m_latest, generation);
        watcher->setFuture(QtConcurrent::run([work = std::move(work), stale, what = m_what]() mutable {
            return runGuarded(work, stale, what);
        }));
    }

    // Without an error callback a failed run is logged, and the widget keeps showing what it showed before.
    template <typename Work, typename Apply> void run(Work work, Apply apply) {
        run(std::move(work), std::move(apply),
            [](const QString &message) { mnemo::log::error("inspect", message.toStdString()); });
    }

    // Drops whatever is in flight: its result will not be applied.
    void cancel() {
        m_latest->fetch_add(1);
        m_busy = false;
    }

    bool busy() const { return m_busy; }

private:
    // What the pool thread hands back: the result, or why there is none.
    struct Outcome {
        std::optional<Result> value;
        std::string error;
    };

    template <typename Work> static Outcome runGuarded(Work &work, const Stale &stale, const std::string &what) {
        Outcome outcome;
        const Status status = mnemo::guarded(what, [&] {
            mnemo::faultPoint("ui.latest-job");
            outcome.value.emplace(work(stale));
        });
        if (!status.ok()) {
            outcome.value.reset();
            outcome.error = status.message();
        }
        return outcome;
    }

    QObject *m_owner;
    std::string m_what;
    std::shared_ptr<std::atomic<quint64>> m_latest = std::make_shared<std::atomic<quint64>>(0);
    bool m_busy = false;
};

} // namespace mnemo::ui
