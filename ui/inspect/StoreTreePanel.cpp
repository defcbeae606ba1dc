#include "StoreTreePanel.hpp"

#include "InspectSession.hpp"
#include "ItemTableModel.hpp"

#include "mnemo/core/Guard.hpp"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace mnemo::ui {

using namespace agentmem;

namespace {
constexpr int kIdRole = Qt::UserRole;       // item id (empty for a group node)
constexpr int kGroupRole = Qt::UserRole + 1; // group value for group nodes
constexpr int kLoadedRole = Qt::UserRole + 2;
constexpr int kChildLimit = 500;
const char *const kFields[] = {"", "user_id", "agent_id", "tier", "thread_id", "kind"};
} // namespace

StoreTreePanel::StoreTreePanel(InspectSession &session, QWidget *parent) : QWidget(parent), m_session(session) {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Tree:"), this));
    m_groupBy = new QComboBox(this);
    m_groupBy->setObjectName("treeGroupBy");
    m_groupBy->addItems({tr("Hierarchy (parent links)"), tr("By user"), tr("By agent / app"), tr("By tier / namespace"),
                         tr("By thread"), tr("By kind")});
    bar->addWidget(m_groupBy);
    bar->addStretch();
    layout->addLayout(bar);
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName("inspectTree");
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({tr("Item"), tr("Kind"), tr("Created")});
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->setUniformRowHeights(true);
    layout->addWidget(m_tree);

    connect(m_groupBy, &QComboBox::currentIndexChanged, this, &StoreTreePanel::reload);
    connect(m_tree, &QTreeWidget::itemExpanded, this, &StoreTreePanel::expand);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *node) {
        if (node && !node->data(0, kIdRole).toString().isEmpty()) m_session.setCurrent(node->data(0, kIdRole).toString());
    });
    connect(&m_session, &InspectSession::currentChanged, this, &StoreTreePanel::selectCurrent);
}

void StoreTreePanel::reload() {
    m_job.cancel(); // a grouping still counting, or children still read, belong to the previous choice
    m_childJob.cancel();
    m_waiting = nullptr;
    m_tree->clear();
    if (!m_session.store()) return;
    const int mode = m_groupBy->currentIndex();
    if (mode == 0) {
        showRoots();
        return;
    }
    // Grouping counts every item: on a worker; the nodes appear when it is done.
    std::shared_ptr<AgentStore> reader(m_session.openReader());
    if (!reader) return;
    new QTreeWidgetItem(m_tree, {tr("counting…")});
    const std::string field = kFields[mode];
    const ItemFilter filter = m_session.baseFilter();
    m_job.run(
        [reader, field, filter](const auto &) {
            faultPoint("ui.inspect.tree");
            Grouping grouping;
            auto groups = reader->groupCounts(field, filter);
            if (groups.ok()) grouping.groups = std::move(groups.value());
            else grouping.error = QString::fromStdString(groups.message());
            return grouping;
        },
        [this](Grouping &&grouping) { showGroups(grouping); },
        [this](const QString &message) { showGroups(Grouping{{}, message}); });
}

void StoreTreePanel::showRoots() { readChildren(nullptr); }

void StoreTreePanel::showGroups(const Grouping &grouping) {
    m_tree->clear();
    if (!grouping.error.isEmpty()) {
        // In place of "counting…", so the tree says why it stays empty.
        auto *node = new QTreeWidgetItem(m_tree, {tr("Cannot group: %1").arg(grouping.error)});
        node->setToolTip(0, grouping.error);
        return;
    }
    for (const auto &[value, count] : grouping.groups) {
        QString label = value.empty() ? tr("(none)") : QString::fromStdString(value);
        auto *node = new QTreeWidgetItem(m_tree, {tr("%1 (%2)").arg(label).arg(count), tr("group"), {}});
        node->setData(0, kGroupRole, QString::fromStdString(value));
        node->setChildIndicatorPolicy(QTreeWidgetItem::ShowIndicator);
        QFont f = node->font(0);
        f.setBold(true);
        node->setFont(0, f);
    }
}

