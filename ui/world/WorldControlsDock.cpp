#include "WorldControlsDock.hpp"

#include "common/ScrollingBody.hpp"

#include "common/ParamForm.hpp"
#include "RemoteEngineDialog.hpp"
#include "WorldSession.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace mnemo::ui {

WorldControlsDock::WorldControlsDock(WorldSession &world, QWidget *parent)
    : QDockWidget(tr("World"), parent), m_world(world), m_modules(new QComboBox), m_form(new ParamForm),
      m_pause(new QPushButton(tr("Pause"))), m_seed(new QSpinBox), m_note(new QLabel) {
    setObjectName("worldControlsDock");
    auto *body = new QWidget(this);
    auto *v = new QVBoxLayout(body);
    m_modules->setObjectName("moduleCombo");
    m_modules->setToolTip(tr("The world module that generates the frames"));
    // Long names (a remote module's ID@HOST:PORT) elide instead of widening the dock past the window.
    m_modules->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_modules->setMinimumContentsLength(14);
    // The button comes first: a dock narrower than its form (1280x800) cuts the right edge, never the left.
    auto *moduleRow = new QHBoxLayout;
    auto *remote = new QToolButton; // no taller than the combo: the dock's height is budgeted for 1280x800
    remote->setText(tr("ws://"));
    remote->setObjectName("worldRemoteButton");
    remote->setToolTip(tr("Remote engine: connect a world module served over the network (ws://HOST:PORT and a "
                          "token)"));
    moduleRow->addWidget(remote);
    moduleRow->addWidget(m_modules, 1);
    v->addLayout(moduleRow);
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
    v->addLayout(makeOutputRow());
    m_note->setWordWrap(true);
    m_note->setObjectName("worldControlsNote");
    v->addWidget(m_note);
    v->addWidget(makeMemoryControls());
    v->addStretch(1);
    setWidget(scrollingBody(body, this));

    connect(m_pause, &QPushButton::toggled, this, [this](bool paused) {
        m_world.setPaused(paused);
        m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    });
    connect(resetButton, &QPushButton::clicked, this, &WorldControlsDock::reset);
    connect(m_form, &ParamForm::valueChanged, this, &WorldControlsDock::onParamChanged);
    connect(&m_world, &WorldSession::environmentReady, this, &WorldControlsDock::populate);
    connect(&m_world, &WorldSession::modulesChanged, this, &WorldControlsDock::populate);
    connect(remote, &QToolButton::clicked, this, &WorldControlsDock::connectRemote);
    connect(&m_world, &WorldSession::worldStarted, this, &WorldControlsDock::followWorld);
    m_note->setText(tr("Loading modules..."));
}

void WorldControlsDock::populate() {
    const QSignalBlocker block(m_modules);
    m_modules->clear();
    for (const auto &m : m_world.registry()->loaded()) {
        if (m.kind != modules::ModuleKind::World) continue;
        const std::string where = m.remote ? "  @" + m.remote->host + ":" + m.remote->port : "";
        m_modules->addItem(QString::fromStdString(m.name + " " + m.version + where), QString::fromStdString(m.id));
        m_modules->setItemData(m_modules->count() - 1, QString::fromStdString(m.description), Qt::ToolTipRole);
    }
    const int current = m_modules->findData(QString::fromStdString(m_world.config().moduleId));
    m_modules->setCurrentIndex(current);
    connect(m_modules, &QComboBox::currentIndexChanged, this, &WorldControlsDock::onModuleChosen,
            Qt::UniqueConnection);
    if (const auto *m = m_world.registry()->find(m_world.config().moduleId)) {
        const QSignalBlocker blockForm(m_form);
        m_form->setParams(m->params);
        // populate() also runs when a remote module is added: the running world's values stay in the form.
        for (const auto &[name, value] : m_world.config().params) m_form->setValue(QString::fromStdString(name), value);
        m_note->setText(QString::fromStdString(m->description));
    } else {
        m_note->setText(tr("The default world module '%1' is not loaded: see the Plugins panel.")
                            .arg(QString::fromStdString(m_world.config().moduleId)));
    }
}

