#include "PluginsDock.hpp"

#include "RemoteEngineDialog.hpp"
#include "WorldSession.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <filesystem>

namespace mnemo::ui {

namespace {
constexpr int kRunsColumn = 1;
}

PluginsDock::PluginsDock(WorldSession &world, QWidget *parent)
    : QDockWidget(tr("Plugins"), parent), m_world(world), m_tree(new QTreeWidget(this)) {
    setObjectName("pluginsDock");
    auto *panel = new QWidget(this);
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    m_tree->setObjectName("pluginsTree");
    m_tree->setColumnCount(4);
    m_tree->setHeaderLabels({tr("Module"), tr("Isolated"), tr("Details"), tr("File")});
    m_tree->headerItem()->setToolTip(kRunsColumn, tr("Checked: each instance runs in its own process, so a crash or a "
                                                     "hang is an error, not the end of Mnemo (a little slower)"));
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->setRootIsDecorated(true);
    layout->addWidget(m_tree, 1);
    auto *form = new QFormLayout;
    m_deadline = new QSpinBox(panel);
    m_deadline->setObjectName("pluginsDeadline");
    m_deadline->setRange(100, 600000);
    m_deadline->setSingleStep(500);
    m_deadline->setSuffix(tr(" ms"));
    m_deadline->setValue(int(modules::Isolation{}.deadlineMs));
    m_deadline->setToolTip(tr("An isolated module that does not answer a call this long is stopped (a hang)"));
    // The remote button shares the deadline's row: the dock is tabbed under the viewport, and a row more would push
    // the window past a 1280x800 screen.
    auto *deadlineRow = new QHBoxLayout;
    deadlineRow->addWidget(m_deadline);
    deadlineRow->addStretch(1);
    auto *remote = new QPushButton(tr("Connect remote engine..."), panel);
    remote->setObjectName("pluginsRemoteButton");
    remote->setToolTip(tr("Add a world or edit module served over the network (ws://HOST:PORT and a token)"));
    deadlineRow->addWidget(remote);
    form->addRow(tr("Isolated call deadline"), deadlineRow);
    m_onFailure = new QComboBox(panel);
    m_onFailure->setObjectName("pluginsOnFailure");
    m_onFailure->addItem(tr("Restart it, go on from the current camera"), true);
    m_onFailure->addItem(tr("Stop the world"), false);
    m_onFailure->setToolTip(tr("What the World does when its module fails a step (from the next start of the world)"));
    form->addRow(tr("When the world module fails"), m_onFailure);
    layout->addLayout(form);
    setWidget(panel);
    connect(&m_world, &WorldSession::environmentReady, this, &PluginsDock::populate);
    connect(&m_world, &WorldSession::modulesChanged, this, &PluginsDock::populate);
    connect(remote, &QPushButton::clicked, this, [this] { RemoteEngineDialog::connectModule(m_world, this); });
    connect(m_tree, &QTreeWidget::itemChanged, this, &PluginsDock::onItemChanged);
    connect(m_deadline, &QSpinBox::valueChanged, &m_world, &WorldSession::setIsolationDeadlineMs);
    connect(m_onFailure, &QComboBox::currentIndexChanged, this,
            [this] { m_world.setRestartFailedModule(m_onFailure->currentData().toBool()); });
}

void PluginsDock::onItemChanged(QTreeWidgetItem *item, int column) {
    if (m_populating || column != kRunsColumn || !item->parent()) return;
    const QString id = item->data(0, Qt::UserRole).toString();
    if (!id.isEmpty()) m_world.setModuleIsolated(id, item->checkState(kRunsColumn) == Qt::Checked);
}

void PluginsDock::populate() {
    m_populating = true;
    m_tree->clear();
    const auto &registry = *m_world.registry();
    auto *loaded = new QTreeWidgetItem(m_tree, {tr("Loaded (%1)").arg(registry.loaded().size())});
    for (const auto &m : registry.loaded()) {
        auto *item = new QTreeWidgetItem(
            loaded, {QString::fromStdString(m.id), QString(),
                     QString::fromStdString(m.name + " " + m.version + ", " + modules::moduleKindName(m.kind) + ", " +
                                            std::to_string(m.chunkFrames) + " frame(s)/step, " +
                                            std::to_string(m.params.size()) + " parameter(s)"),
                     QString::fromStdString(m.file)});
        item->setData(0, Qt::UserRole, QString::fromStdString(m.id));
        if (m.remote) {
            item->setText(kRunsColumn, tr("remote"));
            item->setToolTip(kRunsColumn, tr("Runs on the server at %1").arg(QString::fromStdString(m.file)));
        } else {
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(kRunsColumn, m_world.moduleIsolated(QString::fromStdString(m.id)) ? Qt::Checked
                                                                                                   : Qt::Unchecked);
        }
        item->setToolTip(2, QString::fromStdString(m.description));
    }
    auto *refused = new QTreeWidgetItem(m_tree, {tr("Refused (%1)").arg(registry.refused().size())});
    for (const auto &r : registry.refused()) {
        auto *item = new QTreeWidgetItem(refused, {QString::fromStdString(std::filesystem::path(r.file).filename()),
                                                   QString(), QString::fromStdString(r.reason),
                                                   QString::fromStdString(r.file)});
        item->setForeground(2, QColor(200, 60, 50));
        item->setToolTip(2, QString::fromStdString(r.reason));
    }
    m_tree->expandAll();
    m_populating = false;
}

} // namespace mnemo::ui
