#pragma once
// One open agent-memory store in the Inspect workspace, and the state every view shares: the current item, the
// selection, the highlighted (retrieved) items, the time being looked at (time travel) and whose eyes the store
// is seen through (access projection). Views read on workers through openReader() (pooled readers); store() is
// for what asks no query (its kind, its path). Opening, re-importing and the live-tail check never block the
// UI thread.

#include "ReaderPool.hpp"

#include "mnemo/agentmem/AgentStore.hpp"

#include <QFutureWatcher>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <optional>

namespace mnemo::ui {

class InspectSession : public QObject {
    Q_OBJECT
public:
    explicit InspectSession(QObject *parent = nullptr);
    ~InspectSession() override;

    // Opens asynchronously: opening() now, then opened() or failed(). The previous store stays until then.
    void open(const QString &path);
    bool isOpen() const { return m_store != nullptr; }
    bool isBusy() const { return m_opening; }
    QString path() const { return m_path; }
    agentmem::AgentStore *store() const { return m_store.get(); }
    const agentmem::StoreSummary &summary() const { return m_summary; }
    // Values to filter by, most frequent first (computed on the worker with the summary).
    struct Facets {
        std::vector<std::pair<std::string, int64_t>> users, agents, kinds;
        std::vector<agentmem::Principal> principals; // users, agents, apps and threads the store names
    };
    const Facets &facets() const { return m_facets; }
    // A reader for work on another thread, from a pool (ReaderPool.hpp); null when no store is open.
    std::shared_ptr<agentmem::AgentStore> openReader() const;

    // A generation number: bumped whenever the data views show may have changed (open, live refresh).
    int generation() const { return m_generation; }

    QString currentId() const { return m_current; }
    void setCurrent(const QString &id);
    QStringList selection() const { return m_selection; }
    void setSelection(const QStringList &ids);
    const QSet<qint64> &highlighted() const { return m_highlighted; }
    void setHighlighted(const QSet<qint64> &rowids);

    std::optional<qint64> asOfUs() const { return m_asOf; }
    void setAsOf(std::optional<qint64> us);
    QString viewAs() const { return m_viewAs; }
    void setViewAs(const QString &principal);
    // The filter every item view applies: time travel and the access projection.
    agentmem::ItemFilter baseFilter() const;

    // Live tail: checks the store's files every `ms` (a few stat calls) and reloads when they change.
    void setLiveInterval(int ms);
    bool isLive() const { return m_liveTimer.isActive(); }
    QString connectionProblem() const { return m_connectionProblem; }

signals:
    void opening(const QString &path);
    void opened();
    void failed(const QString &message);
    void refreshed(int newEvents);
    // A database read in place became unreachable (the reason) or reachable again (empty); the views keep what they
    // show, and reload once it is back.
    void connectionProblemChanged(const QString &problem);
    void currentChanged(const QString &id);
    void selectionChanged(const QStringList &ids);
    void highlightedChanged();
    void asOfChanged();
    void viewAsChanged();

private:
    void checkForChanges();
    struct Opened;
    void start(bool reimport);
    void adopt(Opened &result, bool isRefresh);

    QString m_path;
    std::unique_ptr<agentmem::AgentStore> m_store;
    std::unique_ptr<ReaderPool> m_readers; // onto m_store; replaced with it
    QString m_connectionProblem;
    agentmem::StoreSummary m_summary;
    int m_generation = 0;
    bool m_opening = false;
    bool m_reimporting = false;
    QFutureWatcher<void> m_watcher;
    std::shared_ptr<Opened> m_pending;
    Facets m_facets;
    QString m_current;
    QStringList m_selection;
    QSet<qint64> m_highlighted;
    std::optional<qint64> m_asOf;
    QString m_viewAs;
    QTimer m_liveTimer;
    int64_t m_lastSeq = 0;
};

} // namespace mnemo::ui
