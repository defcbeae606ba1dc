#pragma once
// Which engine modules loaded (id, version, kind, file) and which were refused, with the reason.

#include <QDockWidget>

class QTreeWidget;

namespace mnemo::ui {

class WorldSession;

class PluginsDock : public QDockWidget {
    Q_OBJECT
public:
    PluginsDock(WorldSession &world, QWidget *parent = nullptr);
    QTreeWidget *tree() const { return m_tree; }

private:
    void populate();
    WorldSession &m_world;
    QTreeWidget *m_tree;
};

} // namespace mnemo::ui
