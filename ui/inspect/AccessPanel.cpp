#include "AccessPanel.hpp"

#include "InspectSession.hpp"
#include "ItemTableModel.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace mnemo::ui {

using namespace agentmem;

namespace {
constexpr int kShown = 500;
}

AccessPanel::AccessPanel(InspectSession &session, QWidget *parent) : QWidget(parent), m_session(session) {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("See the store as:"), this));
    m_principal = new QComboBox(this);
    m_principal->setObjectName("accessPrincipal");
    m_principal->setMinimumContentsLength(18);
    bar->addWidget(m_principal);
    m_applyEverywhere = new QCheckBox(tr("Apply to every view"), this);
    m_applyEverywhere->setObjectName("accessApplyEverywhere");
    m_applyEverywhere->setToolTip(tr("Filter the table, tree and search to what this principal may read"));
    bar->addWidget(m_applyEverywhere);
    bar->addStretch();
    layout->addLayout(bar);
    m_summary = new QLabel(this);
    m_summary->setObjectName("accessSummary");
    layout->addWidget(m_summary);
    m_table = new QTableWidget(this);
    m_table->setObjectName("accessTable");
    m_table->setColumnCount(4);
    m_table->setHorizontalHeaderLabels({tr("Decision"), tr("Why"), tr("Item"), tr("Owner / scope")});
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_table->horizontalHeader()->resizeSection(1, 240);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    layout->addWidget(m_table);

    connect(m_principal, &QComboBox::currentIndexChanged, this, [this] {
        if (m_applyEverywhere->isChecked()) m_session.setViewAs(m_principal->currentData().toString());
        evaluate();
    });
    connect(m_applyEverywhere, &QCheckBox::toggled, this, [this](bool on) {
        m_session.setViewAs(on ? m_principal->currentData().toString() : QString());
    });
    connect(m_table, &QTableWidget::cellClicked, this, [this](int row, int) {
        if (auto *cell = m_table->item(row, 2)) m_session.setCurrent(cell->data(Qt::UserRole).toString());
    });
    connect(&m_session, &InspectSession::asOfChanged, this, &AccessPanel::evaluate);
}

void AccessPanel::reload() {
    QSignalBlocker block(m_principal);
    const QString previous = m_principal->currentData().toString();
    m_principal->clear();
    m_applyEverywhere->setChecked(false);
    if (AgentStore *store = m_session.store()) {
        auto who = store->principals();
        if (who.ok()) {
            for (const Principal &p : who.value()) {
                if (p.kind == "thread") continue;
                m_principal->addItem(QString("%1 (%2)").arg(QString::fromStdString(p.name), QString::fromStdString(p.kind)),
                                     QString::fromStdString(p.id));
            }
        }
    }
    int index = m_principal->findData(previous);
    m_principal->setCurrentIndex(index >= 0 ? index : 0);
    evaluate();
}

void AccessPanel::evaluate() {
    m_table->setRowCount(0);
    AgentStore *store = m_session.store();
    const QString principal = m_principal->currentData().toString();
    if (!store || principal.isEmpty()) {
        m_summary->setText(store ? tr("This store names no users, agents or apps.") : QString());
        return;
    }
    ItemFilter all;
    all.asOfUs = m_session.asOfUs();
    ItemFilter visible = all;
    visible.visibleTo = principal.toStdString();
    auto total = store->countItems(all), seen = store->countItems(visible);
    auto items = store->items(all, 0, kShown);
    if (!total.ok() || !seen.ok() || !items.ok()) {
        m_summary->setText(tr("Cannot evaluate: %1").arg(QString::fromStdString(total.ok() ? seen.message() : total.message())));
        return;
    }
    m_summary->setText(tr("<b>%1</b> may read <b>%2</b> of %3 items%4")
                           .arg(m_principal->currentText().toHtmlEscaped())
                           .arg(seen.value())
                           .arg(total.value())
                           .arg(m_session.asOfUs() ? tr(" as of %1").arg(formatTime(*m_session.asOfUs())) : tr(" now")));
    m_table->setRowCount(int(items->size()));
    int row = 0;
    for (const MemoryItem &it : items.value()) {
        auto d = store->explainAccess(it, principal.toStdString(), m_session.asOfUs());
        bool ok = d.ok() && d->visible;
        auto *decision = new QTableWidgetItem(ok ? tr("reads") : tr("hidden"));
        decision->setForeground(ok ? QColor("#2e7d32") : QColor("#c62828"));
        m_table->setItem(row, 0, decision);
        m_table->setItem(row, 1, new QTableWidgetItem(d.ok() ? QString::fromStdString(d->reason) : QString::fromStdString(d.message())));
        auto *text = new QTableWidgetItem(QString::fromStdString(it.text).simplified().left(200));
        text->setData(Qt::UserRole, QString::fromStdString(it.id));
        m_table->setItem(row, 2, text);
        std::string owner = !it.userId.empty() ? it.userId : !it.agentId.empty() ? it.agentId : it.appId;
        m_table->setItem(row, 3, new QTableWidgetItem(QString::fromStdString(owner + " · " + it.scope)));
        ++row;
    }
}

} // namespace mnemo::ui
