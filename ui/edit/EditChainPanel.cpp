#include "edit/EditChainPanel.hpp"

#include "common/ParamForm.hpp"
#include "edit/EditTimeline.hpp"

#include <QLabel>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMenu>
#include <QPixmap>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace mnemo::ui {
namespace {

QToolButton *tool(const QString &text, const QString &tip, QWidget *parent) {
    auto *b = new QToolButton(parent);
    b->setText(text);
    b->setToolTip(tip);
    return b;
}

QIcon swatch(const QColor &color) {
    QPixmap pixmap(10, 10);
    pixmap.fill(color);
    return QIcon(pixmap);
}

} // namespace

EditChainPanel::EditChainPanel(EditSession &session, QWidget *parent) : QWidget(parent), m_session(session) {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("<b>Chain</b> — source first, output last"), this);
    layout->addWidget(title);
    m_list = new QListWidget(this);
    m_list->setObjectName("editChainList");
    m_list->setToolTip(tr("Unchecked links are bypassed. Frames flow top to bottom."));
    m_list->setMaximumHeight(150);
    layout->addWidget(m_list);
    auto *buttons = new QHBoxLayout;
    m_add = tool(tr("+ Add"), tr("Add an edit module at the end of the chain"), this);
    m_add->setPopupMode(QToolButton::InstantPopup);
    m_add->setMenu(new QMenu(m_add));
    m_remove = tool(tr("Remove"), tr("Remove the selected link (Delete)"), this);
    m_up = tool(tr("↑"), tr("Move the selected link towards the source"), this);
    m_down = tool(tr("↓"), tr("Move the selected link towards the output"), this);
    m_solo = tool(tr("Solo"), tr("Hear only this link: bypass all the others"), this);
    m_solo->setCheckable(true);
    for (QToolButton *b : {m_add, m_remove, m_up, m_down, m_solo}) buttons->addWidget(b);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_formTitle = new QLabel(this);
    layout->addWidget(m_formTitle);
    m_form = new ParamForm(this);
    layout->addWidget(m_form);
    auto *keysRow = new QHBoxLayout;
    m_recordKeys = tool(tr("● Record moves"), tr("Key every parameter move at the frame on screen, so playback and "
                                                 "renders follow it (parameters over time; file sources)"), this);
    m_recordKeys->setObjectName("editRecordKeys");
    m_recordKeys->setCheckable(true);
    m_clearKeys = tool(tr("Clear keys"), tr("Remove the selected link's parameter keys"), this);
    m_keysLabel = new QLabel(this);
    m_keysLabel->setObjectName("editKeysLabel");
    keysRow->addWidget(m_recordKeys);
    keysRow->addWidget(m_clearKeys);
    keysRow->addWidget(m_keysLabel, 1);
    layout->addLayout(keysRow);

    connect(m_add->menu(), &QMenu::aboutToShow, this, &EditChainPanel::fillAddMenu);
    connect(m_remove, &QToolButton::clicked, this, [this] { m_session.removeLink(selectedLink()); });
    connect(m_up, &QToolButton::clicked, this, [this] {
        const int link = selectedLink();
        m_session.moveLink(link, -1);
        selectLink(link - 1);
    });
    connect(m_down, &QToolButton::clicked, this, [this] {
        const int link = selectedLink();
        m_session.moveLink(link, +1);
        selectLink(link + 1);
    });
    connect(m_solo, &QToolButton::toggled, this, [this](bool on) {
        if (!m_rebuilding) m_session.setSolo(on ? selectedLink() : -1);
    });
    connect(m_list, &QListWidget::itemChanged, this, &EditChainPanel::onItemChanged);
    connect(m_list, &QListWidget::currentRowChanged, this, &EditChainPanel::showForm);
    connect(m_form, &ParamForm::valueChanged, this, [this](const QString &name, double value, bool loadTime) {
        m_session.setParam(selectedLink(), name, value, loadTime);
    });
    connect(m_form, &ParamForm::textChanged, this, [this](const QString &name, const QString &text, bool) {
        m_session.setTextParam(selectedLink(), name, text);
    });
    connect(m_recordKeys, &QToolButton::toggled, &m_session, &EditSession::setRecordingKeys);
    connect(m_clearKeys, &QToolButton::clicked, this, [this] { m_session.clearKeys(selectedLink()); });
    connect(&m_session, &EditSession::keysChanged, this, &EditChainPanel::showKeys);
    connect(&m_session, &EditSession::chainChanged, this, &EditChainPanel::rebuild);
    connect(&m_session, &EditSession::cameraPathChanged, this, [this] {
        if (selectedLink() >= 0 && selectedLink() == m_session.cameraLink()) showForm(); // the drag's new values
    });
    connect(&m_session, &EditSession::viewChanged, this, &EditChainPanel::updateTimes);
    rebuild();
}

int EditChainPanel::selectedLink() const { return m_list->currentRow(); }

void EditChainPanel::selectLink(int link) {
    if (link >= 0 && link < m_list->count()) m_list->setCurrentRow(link);
}

