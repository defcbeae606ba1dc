#include "InspectWorkspace.hpp"

#include "AccessPanel.hpp"
#include "DetailPane.hpp"
#include "GraphPanel.hpp"
#include "InspectSession.hpp"
#include "ItemTableModel.hpp"
#include "MapPanel.hpp"
#include "RetrievalPanel.hpp"
#include "StoreTreePanel.hpp"
#include "TimelinePanel.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QHeaderView>
#include <QInputDialog>
#include <QSettings>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace mnemo::ui {

using namespace agentmem;

QString InspectWorkspace::sampleStorePath() {
    const QString dir = QCoreApplication::applicationDirPath();
    for (const QString &candidate : {dir + "/../assets/agent-memory/sample.mnemem",
                                     dir + "/../share/mnemo/agent-memory/sample.mnemem"}) {
        if (QFileInfo::exists(candidate)) return QDir::cleanPath(candidate);
    }
    return {};
}

InspectWorkspace::InspectWorkspace(QWidget *parent) : QWidget(parent), m_session(new InspectSession(this)) {
    setObjectName("inspectWorkspace");
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(createStoreBar());
    layout->addLayout(createFilterBar());
    m_status = new QLabel(this);
    m_status->setObjectName("inspectStatus");
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    layout->addWidget(createBody(), 1);
    connectFilters();
    connectSelection();
    connectSession();
    fillFilterCombos();
}

// Row 1: the store.
QHBoxLayout *InspectWorkspace::createStoreBar() {
    auto *top = new QHBoxLayout;
    auto *open = new QPushButton(tr("Open Store…"), this);
    open->setObjectName("inspectOpen");
    open->setToolTip(tr("Open a Mem0, Chroma, LangGraph, Letta, MCP memory or Mnemo store (Ctrl+Shift+O); "
                        "nothing is ever written to it"));
    connect(open, &QPushButton::clicked, this, &InspectWorkspace::chooseStore);
    top->addWidget(open);
    m_title = new QLabel(tr("No store open"), this);
    m_title->setObjectName("inspectTitle");
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    top->addWidget(m_title, 1);
    m_live = new QLabel(this);
    m_live->setObjectName("inspectLive");
    top->addWidget(m_live);
    return top;
}

// Row 2: the filters the table applies.
QHBoxLayout *InspectWorkspace::createFilterBar() {
    auto *filters = new QHBoxLayout;
    m_search = new QLineEdit(this);
    m_search->setObjectName("inspectSearch");
    m_search->setPlaceholderText(tr("Full-text search (Ctrl+F)…"));
    m_search->setClearButtonEnabled(true);
    filters->addWidget(m_search, 2);
    m_user = new QComboBox(this);
    m_user->setObjectName("inspectUser");
    m_agent = new QComboBox(this);
    m_agent->setObjectName("inspectAgent");
    m_kind = new QComboBox(this);
    m_kind->setObjectName("inspectKind");
    for (QComboBox *c : {m_user, m_agent, m_kind}) {
        c->setMinimumContentsLength(12);
        filters->addWidget(c, 1);
    }
    m_deleted = new QCheckBox(tr("Show deleted"), this);
    m_deleted->setObjectName("inspectShowDeleted");
    filters->addWidget(m_deleted);
    return filters;
}

// Body: table | views | detail, over the timeline.
QSplitter *InspectWorkspace::createBody() {
    auto *vertical = new QSplitter(Qt::Vertical, this);
    auto *body = new QSplitter(Qt::Horizontal, vertical);
    body->addWidget(createTable(body));
    body->addWidget(createTabs(body));
    m_detail = new DetailPane(*m_session, body);
    body->addWidget(m_detail);
    body->setSizes({480, 560, 320});
    m_timeline = new TimelinePanel(*m_session, vertical);
    vertical->addWidget(body);
    vertical->addWidget(m_timeline);
    vertical->setStretchFactor(0, 5);
    vertical->setStretchFactor(1, 1);
    return vertical;
}

