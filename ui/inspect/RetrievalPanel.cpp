#include "RetrievalPanel.hpp"

#include "InspectSession.hpp"
#include "ItemTableModel.hpp"

#include "mnemo/core/Guard.hpp"

#include <QElapsedTimer>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace mnemo::ui {

using namespace agentmem;

RetrievalPanel::RetrievalPanel(InspectSession &session, QWidget *parent) : QWidget(parent), m_session(session) {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    m_query = new QLineEdit(this);
    m_query->setObjectName("retrievalQuery");
    m_query->setPlaceholderText(tr("Ask the store: e.g. where does Alice like to sit?"));
    m_query->setClearButtonEnabled(true);
    bar->addWidget(m_query, 1);
    bar->addWidget(new QLabel(tr("k"), this));
    m_k = new QSpinBox(this);
    m_k->setRange(1, 200);
    m_k->setValue(10);
    bar->addWidget(m_k);
    m_search = new QPushButton(tr("Search"), this);
    m_search->setObjectName("retrievalSearch");
    bar->addWidget(m_search);
    m_like = new QPushButton(tr("Like selected item"), this);
    m_like->setObjectName("retrievalLike");
    m_like->setToolTip(tr("Use the current item's own embedding as the query"));
    bar->addWidget(m_like);
    layout->addLayout(bar);
    m_embedder = new QLabel(this);
    m_embedder->setObjectName("retrievalEmbedder");
    m_embedder->setWordWrap(true);
    layout->addWidget(m_embedder);
    m_status = new QLabel(this);
    m_status->setObjectName("retrievalStatus");
    layout->addWidget(m_status);
    m_results = new QTableWidget(this);
    m_results->setObjectName("retrievalResults");
    m_results->setColumnCount(4);
    m_results->setHorizontalHeaderLabels({tr("Rank"), tr("Score"), tr("Item"), tr("Id")});
    m_results->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_results->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_results->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_results->verticalHeader()->hide();
    layout->addWidget(m_results, 2);
    auto *loggedTitle = new QLabel(tr("<b>Logged retrievals</b> — what the agents actually got back (double-click to "
                                      "replay the query here)"), this);
    layout->addWidget(loggedTitle);
    m_logged = new QTableWidget(this);
    m_logged->setObjectName("retrievalLogged");
    m_logged->setColumnCount(6);
    m_logged->setHorizontalHeaderLabels({tr("Time"), tr("Who"), tr("Query"), tr("Rank"), tr("Score"), tr("Item")});
    m_logged->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    for (auto [column, width] : {std::pair{0, 130}, {1, 90}, {3, 40}, {4, 55}, {5, 260}}) {
        m_logged->horizontalHeader()->resizeSection(column, width);
    }
    m_logged->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_logged->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_logged->verticalHeader()->hide();
    layout->addWidget(m_logged, 1);
    connect(m_logged, &QTableWidget::cellClicked, this, [this](int row, int) {
        if (auto *cell = m_logged->item(row, 5)) m_session.setCurrent(cell->data(Qt::UserRole).toString());
    });
    connect(m_logged, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        auto *query = m_logged->item(row, 2);
        if (!query || query->text().isEmpty() || !m_query->isEnabled()) return;
        m_query->setText(query->text());
        searchText(); // replay: what the index returns now, next to what the agent got then
    });

    connect(m_search, &QPushButton::clicked, this, &RetrievalPanel::searchText);
    connect(m_query, &QLineEdit::returnPressed, this, &RetrievalPanel::searchText);
    connect(m_like, &QPushButton::clicked, this, &RetrievalPanel::searchLikeCurrent);
    connect(m_results, &QTableWidget::cellClicked, this, [this](int row, int) {
        if (auto *cell = m_results->item(row, 3)) m_session.setCurrent(cell->text());
    });
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, [this] {
        m_busy = false;
        auto result = std::move(m_pending);
        if (!result) return;
        if (!result->second.isEmpty()) {
            m_status->setText("<span style='color:#c62828'>" + result->second.toHtmlEscaped() + "</span>");
            return;
        }
        m_status->setText(m_status->text().replace(tr("searching…"), tr("done")));
        m_results->setRowCount(int(result->first.size()));
        QSet<qint64> rowids;
        QStringList ids;
        for (int i = 0; i < int(result->first.size()); ++i) {
            const Hit &h = result->first[size_t(i)];
            m_results->setItem(i, 0, new QTableWidgetItem(QString::number(i + 1)));
            m_results->setItem(i, 1, new QTableWidgetItem(QString::number(h.score, 'f', 4)));
            m_results->setItem(i, 2, new QTableWidgetItem(h.text.simplified().left(300)));
            m_results->setItem(i, 3, new QTableWidgetItem(h.id));
            rowids.insert(h.rowid);
            ids << h.id;
        }
        m_session.setHighlighted(rowids);
    });
    reload();
}