QString EditChainPanel::linkText(size_t link, double msPerFrame) const {
    const auto &spec = m_session.chain()[link];
    const auto *module = m_session.findModule(spec.moduleId);
    QString text = module ? QString::fromStdString(module->name) : QString::fromStdString(spec.moduleId);
    if (int(link) == m_session.soloLink()) text += tr("  [solo]");
    if (msPerFrame > 0) text += QStringLiteral("  ·  %1 ms").arg(msPerFrame, 0, 'f', 1);
    return text;
}

void EditChainPanel::rebuild() {
    m_rebuilding = true;
    const auto &chain = m_session.chain();
    // A link was added (it goes at the end): select it, so its form is what the user sees next.
    const bool grew = int(chain.size()) > m_list->count();
    const int keep = grew ? int(chain.size()) - 1 : std::max(0, m_list->currentRow());
    m_list->clear();
    for (size_t i = 0; i < chain.size(); ++i) {
        auto *item = new QListWidgetItem(swatch(EditTimeline::linkColor(i)), linkText(i, 0), m_list);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(chain[i].bypass ? Qt::Unchecked : Qt::Checked);
    }
    if (!chain.empty()) m_list->setCurrentRow(std::min(keep, int(chain.size()) - 1));
    m_solo->setChecked(m_session.soloLink() >= 0);
    m_rebuilding = false;
    showForm();
}

void EditChainPanel::onItemChanged(QListWidgetItem *item) {
    if (m_rebuilding) return;
    m_session.setBypass(m_list->row(item), item->checkState() != Qt::Checked);
}

void EditChainPanel::showForm() {
    const int link = selectedLink();
    const bool valid = link >= 0 && link < int(m_session.chain().size());
    for (QToolButton *b : {m_remove, m_up, m_down, m_solo}) b->setEnabled(valid);
    m_up->setEnabled(valid && link > 0);
    m_down->setEnabled(valid && link + 1 < int(m_session.chain().size()));
    const auto *module = valid ? m_session.findModule(m_session.chain()[size_t(link)].moduleId) : nullptr;
    m_form->blockSignals(true);
    m_form->setParams(module ? module->params : std::vector<modules::ModuleParam>{});
    if (module) {
        for (const auto &[name, value] : m_session.chain()[size_t(link)].params) {
            m_form->setValue(QString::fromStdString(name), value);
        }
        for (const auto &[name, text] : m_session.chain()[size_t(link)].textParams) {
            const auto declared = std::find_if(module->params.begin(), module->params.end(),
                                               [&](const modules::ModuleParam &p) { return p.name == name; });
            if (declared != module->params.end() && declared->type == modules::ParamType::Text) {
                m_form->setText(QString::fromStdString(name), QString::fromStdString(text));
            }
        }
    }
    m_form->blockSignals(false);
    m_formTitle->setText(module ? tr("<b>%1</b> — %2")
                                      .arg(QString::fromStdString(module->name).toHtmlEscaped(),
                                           QString::fromStdString(module->description).toHtmlEscaped())
                                : tr("<i>Add a module to edit its parameters.</i>"));
    m_formTitle->setWordWrap(true);
    showKeys();
}

void EditChainPanel::showKeys() {
    const int link = selectedLink();
    const size_t keys = m_session.keyCount(link);
    m_clearKeys->setEnabled(keys > 0);
    m_recordKeys->setChecked(m_session.recordingKeys());
    m_keysLabel->setText(keys == 0 ? tr("no keys")
                                   : tr("%n key(s): %1", nullptr, int(keys)).arg(m_session.keyedParams(link).join(", ")));
}

void EditChainPanel::fillAddMenu() {
    QMenu *menu = m_add->menu();
    menu->clear();
    const auto modules = m_session.editModules();
    if (modules.empty()) menu->addAction(tr("(no edit modules loaded yet)"))->setEnabled(false);
    for (const auto *m : modules) {
        QAction *a = menu->addAction(QString::fromStdString(m->name));
        a->setToolTip(QString::fromStdString(m->description));
        const QString id = QString::fromStdString(m->id);
        connect(a, &QAction::triggered, this, [this, id] { m_session.addModule(id); });
    }
    menu->addSeparator();
    QAction *remote = menu->addAction(tr("Remote module (ws://)..."));
    remote->setObjectName("editAddRemote");
    remote->setToolTip(tr("An edit module served over the network: its address and token"));
    connect(remote, &QAction::triggered, &m_session, &EditSession::remoteModuleWanted);
}

void EditChainPanel::updateTimes(const EditView &view) {
    if (m_rebuilding || m_list->count() != int(m_session.chain().size())) return;
    m_rebuilding = true;
    for (int i = 0; i < m_list->count(); ++i) {
        double ms = 0;
        if (size_t(i) < view.stats.links.size() && view.stats.links[size_t(i)].frames > 0) {
            ms = view.stats.links[size_t(i)].totalMs / double(view.stats.links[size_t(i)].frames);
        }
        m_list->item(i)->setText(linkText(size_t(i), ms));
    }
    m_rebuilding = false;
}

} // namespace mnemo::ui
