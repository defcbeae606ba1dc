#include "PluginsDock.hpp"

#include "WorldSession.hpp"

#include <QHeaderView>
#include <QTreeWidget>

#include <filesystem>

namespace mnemo::ui {

PluginsDock::PluginsDock(WorldSession &world, QWidget *parent)
    : QDockWidget(tr("Plugins"), parent), m_world(world), m_tree(new QTreeWidget(this)) {
    setObjectName("pluginsDock");
    m_tree->setObjectName("pluginsTree");
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({tr("Module"), tr("Details"), tr("File")});
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->setRootIsDecorated(true);
    setWidget(m_tree);
    connect(&m_world, &WorldSession::environmentReady, this, &PluginsDock::populate);
}

void PluginsDock::populate() {
    m_tree->clear();
    const auto &registry = *m_world.registry();
    auto *loaded = new QTreeWidgetItem(m_tree, {tr("Loaded (%1)").arg(registry.loaded().size())});
    for (const auto &m : registry.loaded()) {
        auto *item = new QTreeWidgetItem(
            loaded, {QString::fromStdString(m.id),
                     QString::fromStdString(m.name + " " + m.version + ", " + modules::moduleKindName(m.kind) + ", " +
                                            std::to_string(m.chunkFrames) + " frame(s)/step, " +
                                            std::to_string(m.params.size()) + " parameter(s)"),
                     QString::fromStdString(m.file)});
        item->setToolTip(1, QString::fromStdString(m.description));
    }
    auto *refused = new QTreeWidgetItem(m_tree, {tr("Refused (%1)").arg(registry.refused().size())});
    for (const auto &r : registry.refused()) {
        auto *item = new QTreeWidgetItem(refused, {QString::fromStdString(std::filesystem::path(r.file).filename()),
                                                   QString::fromStdString(r.reason), QString::fromStdString(r.file)});
        item->setForeground(1, QColor(200, 60, 50));
        item->setToolTip(1, QString::fromStdString(r.reason));
    }
    m_tree->expandAll();
}

} // namespace mnemo::ui