QTableView *InspectWorkspace::createTable(QWidget *parent) {
    m_model = new ItemTableModel(*m_session, this);
    m_table = new QTableView(parent);
    m_table->setObjectName("inspectTable");
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->horizontalHeader()->setDefaultSectionSize(90);
    m_table->horizontalHeader()->resizeSection(ItemTableModel::Text, 300);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    return m_table;
}

QTabWidget *InspectWorkspace::createTabs(QWidget *parent) {
    m_tabs = new QTabWidget(parent);
    m_tabs->setObjectName("inspectTabs");
    m_map = new MapPanel(*m_session, m_tabs);
    m_graph = new GraphPanel(*m_session, m_tabs);
    m_tree = new StoreTreePanel(*m_session, m_tabs);
    m_access = new AccessPanel(*m_session, m_tabs);
    m_retrieval = new RetrievalPanel(*m_session, m_tabs);
    m_tabs->addTab(m_map, tr("Embedding map"));
    m_tabs->addTab(m_graph, tr("Graph"));
    m_tabs->addTab(m_tree, tr("Tree"));
    m_tabs->addTab(m_access, tr("Access"));
    m_tabs->addTab(m_retrieval, tr("Retrieval debugger"));
    return m_tabs;
}

void InspectWorkspace::connectFilters() {
    // Typing waits for a pause: every keystroke would restart the table's count.
    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(200);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, &InspectWorkspace::applyFilters);
    for (QComboBox *c : {m_user, m_agent, m_kind}) connect(c, &QComboBox::activated, this, &InspectWorkspace::applyFilters);
    connect(m_deleted, &QCheckBox::toggled, this, &InspectWorkspace::applyFilters);
    connect(m_model, &ItemTableModel::reloaded, this, &InspectWorkspace::showCount);
}

// One current item and one selection for every view: the table and the detail pane follow the session.
void InspectWorkspace::connectSelection() {
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        QStringList ids;
        for (const QModelIndex &row : m_table->selectionModel()->selectedRows()) ids << row.data(Qt::UserRole).toString();
        if (ids.size() == 1) m_session->setCurrent(ids.front());
        else if (ids.size() > 1) m_session->setSelection(ids);
    });
    connect(m_session, &InspectSession::currentChanged, this, [this](const QString &id) {
        m_detail->showItem(id);
        int row = m_model->rowOf(id);
        if (row >= 0 && !m_table->selectionModel()->isRowSelected(row, {})) {
            QSignalBlocker block(m_table->selectionModel());
            m_table->selectRow(row);
            m_table->scrollTo(m_model->index(row, 0));
        }
    });
    connect(m_timeline, &TimelinePanel::diffRequested, m_detail, &DetailPane::showDiff);
}

void InspectWorkspace::connectSession() {
    connect(m_session, &InspectSession::opening, this, [this](const QString &path) {
        m_status->setText(tr("Opening %1…").arg(QString::fromStdString(AgentStore::displayName(path.toStdString()))));
        m_status->setStyleSheet({});
    });
    connect(m_session, &InspectSession::failed, this, [this](const QString &message) {
        m_status->setText(tr("Cannot open the store: %1").arg(message));
        m_status->setStyleSheet("color: #c62828");
    });
    connect(m_session, &InspectSession::connectionProblemChanged, this, [this](const QString &problem) {
        if (problem.isEmpty()) {
            m_status->setText(tr("Reconnected; reloading…"));
            m_status->setStyleSheet({});
            return;
        }
        QString why = problem.simplified(); // libpq's words come in several lines
        while (why.endsWith('.')) why.chop(1);
        m_status->setText(tr("Connection lost: %1. Retrying every second; the view keeps what it shows.").arg(why));
        m_status->setStyleSheet("color: #c62828");
    });
    connect(m_session, &InspectSession::opened, this, &InspectWorkspace::onOpened);
    connect(m_session, &InspectSession::opened, this, &InspectWorkspace::rememberDatabase);
    connect(m_session, &InspectSession::refreshed, this, &InspectWorkspace::onRefreshed);
    connect(m_session, &InspectSession::asOfChanged, this, [this] {
        reloadItemViews();
        if (!m_session->currentId().isEmpty()) m_detail->showItem(m_session->currentId());
    });
    connect(m_session, &InspectSession::viewAsChanged, this, &InspectWorkspace::reloadItemViews);
}

