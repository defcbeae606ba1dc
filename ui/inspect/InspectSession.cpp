#include "InspectSession.hpp"

#include "mnemo/core/Guard.hpp"
#include "mnemo/core/Log.hpp"

#include <QtConcurrent>

namespace mnemo::ui {

using namespace agentmem;

// What the worker hands back: the store, its summary and facets, or why not.
struct InspectSession::Opened {
    std::unique_ptr<AgentStore> store;
    StoreSummary summary;
    Facets facets;
    int64_t lastSeq = 0;
    QString error;

    // On the worker. Whatever load() throws becomes `error`, like a failed Status: the session reports it and keeps
    // the store it has, and the future never carries an exception for waitForFinished() to rethrow.
    void run(const std::string &path) {
        const Status s = guarded("opening " + agentmem::AgentStore::displayName(path), [&] { // no password shown
            faultPoint("ui.inspect.open");
            load(path);
        });
        if (!s.ok()) {
            store.reset(); // never adopted, but a half-read result should not look usable either
            error = QString::fromStdString(s.message());
        }
    }

    void load(const std::string &path) {
        auto s = AgentStore::open(path);
        if (!s.ok()) {
            error = QString::fromStdString(s.message());
            return;
        }
        // One snapshot for what the views start from: the summary's counts, the facets and the last event agree
        // even while agents write (a database read in place; nothing for a file).
        const agentmem::SnapshotScope snapshot(*s.value());
        if (!snapshot.status().ok()) {
            error = QString::fromStdString(snapshot.status().message());
            return;
        }
        auto sum = s.value()->summary();
        if (!sum.ok()) {
            error = QString::fromStdString(sum.message());
            return;
        }
        summary = sum.value();
        for (auto [field, target] : {std::pair{"user_id", &facets.users}, {"agent_id", &facets.agents}, {"kind", &facets.kinds}}) {
            auto g = s.value()->groupCounts(field, {});
            if (g.ok()) *target = std::move(g.value());
        }
        if (auto who = s.value()->principals(); who.ok()) facets.principals = std::move(who.value());
        lastSeq = s.value()->lastEventSeq();
        store = std::move(s.value());
    }
};

namespace {
// Fire and forget: nobody reads the future, so a throw would vanish there. Log it; a failed warm-up only means the
// first search reads the index from disk (its Status is ignored for the same reason).
void warmIndex(const AgentStore &store) {
    const Status s = guarded("warming the neighbour index", [&] {
        faultPoint("ui.inspect.warm-index");
        (void)store.warmNeighbourIndex();
    });
    if (!s.ok()) log::warning("inspect", s.message());
}
} // namespace

InspectSession::InspectSession(QObject *parent) : QObject(parent) {
    connect(&m_liveTimer, &QTimer::timeout, this, &InspectSession::checkForChanges);
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, [this] {
        auto result = std::move(m_pending);
        const bool refresh = m_reimporting;
        m_opening = false;
        m_reimporting = false;
        if (!result) return;
        if (!result->error.isEmpty()) {
            // A live re-import can catch a writer mid-transaction: keep the last good view and try again later.
            if (!refresh) emit failed(result->error);
            return;
        }
        adopt(*result, refresh);
    });
    m_liveTimer.start(500); // a few stat calls: cheap enough to keep the promised "within a second" with margin
}

InspectSession::~InspectSession() { m_watcher.waitForFinished(); }

void InspectSession::open(const QString &path) {
    if (m_opening) m_watcher.waitForFinished();
    m_path = path;
    emit opening(path);
    start(false);
}

void InspectSession::start(bool reimport) {
    m_opening = true;
    m_reimporting = reimport;
    auto pending = std::make_shared<Opened>();
    m_pending = pending;
    const std::string p = m_path.toStdString();
    m_watcher.setFuture(QtConcurrent::run([pending, p] { pending->run(p); }));
}

void InspectSession::adopt(Opened &result, bool isRefresh) {
    const int64_t seq = result.lastSeq;
    const int newEvents = isRefresh ? int(std::max<int64_t>(0, seq - m_lastSeq)) : 0;
    m_readers.reset(); // its idle readers belong to the store being replaced
    m_connectionProblem.clear();
    m_store = std::move(result.store);
    m_readers = std::make_unique<ReaderPool>(*m_store);
    m_summary = std::move(result.summary);
    m_facets = std::move(result.facets);
    m_lastSeq = seq;
    ++m_generation;
    if (isRefresh) {
        emit refreshed(newEvents);
    } else {
        m_current.clear();
        m_selection.clear();
        m_highlighted.clear();
        m_asOf.reset();
        m_viewAs.clear();
        log::info("inspect", "opened " + m_summary.kind + " store " +
                                 agentmem::AgentStore::displayName(m_path.toStdString())); // no password in the log
        emit opened();
    }
    // Read the neighbour index into memory in the background, so the retrieval debugger answers at once.
    if (m_summary.embeddings > 0) {
        std::shared_ptr<AgentStore> warm = openReader();
        if (warm) (void)QtConcurrent::run([warm] { warmIndex(*warm); });
    }
}

std::shared_ptr<AgentStore> InspectSession::openReader() const {
    return m_readers ? m_readers->lease() : nullptr;
}

void InspectSession::setCurrent(const QString &id) {
    if (id == m_current) return;
    m_current = id;
    emit currentChanged(id);
}

void InspectSession::setSelection(const QStringList &ids) {
    m_selection = ids;
    emit selectionChanged(ids);
    if (!ids.isEmpty() && !ids.contains(m_current)) setCurrent(ids.front());
}

void InspectSession::setHighlighted(const QSet<qint64> &rowids) {
    m_highlighted = rowids;
    emit highlightedChanged();
}

void InspectSession::setAsOf(std::optional<qint64> us) {
    if (us == m_asOf) return;
    m_asOf = us;
    emit asOfChanged();
}

void InspectSession::setViewAs(const QString &principal) {
    if (principal == m_viewAs) return;
    m_viewAs = principal;
    emit viewAsChanged();
}

ItemFilter InspectSession::baseFilter() const {
    ItemFilter f;
    if (m_asOf) f.asOfUs = *m_asOf;
    f.visibleTo = m_viewAs.toStdString();
    return f;
}

void InspectSession::setLiveInterval(int ms) {
    if (ms <= 0) m_liveTimer.stop();
    else m_liveTimer.start(ms);
}

void InspectSession::checkForChanges() {
    if (!m_store || m_opening) return;
    if (const QString problem = QString::fromStdString(m_store->connectionProblem()); problem != m_connectionProblem) {
        m_connectionProblem = problem;
        emit connectionProblemChanged(problem);
    }
    if (!m_store->sourceChanged()) return;
    if (!m_store->isImported()) {
        // Our own store, read in place: re-attaching is a file open, cheap enough for the UI thread.
        auto changed = m_store->refreshIfChanged();
        if (changed.ok() && changed.value()) {
            m_readers = std::make_unique<ReaderPool>(*m_store); // idle readers may hold the old catalogue
            auto summary = m_store->summary();
            if (summary.ok()) m_summary = summary.value();
            const int64_t seq = m_store->lastEventSeq();
            const int newEvents = int(std::max<int64_t>(0, seq - m_lastSeq));
            m_lastSeq = seq;
            ++m_generation;
            emit refreshed(newEvents);
        }
        return;
    }
    // A foreign store is re-imported from a fresh snapshot on a worker; the old view stays until it is ready.
    start(true);
}

} // namespace mnemo::ui
