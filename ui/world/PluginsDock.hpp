#pragma once
// Which engine modules loaded (id, version, kind, file) and which were refused, with the reason; and where each runs:
// in Mnemo's process, or isolated in its own (a check box per module), with the deadline for isolated calls and what
// the World does when its module fails.

#include <QDockWidget>

class QComboBox;
class QSpinBox;
class QTreeWidget;
class QTreeWidgetItem;

namespace mnemo::ui {

class WorldSession;

class PluginsDock : public QDockWidget {
    Q_OBJECT
public:
    PluginsDock(WorldSession &world, QWidget *parent = nullptr);
    QTreeWidget *tree() const { return m_tree; }

private:
    void populate();
    void onItemChanged(QTreeWidgetItem *item, int column);
    WorldSession &m_world;
    QTreeWidget *m_tree;
    QSpinBox *m_deadline;
    QComboBox *m_onFailure;
    bool m_populating = false;
};

} // namespace mnemo::ui
