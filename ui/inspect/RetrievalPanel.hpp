#pragma once
// The retrieval debugger: a query (typed text, embedded locally when the store's embedder is Mnemo's, or the
// selected item's own vector) and the nearest items the store's index returns, with cosine scores. The results are
// highlighted on the embedding map and selectable. Searches and the store's own retrieval log are read on workers.

#include "common/LatestJob.hpp"

#include "mnemo/agentmem/AgentMemoryModel.hpp"

#include <QWidget>

#include <functional>
#include <vector>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QVBoxLayout;

namespace mnemo::ui {

class InspectSession;

class RetrievalPanel : public QWidget {
    Q_OBJECT
public:
    explicit RetrievalPanel(InspectSession &session, QWidget *parent = nullptr);
    void reload();
    bool isBusy() const { return m_searchJob.busy() || m_logJob.busy(); }
    QLineEdit *queryEdit() const { return m_query; }
    QTableWidget *results() const { return m_results; }
    QTableWidget *logged() const { return m_logged; }
    QLabel *statusLabel() const { return m_status; }

    struct Hit {
        qint64 rowid;
        QString id, text;
        float score;
    };

public slots:
    void searchText();
    void searchLikeCurrent();

private:
    // What a search hands back: the hits, or why there are none.
    struct Found {
        std::vector<Hit> hits;
        QString error;
    };
    // One row of the store's retrieval log, with the retrieved item's text (its id when it has none).
    struct LoggedRetrieval {
        agentmem::AccessRecord record;
        QString itemText;
    };

    void createSearchBar(QVBoxLayout *layout);
    void createResultTables(QVBoxLayout *layout);
    void connectControls();
    void reloadLog();
    void showLog(const std::vector<LoggedRetrieval> &rows);
    void updateEmbedder();
    void run(const QString &description, std::function<std::vector<Hit>(QString &error)> work);
    void showFound(const Found &found);

    InspectSession &m_session;
    QLineEdit *m_query;
    QSpinBox *m_k;
    QPushButton *m_search, *m_like;
    QLabel *m_embedder, *m_status;
    QTableWidget *m_results;
    QTableWidget *m_logged; // what the agents actually retrieved, from the store's own log
    LatestJob<Found> m_searchJob{this, "searching the store"};
    LatestJob<std::vector<LoggedRetrieval>> m_logJob{this, "reading the retrieval log"};
};

} // namespace mnemo::ui
