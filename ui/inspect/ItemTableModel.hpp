#pragma once
// The Inspect table: the store's items as rows, newest first, read a page at a time (fetchMore) on a worker, so a
// million-item store shows its first page at once and a database across a network never blocks the UI; the total
// is counted on another worker (a count over a selective filter can touch every row). Filters (full-text, user,
// agent, kind) combine with the session's time travel and access projection.

#include "common/LatestJob.hpp"

#include "mnemo/agentmem/AgentStore.hpp"

#include <QAbstractTableModel>

#include <optional>

namespace mnemo::ui {

class InspectSession;

class ItemTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Text, Kind, User, Agent, Tier, Created, State, ColumnCount };
    static constexpr int kPage = 200;

    explicit ItemTableModel(InspectSession &session, QObject *parent = nullptr);

    void setFilter(const agentmem::ItemFilter &extra);
    const agentmem::ItemFilter &filter() const { return m_extra; }
    void reload();
    qint64 totalCount() const { return m_total; } // -1 while it is being counted
    bool isCounting() const { return m_countJob.busy(); }
    QString lastError() const { return m_error; }
    int rowOf(const QString &id) const;
    const agentmem::MemoryItem *itemAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

signals:
    void reloaded(qint64 total);

private:
    // What the count hands back: the total, or why there is none.
    struct Count {
        qint64 total = 0;
        QString error;
    };
    // One page read on a worker: its rows from `offset`, or why there are none.
    struct Page {
        qint64 offset = 0;
        std::vector<agentmem::MemoryItem> rows;
        QString error;
    };
    agentmem::ItemFilter effectiveFilter() const;
    void readPage(qint64 offset);
    void showPage(Page &&page);
    void countInBackground();
    void announceWhenReady(); // reloaded() once the first page is shown and the count is in

    InspectSession &m_session;
    agentmem::ItemFilter m_extra;
    std::vector<agentmem::MemoryItem> m_rows;
    bool m_more = false;
    qint64 m_total = 0;
    QString m_error;
    bool m_firstPageShown = false;
    std::optional<Count> m_count;
    LatestJob<Page> m_pageJob{this, "reading a page of items"};
    LatestJob<Count> m_countJob{this, "counting the items"};
};

QString formatTime(qint64 us);

} // namespace mnemo::ui