bool InspectWorkspace::isBusy() const {
    return m_session->isBusy() || m_model->isCounting() || m_map->isBusy() || m_graph->isBusy() || m_timeline->isBusy() ||
           m_retrieval->isBusy() || m_access->isBusy() || m_tree->isBusy() || m_detail->isBusy();
}

void InspectWorkspace::chooseStore() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Agent Memory Store"), {},
        tr("Agent memory stores (*.db *.sqlite *.sqlite3 *.mnemem *.jsonl *.json);;All files (*)"));
    if (!path.isEmpty()) openStore(path);
}

void InspectWorkspace::chooseStoreDirectory() {
    const QString path = QFileDialog::getExistingDirectory(this, tr("Open Agent Memory Store Directory"));
    if (!path.isEmpty()) openStore(path);
}

namespace {
const char *kRecentDatabases = "inspect/recentDatabases";
}

void InspectWorkspace::chooseDatabase() {
    bool ok = false;
    const QString text = QInputDialog::getItem(
        this, tr("Open Database"),
        tr("PostgreSQL connection string: postgresql://USER@HOST:PORT/DATABASE, or key=value pairs.\n"
           "A LangGraph checkpointer or store, or a Letta server; add #checkpointer, #store or #letta to pick one.\n"
           "Inspect reads in read-only transactions. Keep passwords in ~/.pgpass or a service file (PGSERVICE):\n"
           "the recent list below never stores them."),
        QSettings().value(kRecentDatabases).toStringList(), 0, /*editable=*/true, &ok);
    if (ok && !text.trimmed().isEmpty()) openStore(text.trimmed());
}

// After a database opened: its connection string, as the store shows it (without a password), heads the recent list.
void InspectWorkspace::rememberDatabase() {
    const auto *store = m_session->store();
    if (!store || !AgentStore::isConnectionString(m_session->path().toStdString())) return;
    QStringList recent = QSettings().value(kRecentDatabases).toStringList();
    const QString shown = QString::fromStdString(store->path());
    recent.removeAll(shown);
    recent.prepend(shown);
    QSettings().setValue(kRecentDatabases, recent.mid(0, 8));
}

void InspectWorkspace::openStore(const QString &path) { m_session->open(path); }

void InspectWorkspace::focusSearch() {
    m_search->setFocus();
    m_search->selectAll();
}

void InspectWorkspace::showTitle() {
    const StoreSummary &s = m_session->summary();
    m_title->setText(tr("<b>%1</b>%2 · %3 · %4 items · %5 events%6")
                         .arg(QString::fromStdString(s.kind))
                         .arg(s.variant.empty() ? QString() : " (" + QString::fromStdString(s.variant) + ")")
                         .arg(QString::fromStdString(s.path).toHtmlEscaped())
                         .arg(s.items)
                         .arg(s.events)
                         .arg(s.embeddings ? tr(" · %1 × %2-dim embeddings").arg(s.embeddings).arg(s.embeddingDim) : QString()));
}

void InspectWorkspace::onOpened() {
    const StoreSummary &s = m_session->summary();
    showTitle();
    QStringList notes;
    for (const auto &n : s.notes) notes << QString::fromStdString(n);
    m_storeNotes = notes.isEmpty() ? tr("read-only: nothing is written to the store")
                                   : tr("read-only · note: %1").arg(notes.join("; "));
    m_status->setStyleSheet("color: gray");
    m_status->setText(m_storeNotes);
    m_live->setText(tr("● live"));
    m_live->setToolTip(tr("Changes to the store's files show within a second"));
    m_live->setStyleSheet("color: #2e7d32");
    m_search->clear();
    fillFilterCombos();
    m_model->setFilter({});
    m_map->reload();
    m_graph->reload();
    m_tree->reload();
    m_access->reload();
    m_retrieval->reload();
    m_timeline->reload();
    m_tabs->setCurrentWidget(viewWithContent(s));
    m_detail->showMessage(tr("<p style='color:#888'>Select an item to see its history, relations, provenance and who "
                             "may read it.</p>"));
}