// A world started from elsewhere (a menu, a restored memory bank, a test): the dock shows its module and values.
void WorldControlsDock::followWorld() {
    const QString id = QString::fromStdString(m_world.config().moduleId);
    if (!m_world.registry() || m_modules->currentData().toString() == id) return;
    const auto *m = m_world.registry()->find(id.toStdString());
    if (!m) return;
    const QSignalBlocker blockModules(m_modules), blockForm(m_form);
    m_modules->setCurrentIndex(m_modules->findData(id));
    m_form->setParams(m->params);
    for (const auto &[name, value] : m_world.config().params) m_form->setValue(QString::fromStdString(name), value);
    m_note->setText(QString::fromStdString(m->description));
}

// A remote world module, once connected, is chosen at once: that is why the user connected it.
void WorldControlsDock::connectRemote() {
    const QString id = RemoteEngineDialog::connectModule(m_world, this);
    if (id.isEmpty()) return;
    const int index = m_modules->findData(id);
    if (index < 0) {
        m_note->setText(tr("'%1' is an edit module: it is in Edit's \"Add module\" menu.").arg(id));
        return;
    }
    m_modules->setCurrentIndex(index); // onModuleChosen starts it
}

void WorldControlsDock::onModuleChosen(int index) {
    const QString id = m_modules->itemData(index).toString();
    const auto *m = m_world.registry()->find(id.toStdString());
    if (!m) return;
    m_form->setParams(m->params);
    m_note->setText(QString::fromStdString(m->description));
    m_world.startWorld(id, {});
}

void WorldControlsDock::onParamChanged(const QString &name, double value, bool loadTime) {
    if (loadTime) {
        // Load-time parameters only take effect in a new instance.
        m_world.startWorld(m_modules->currentData().toString(), m_form->values());
    } else {
        m_world.setParam(name, value);
    }
}

// Frames shown per world frame: frame-interpolate (RIFE) after the world module, for a world slower than the display.
QLayout *WorldControlsDock::makeOutputRow() {
    auto *row = new QHBoxLayout;
    m_interpolation = new QComboBox;
    m_interpolation->setObjectName("interpolationCombo");
    m_interpolation->addItem(tr("as generated"), 1);
    for (int n : {2, 3, 4}) m_interpolation->addItem(tr("×%1, interpolated (RIFE)").arg(n), n);
    m_interpolation->setToolTip(tr("Show N frames per world frame: frame-interpolate (RIFE v4.6, weights from "
                                   "tools/nn-models.sh) makes the ones in between, from the frame before; recordings "
                                   "keep them apart (between.mkv). Restarts the world."));
    row->addWidget(new QLabel(tr("Output")));
    row->addWidget(m_interpolation, 1);
    connect(m_interpolation, &QComboBox::currentIndexChanged, this,
            [this] { m_world.setOutputInterpolation(m_interpolation->currentData().toInt()); });
    return row;
}

QWidget *WorldControlsDock::makeMemoryControls() {
    auto *box = new QGroupBox(tr("Memory retrieval"), this);
    auto *form = new QFormLayout(box);
    m_retrieval = new QComboBox(box);
    m_retrieval->setObjectName("retrievalCombo");
    m_retrieval->addItem(tr("WorldMem (greedy FOV overlap)"), "worldmem");
    m_retrieval->addItem(tr("Matrix-Game 3.0 (frustum grid)"), "matrixgame");
    m_retrieval->setToolTip(tr("How memory frames are chosen for the frame being generated"));
    m_picks = new QSpinBox(box);
    m_picks->setObjectName("retrievalPicks");
    m_picks->setRange(1, 32);
    m_picks->setValue(8);
    m_picks->setToolTip(tr("WorldMem: how many memory frames the greedy selection may pick"));
    form->addRow(tr("Algorithm"), m_retrieval);
    form->addRow(tr("Picks (K)"), m_picks);
    connect(m_retrieval, &QComboBox::currentIndexChanged, this, &WorldControlsDock::applyRetrieval);
    connect(m_picks, &QSpinBox::valueChanged, this, &WorldControlsDock::applyRetrieval);
    return box;
}

void WorldControlsDock::applyRetrieval() {
    memory::RetrievalParams params = m_retrieval->currentData().toString() == "matrixgame"
                                         ? memory::RetrievalParams::matrixGame()
                                         : memory::RetrievalParams::worldMem();
    params.k = uint32_t(m_picks->value());
    m_picks->setEnabled(params.algorithm == memory::RetrievalAlgorithm::WorldMem);
    m_world.setRetrieval(params);
}

void WorldControlsDock::togglePause() { m_pause->toggle(); }

void WorldControlsDock::reset() { m_world.resetWorld(quint64(m_seed->value())); }

} // namespace mnemo::ui
