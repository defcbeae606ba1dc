#pragma once
// The Inspect workspace: a read-only inspector for agent-memory stores. A filterable table, linked views (embedding
// map, graph, tree, access, retrieval debugger), a detail pane and a time-travel timeline, all over one
// InspectSession so that a selection in one view selects in all.

#include <QWidget>

class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QSplitter;
class QTableView;
class QTabWidget;
class QTimer;

namespace mnemo::agentmem {
struct StoreSummary;
}

namespace mnemo::ui {

class AccessPanel;
class DetailPane;
class GraphPanel;
class InspectSession;
class ItemTableModel;
class MapPanel;
class RetrievalPanel;
class StoreTreePanel;
class TimelinePanel;

class InspectWorkspace : public QWidget {
    Q_OBJECT
public:
    explicit InspectWorkspace(QWidget *parent = nullptr);

    // The sample store built with the app (assets/agent-memory), if it can be found next to the executable.
    static QString sampleStorePath();

    InspectSession &session() const { return *m_session; }
    ItemTableModel *tableModel() const { return m_model; }
    QTableView *table() const { return m_table; }
    QTabWidget *tabs() const { return m_tabs; }
    MapPanel *mapPanel() const { return m_map; }
    GraphPanel *graphPanel() const { return m_graph; }
    StoreTreePanel *treePanel() const { return m_tree; }
    AccessPanel *accessPanel() const { return m_access; }
    RetrievalPanel *retrievalPanel() const { return m_retrieval; }
    TimelinePanel *timelinePanel() const { return m_timeline; }
    DetailPane *detailPane() const { return m_detail; }
    QLineEdit *searchEdit() const { return m_search; }
    QLabel *statusLabel() const { return m_status; }
    bool isBusy() const;

public slots:
    void openStore(const QString &path);
    void chooseStore();
    void chooseStoreDirectory();
    // A PostgreSQL database by connection string, with the recent ones offered (stored without their passwords).
    void chooseDatabase();
    void focusSearch();

private:
    void rememberDatabase();
    QHBoxLayout *createStoreBar();
    QHBoxLayout *createFilterBar();
    QSplitter *createBody();
    QTableView *createTable(QWidget *parent);
    QTabWidget *createTabs(QWidget *parent);
    void connectFilters();
    void connectSelection();
    void connectSession();
    QWidget *viewWithContent(const agentmem::StoreSummary &summary) const;
    void onOpened();
    void showTitle();
    void onRefreshed(int newEvents);
    void applyFilters();
    void reloadItemViews();
    void fillFilterCombos();
    void showCount(qint64 total);

    InspectSession *m_session;
    ItemTableModel *m_model;
    QTableView *m_table;
    QTabWidget *m_tabs;
    MapPanel *m_map;
    GraphPanel *m_graph;
    StoreTreePanel *m_tree;
    AccessPanel *m_access;
    RetrievalPanel *m_retrieval;
    TimelinePanel *m_timeline;
    DetailPane *m_detail;
    QLabel *m_title, *m_status, *m_live;
    QLineEdit *m_search;
    QComboBox *m_user, *m_agent, *m_kind;
    QCheckBox *m_deleted;
    QTimer *m_searchDelay;
    QString m_storeNotes; // what the reader could not show or had to assume, kept in the status line
};

} // namespace mnemo::ui