void StoreTreePanel::expand(QTreeWidgetItem *node) {
    if (!m_session.store() || node->data(0, kLoadedRole).toBool()) return;
    node->setData(0, kLoadedRole, true);
    readChildren(node);
}

// What a node's children are: the items whose parent it is, or the items of its group. (The roots' for null.)
std::function<Result<std::vector<MemoryItem>>(const AgentStore &)>
StoreTreePanel::childQuery(QTreeWidgetItem *node) const {
    const std::string id = node ? node->data(0, kIdRole).toString().toStdString() : std::string();
    if (!node || !id.empty()) return [id](const AgentStore &store) { return store.children(id, kChildLimit); };
    ItemFilter f = m_session.baseFilter();
    const std::string value = node->data(0, kGroupRole).toString().toStdString();
    switch (m_groupBy->currentIndex()) {
    case 1: f.userId = value; break;
    case 2: f.agentId = value; break;
    case 3: f.tier = value; break;
    case 4: f.threadId = value; break;
    case 5: f.kind = value; break;
    }
    return [f](const AgentStore &store) { return store.items(f, 0, kChildLimit); };
}

// Read on a worker (a database may be across a network), one node at a time: expanding another node first folds
// the waiting one back, to be read when it is expanded again.
void StoreTreePanel::readChildren(QTreeWidgetItem *node) {
    if (m_waiting && m_waiting != node) {
        qDeleteAll(m_waiting->takeChildren());
        m_waiting->setData(0, kLoadedRole, false);
        m_waiting->setExpanded(false);
    }
    m_waiting = node;
    std::shared_ptr<AgentStore> reader = m_session.openReader();
    if (!reader) return;
    const QStringList reading{tr("reading…")};
    if (node) new QTreeWidgetItem(node, reading);
    else new QTreeWidgetItem(m_tree, reading);
    m_childJob.run(
        [reader, query = childQuery(node)](const auto &) {
            faultPoint("ui.inspect.tree-children");
            Children out;
            auto kids = query(*reader);
            if (kids.ok()) out.items = std::move(kids.value());
            else out.error = QString::fromStdString(kids.message());
            return out;
        },
        [this, node](Children &&kids) { showChildren(node, kids); },
        [this, node](const QString &message) { showChildren(node, Children{{}, message}); });
}

void StoreTreePanel::showChildren(QTreeWidgetItem *node, const Children &kids) {
    m_waiting = nullptr;
    if (node) qDeleteAll(node->takeChildren()); // the "reading…" line
    else m_tree->clear();
    auto add = [&](const QStringList &columns) {
        return node ? new QTreeWidgetItem(node, columns) : new QTreeWidgetItem(m_tree, columns);
    };
    if (!kids.error.isEmpty()) {
        add({tr("Cannot read: %1").arg(kids.error)})->setToolTip(0, kids.error);
        return;
    }
    for (const MemoryItem &it : kids.items) {
        auto *child = add({QString::fromStdString(it.text).simplified().left(120), QString::fromStdString(it.kind),
                           formatTime(it.createdUs)});
        child->setData(0, kIdRole, QString::fromStdString(it.id));
        if (m_groupBy->currentIndex() == 0) child->setChildIndicatorPolicy(QTreeWidgetItem::ShowIndicator);
        child->setToolTip(0, QString::fromStdString(it.text).left(1000));
    }
    if (node && kids.items.empty()) node->setChildIndicatorPolicy(QTreeWidgetItem::DontShowIndicator);
    if (int(kids.items.size()) == kChildLimit) {
        add({tr("… first %1 shown; use the table's filters for the rest").arg(kChildLimit)});
    }
    if (!m_session.currentId().isEmpty()) selectCurrent(m_session.currentId());
}

void StoreTreePanel::selectCurrent(const QString &id) {
    // Only among nodes already read: selecting must not expand a million-node tree.
    auto found = m_tree->findItems(QStringLiteral("*"), Qt::MatchWildcard | Qt::MatchRecursive);
    for (QTreeWidgetItem *node : found) {
        if (node->data(0, kIdRole).toString() == id) {
            QSignalBlocker block(m_tree);
            m_tree->setCurrentItem(node);
            m_tree->scrollToItem(node);
            return;
        }
    }
}

} // namespace mnemo::ui