void RetrievalPanel::reload() {
    m_results->setRowCount(0);
    m_logged->setRowCount(0);
    AgentStore *store = m_session.store();
    if (store) {
        auto log = store->accesses({}, 500);
        if (log.ok()) {
            m_logged->setRowCount(int(log->size()));
            int row = 0;
            for (const AccessRecord &a : log.value()) {
                m_logged->setItem(row, 0, new QTableWidgetItem(formatTime(a.timeUs)));
                m_logged->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(a.principalId)));
                m_logged->setItem(row, 2, new QTableWidgetItem(QString::fromStdString(a.query)));
                m_logged->setItem(row, 3, new QTableWidgetItem(a.rank >= 0 ? QString::number(a.rank) : QString()));
                m_logged->setItem(row, 4, new QTableWidgetItem(a.score != 0 ? QString::number(a.score, 'f', 3) : QString()));
                QString text = QString::fromStdString(a.itemId);
                if (auto it = store->item(a.itemId); it.ok()) text = QString::fromStdString(it->text).simplified().left(160);
                auto *item = new QTableWidgetItem(text);
                item->setData(Qt::UserRole, QString::fromStdString(a.itemId));
                m_logged->setItem(row++, 5, item);
            }
        }
    }
    const bool hasVectors = store && m_session.summary().embeddings > 0;
    m_search->setEnabled(hasVectors && store->canEmbedText());
    m_query->setEnabled(hasVectors && store->canEmbedText());
    m_like->setEnabled(hasVectors);
    if (!store) {
        m_embedder->clear();
    } else if (!hasVectors) {
        m_embedder->setText(tr("This store keeps no embeddings: nothing to search by similarity."));
    } else {
        m_embedder->setText(tr("Embedder: %1 · index: %2")
                                .arg(QString::fromStdString(store->embedderDescription()),
                                     QString::fromStdString(store->nearestMethod())));
    }
    m_status->clear();
}

void RetrievalPanel::run(const QString &description, std::function<std::vector<Hit>(QString &)> work) {
    if (m_busy) return;
    m_busy = true;
    m_status->setText(description + " — " + tr("searching…"));
    auto pending = std::make_shared<std::pair<std::vector<Hit>, QString>>();
    m_pending = pending;
    // Every search goes through here: a throw in any of them becomes the red status line a failed search shows.
    m_watcher.setFuture(QtConcurrent::run([pending, work, what = description.toStdString()] {
        const Status s = guarded("searching " + what, [&] {
            faultPoint("ui.inspect.retrieval");
            pending->first = work(pending->second);
        });
        if (!s.ok()) {
            pending->first.clear();
            pending->second = QString::fromStdString(s.message());
        }
    }));
}

namespace {
std::vector<RetrievalPanel::Hit> collect(AgentStore &store, const std::vector<Neighbour> &found);
}

void RetrievalPanel::searchText() {
    const QString text = m_query->text().trimmed();
    if (text.isEmpty() || !m_session.store()) return;
    std::shared_ptr<AgentStore> reader(m_session.openReader().release());
    const int k = m_k->value();
    run(tr("“%1”").arg(text), [reader, text, k](QString &error) -> std::vector<Hit> {
        if (!reader) return error = QObject::tr("the store is not open"), std::vector<Hit>{};
        auto q = reader->embedText(text.toStdString());
        if (!q.ok()) return error = QString::fromStdString(q.message()), std::vector<Hit>{};
        auto found = reader->nearest(q.value(), k);
        if (!found.ok()) return error = QString::fromStdString(found.message()), std::vector<Hit>{};
        return collect(*reader, found.value());
    });
}

void RetrievalPanel::searchLikeCurrent() {
    const QString id = m_session.currentId();
    if (id.isEmpty()) {
        m_status->setText(tr("Select an item first: its embedding becomes the query."));
        return;
    }
    std::shared_ptr<AgentStore> reader(m_session.openReader().release());
    const int k = m_k->value();
    run(tr("like %1").arg(id), [reader, id, k](QString &error) -> std::vector<Hit> {
        if (!reader) return error = QObject::tr("the store is not open"), std::vector<Hit>{};
        auto item = reader->item(id.toStdString());
        if (!item.ok()) return error = QString::fromStdString(item.message()), std::vector<Hit>{};
        if (item->embedding.empty()) return error = QObject::tr("item %1 has no embedding").arg(id), std::vector<Hit>{};
        auto found = reader->nearest(item->embedding, k, item->id);
        if (!found.ok()) return error = QString::fromStdString(found.message()), std::vector<Hit>{};
        return collect(*reader, found.value());
    });
}

namespace {
std::vector<RetrievalPanel::Hit> collect(AgentStore &store, const std::vector<Neighbour> &found) {
    std::vector<int64_t> rowids;
    for (const auto &n : found) rowids.push_back(n.rowid);
    auto rows = store.itemsByRowid(rowids);
    std::vector<RetrievalPanel::Hit> out;
    for (size_t i = 0; i < found.size(); ++i) {
        QString text = rows.ok() && i < rows->size() ? QString::fromStdString(rows.value()[i].text) : QString();
        out.push_back({found[i].rowid, QString::fromStdString(found[i].id), text, found[i].score});
    }
    return out;
}
} // namespace

} // namespace mnemo::ui
