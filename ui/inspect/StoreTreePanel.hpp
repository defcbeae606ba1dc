#pragma once
// The tree view: the store's hierarchy (parent links: LangGraph checkpoint lineage and namespaces, MemForest-style
// time-ordered trees, Letta block lineage) or the items grouped by user, agent, tier/namespace or thread. Children
// are read when a node is expanded, so a large store opens at once.

#include <QWidget>

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

private:
    void expand(QTreeWidgetItem *node);
    void selectCurrent(const QString &id);

    InspectSession &m_session;
    QComboBox *m_groupBy;
    QTreeWidget *m_tree;
};

} // namespace mnemo::ui