// The first view this store can fill, so that it does not open on an empty one (a LangGraph checkpointer keeps no
// embeddings): the map where there are vectors, else the fork tree of a checkpointer, else the relations, else the
// tree, which groups any items. The timeline below is always shown.
QWidget *InspectWorkspace::viewWithContent(const StoreSummary &summary) const {
    if (summary.embeddings > 0) return m_map;
    if (summary.checkpoints > 0) return m_tree;
    if (summary.relations > 0) return m_graph;
    if (summary.items > 0) return m_tree;
    return m_map; // nothing to show anywhere: the map says why
}

void InspectWorkspace::onRefreshed(int newEvents) {
    m_live->setText(tr("● live · +%1 events at %2").arg(newEvents).arg(QTime::currentTime().toString("HH:mm:ss")));
    showTitle(); // its counts are the refreshed summary's
    const QString current = m_session->currentId();
    m_model->reload();
    m_map->reload();
    m_graph->reload();
    m_timeline->reload();
    m_retrieval->reload();
    if (!current.isEmpty()) m_detail->showItem(current);
}

void InspectWorkspace::fillFilterCombos() {
    auto fill = [this](QComboBox *box, const std::vector<std::pair<std::string, int64_t>> &groups, const QString &all) {
        const QString previous = box->currentData().toString();
        box->clear();
        box->addItem(all, QString());
        if (m_session->isOpen()) {
            for (const auto &[value, count] : groups) {
                if (value.empty() || box->count() > 500) continue;
                box->addItem(QString("%1 (%2)").arg(QString::fromStdString(value)).arg(count), QString::fromStdString(value));
            }
        }
        int index = box->findData(previous);
        box->setCurrentIndex(index >= 0 ? index : 0);
        box->setEnabled(box->count() > 1);
    };
    fill(m_user, m_session->facets().users, tr("All users"));
    fill(m_agent, m_session->facets().agents, tr("All agents"));
    fill(m_kind, m_session->facets().kinds, tr("All kinds"));
}

void InspectWorkspace::applyFilters() {
    ItemFilter f;
    f.text = m_search->text().toStdString();
    f.userId = m_user->currentData().toString().toStdString();
    f.agentId = m_agent->currentData().toString().toStdString();
    f.kind = m_kind->currentData().toString().toStdString();
    f.includeDeleted = m_deleted->isChecked();
    m_model->setFilter(f);
}

void InspectWorkspace::reloadItemViews() {
    m_model->reload();
    m_tree->reload();
}

void InspectWorkspace::showCount(qint64 total) {
    if (!m_model->lastError().isEmpty()) {
        m_status->setText(m_model->lastError());
        m_status->setStyleSheet("color: #c62828");
        return;
    }
    if (!m_session->isOpen() || total < 0) return;
    if (const int row = m_model->rowOf(m_session->currentId()); row >= 0) { // it was chosen before its page came
        QSignalBlocker block(m_table->selectionModel());
        m_table->selectRow(row);
    }
    QStringList parts{tr("%1 items").arg(total)};
    if (!m_search->text().isEmpty()) parts[0] = tr("%1 matching “%2”").arg(total).arg(m_search->text());
    if (m_session->asOfUs()) parts << tr("as of %1").arg(formatTime(*m_session->asOfUs()));
    if (!m_session->viewAs().isEmpty()) parts << tr("as seen by %1").arg(m_session->viewAs());
    parts << m_storeNotes;
    m_status->setStyleSheet("color: gray");
    m_status->setText(parts.join(" · "));
}

} // namespace mnemo::ui
