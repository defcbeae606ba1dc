#pragma once
// The tree view: the store's hierarchy (parent links: LangGraph checkpoint lineage and namespaces, MemForest-style
// time-ordered trees, Letta block lineage) or the items grouped by user, agent, tier/namespace or thread. Children
// are read when a node is expanded, so a large store opens at once.

#include "common/LatestJob.hpp"

#include "mnemo/agentmem/AgentStore.hpp"

#include <QWidget>

#include <functional>
#include <string>
#include <vector>

class QComboBox;
class QTreeWidget;
class QTreeWidgetItem;

namespace mnemo::ui {

class InspectSession;

class StoreTreePanel : public QWidget {
    Q_OBJECT
public:
    explicit StoreTreePanel(InspectSession &session, QWidget *parent = nullptr);
    void reload();
    QTreeWidget *tree() const { return m_tree; }
    bool isBusy() const { return m_job.busy() || m_childJob.busy(); }

private:
    // What the grouping worker hands back: (value, count) per group, or why there are none.
    struct Grouping {
        std::vector<std::pair<std::string, int64_t>> groups;
        QString error;
    };

    // What a children worker hands back: the items, or why there are none.
    struct Children {
        std::vector<agentmem::MemoryItem> items;
        QString error;
    };

    void showRoots();
    void expand(QTreeWidgetItem *node);
    std::function<Result<std::vector<agentmem::MemoryItem>>(const agentmem::AgentStore &)>
    childQuery(QTreeWidgetItem *node) const;
    void readChildren(QTreeWidgetItem *node); // null: the roots
    void showChildren(QTreeWidgetItem *node, const Children &kids);
    void selectCurrent(const QString &id);
    void showGroups(const Grouping &grouping);

    InspectSession &m_session;
    QComboBox *m_groupBy;
    QTreeWidget *m_tree;
    LatestJob<Grouping> m_job{this, "grouping the items"};
    LatestJob<Children> m_childJob{this, "reading the tree"};
    QTreeWidgetItem *m_waiting = nullptr; // the node whose children are being read
};

} // namespace mnemo::ui
