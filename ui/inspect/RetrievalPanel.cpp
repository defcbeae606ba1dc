#include "RetrievalPanel.hpp"

#include "InspectSession.hpp"
#include "ItemTableModel.hpp"

#include "mnemo/core/Guard.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace mnemo::ui {

using namespace agentmem;

namespace {
constexpr int kLoggedShown = 500;
}

RetrievalPanel::RetrievalPanel(InspectSession &session, QWidget *parent) : QWidget(parent), m_session(session) {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    createSearchBar(layout);
    createResultTables(layout);
    connectControls();
    reload();
}

void RetrievalPanel::createSearchBar(QVBoxLayout *layout) {
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
}

void RetrievalPanel::createResultTables(QVBoxLayout *layout) {
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
}

void RetrievalPanel::connectControls() {
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
    // A search of the store open before must not highlight rows of this one. A live refresh keeps the search: the
    // store is the same, and its answer is still the one asked for.
    connect(&m_session, &InspectSession::opened, this, [this] { m_searchJob.cancel(); });
}

void RetrievalPanel::reload() {
    m_results->setRowCount(0);
    m_logged->setRowCount(0);
    reloadLog();
    updateEmbedder();
    m_status->clear();
}

// The log holds every retrieval the agents made, and each row names its item by text (one lookup per row): read on
// a worker, shown when ready. A log that cannot be read leaves the table empty (and is logged).
void RetrievalPanel::reloadLog() {
    std::shared_ptr<AgentStore> reader(m_session.openReader());
    if (!reader) {
        m_logJob.cancel();
        return;
    }
    m_logJob.run(
        [reader](const auto &stale) {
            faultPoint("ui.inspect.retrieval-log");
            std::vector<LoggedRetrieval> rows;
            auto log = reader->accesses({}, kLoggedShown);
            if (!log.ok()) return rows;
            for (AccessRecord &a : log.value()) {
                if (stale()) return std::vector<LoggedRetrieval>{}; // superseded: dropped anyway
                QString text = QString::fromStdString(a.itemId);
                if (auto it = reader->item(a.itemId); it.ok()) {
                    text = QString::fromStdString(it->text).simplified().left(160);
                }
                rows.push_back({std::move(a), text});
            }
            return rows;
        },
        [this](std::vector<LoggedRetrieval> &&rows) { showLog(rows); });
}

void RetrievalPanel::showLog(const std::vector<LoggedRetrieval> &rows) {
    m_logged->setRowCount(int(rows.size()));
    int row = 0;
    for (const auto &[a, text] : rows) {
        m_logged->setItem(row, 0, new QTableWidgetItem(formatTime(a.timeUs)));
        m_logged->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(a.principalId)));
        m_logged->setItem(row, 2, new QTableWidgetItem(QString::fromStdString(a.query)));
        m_logged->setItem(row, 3, new QTableWidgetItem(a.rank >= 0 ? QString::number(a.rank) : QString()));
        m_logged->setItem(row, 4, new QTableWidgetItem(a.score != 0 ? QString::number(a.score, 'f', 3) : QString()));
        auto *item = new QTableWidgetItem(text);
        item->setData(Qt::UserRole, QString::fromStdString(a.itemId));
        m_logged->setItem(row++, 5, item);
    }
}

void RetrievalPanel::updateEmbedder() {
    AgentStore *store = m_session.store();
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
}

void RetrievalPanel::run(const QString &description, std::function<std::vector<Hit>(QString &)> work) {
    if (m_searchJob.busy()) return; // one search at a time: a nearest-neighbour scan cannot stop half-way
    m_status->setText(description + " — " + tr("searching…"));
    // Every search goes through here: a throw in any of them becomes the red status line a failed search shows.
    m_searchJob.run(
        [work](const auto &) {
            faultPoint("ui.inspect.retrieval");
            Found found;
            found.hits = work(found.error);
            if (!found.error.isEmpty()) found.hits.clear();
            return found;
        },
        [this](Found &&found) { showFound(found); },
        [this, description](const QString &message) { showFound(Found{{}, description + " — " + message}); });
}

void RetrievalPanel::showFound(const Found &found) {
    if (!found.error.isEmpty()) {
        m_status->setText("<span style='color:#c62828'>" + found.error.toHtmlEscaped() + "</span>");
        return;
    }
    m_status->setText(m_status->text().replace(tr("searching…"), tr("done")));
    m_results->setRowCount(int(found.hits.size()));
    QSet<qint64> rowids;
    for (int i = 0; i < int(found.hits.size()); ++i) {
        const Hit &h = found.hits[size_t(i)];
        m_results->setItem(i, 0, new QTableWidgetItem(QString::number(i + 1)));
        m_results->setItem(i, 1, new QTableWidgetItem(QString::number(h.score, 'f', 4)));
        m_results->setItem(i, 2, new QTableWidgetItem(h.text.simplified().left(300)));
        m_results->setItem(i, 3, new QTableWidgetItem(h.id));
        rowids.insert(h.rowid);
    }
    m_session.setHighlighted(rowids);
}

namespace {
std::vector<RetrievalPanel::Hit> collect(AgentStore &store, const std::vector<Neighbour> &found);
}

void RetrievalPanel::searchText() {
    const QString text = m_query->text().trimmed();
    if (text.isEmpty() || !m_session.store()) return;
    std::shared_ptr<AgentStore> reader(m_session.openReader());
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
    std::shared_ptr<AgentStore> reader(m_session.openReader());
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
