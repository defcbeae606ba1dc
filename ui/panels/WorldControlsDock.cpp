#include "WorldControlsDock.hpp"

#include "ParamForm.hpp"
#include "../workspaces/WorldWorkspace.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace mnemo::ui {

WorldControlsDock::WorldControlsDock(WorldWorkspace &world, QWidget *parent)
    : QDockWidget(tr("World"), parent), m_world(world), m_modules(new QComboBox), m_form(new ParamForm),
      m_pause(new QPushButton(tr("Pause"))), m_seed(new QSpinBox), m_note(new QLabel) {
    setObjectName("worldControlsDock");
    auto *body = new QWidget(this);
    auto *v = new QVBoxLayout(body);
    m_modules->setObjectName("moduleCombo");
    m_modules->setToolTip(tr("The world module that generates the frames"));
    v->addWidget(m_modules);
    v->addWidget(m_form);
    auto *row = new QHBoxLayout;
    m_pause->setObjectName("pauseButton");
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Pause or resume generation (Ctrl+P)"));
    auto *resetButton = new QPushButton(tr("Reset"));
    resetButton->setToolTip(tr("Back to the start pose, with the seed on the right (Ctrl+R)"));
    m_seed->setRange(0, 1 << 30);
    m_seed->setValue(1);
    m_seed->setPrefix(tr("seed "));
    row->addWidget(m_pause);
    row->addWidget(resetButton);
    row->addWidget(m_seed, 1);
    v->addLayout(row);
    m_note->setWordWrap(true);
    m_note->setObjectName("worldControlsNote");
    v->addWidget(m_note);
    v->addStretch(1);
    setWidget(body);

    connect(m_pause, &QPushButton::toggled, this, [this](bool paused) {
        m_world.setPaused(paused);
        m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    });
    connect(resetButton, &QPushButton::clicked, this, &WorldControlsDock::reset);
    connect(m_form, &ParamForm::valueChanged, this, &WorldControlsDock::onParamChanged);
    connect(&m_world, &WorldWorkspace::environmentReady, this, &WorldControlsDock::populate);
    m_note->setText(tr("Loading modules..."));
}

void WorldControlsDock::populate() {
    const QSignalBlocker block(m_modules);
    m_modules->clear();
    for (const auto &m : m_world.environment()->registry->loaded()) {
        if (m.kind != modules::ModuleKind::World) continue;
        m_modules->addItem(QString::fromStdString(m.name + " " + m.version), QString::fromStdString(m.id));
        m_modules->setItemData(m_modules->count() - 1, QString::fromStdString(m.description), Qt::ToolTipRole);
    }
    const int current = m_modules->findData(QString::fromStdString(m_world.worldConfig().moduleId));
    m_modules->setCurrentIndex(current);
    connect(m_modules, &QComboBox::currentIndexChanged, this, &WorldControlsDock::onModuleChosen,
            Qt::UniqueConnection);
    if (const auto *m = m_world.environment()->registry->find(m_world.worldConfig().moduleId)) {
        m_form->setParams(m->params);
        m_note->setText(QString::fromStdString(m->description));
    } else {
        m_note->setText(tr("The default world module '%1' is not loaded: see the Plugins panel.")
                            .arg(QString::fromStdString(m_world.worldConfig().moduleId)));
    }
}

void WorldControlsDock::onModuleChosen(int index) {
    const QString id = m_modules->itemData(index).toString();
    const auto *m = m_world.environment()->registry->find(id.toStdString());
    if (!m) return;
    m_form->setParams(m->params);
    m_note->setText(QString::fromStdString(m->description));
    m_world.startWorld(id, {});
}

void WorldControlsDock::onParamChanged(const QString &name, double value, bool loadTime) {
    if (loadTime) {
        // Load-time parameters only take effect in a new instance.
        m_world.startWorld(m_modules->currentData().toString(), m_form->values());
    } else if (m_world.pipeline()) {
        m_world.pipeline()->setParam(name.toStdString(), value);
    }
}

void WorldControlsDock::togglePause() { m_pause->toggle(); }

void WorldControlsDock::reset() { m_world.resetWorld(quint64(m_seed->value())); }

} // namespace mnemo::ui
