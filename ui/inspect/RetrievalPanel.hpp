#pragma once
// The retrieval debugger: a query (typed text, embedded locally when the store's embedder is Mnemo's, or the
// selected item's own vector) and the nearest items the store's index returns, with cosine scores. The results are
// highlighted on the embedding map and selectable. Runs on a worker thread.

#include <QFutureWatcher>
#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace mnemo::ui {

class InspectSession;

class RetrievalPanel : public QWidget {
    Q_OBJECT
public:
    explicit RetrievalPanel(InspectSession &session, QWidget *parent = nullptr);
    void reload();
    bool isBusy() const { return m_busy; }
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
    void run(const QString &description, std::function<std::vector<Hit>(QString &error)> work);

    InspectSession &m_session;
    QLineEdit *m_query;
    QSpinBox *m_k;
    QPushButton *m_search, *m_like;
    QLabel *m_embedder, *m_status;
    QTableWidget *m_results;
    QTableWidget *m_logged; // what the agents actually retrieved, from the store's own log
    QFutureWatcher<void> m_watcher;
    bool m_busy = false;
    std::shared_ptr<std::pair<std::vector<Hit>, QString>> m_pending;
};

} // namespace mnemo::ui
