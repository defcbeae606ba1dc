#include "AccessPanel.hpp"

#include "InspectSession.hpp"
#include "ItemTableModel.hpp"

#include "mnemo/core/Guard.hpp"

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
    for (const Principal &p : m_session.facets().principals) { // read with the summary, on the session's worker
        if (p.kind == "thread") continue;
        m_principal->addItem(QString("%1 (%2)").arg(QString::fromStdString(p.name), QString::fromStdString(p.kind)),
                             QString::fromStdString(p.id));
    }
    int index = m_principal->findData(previous);
    m_principal->setCurrentIndex(index >= 0 ? index : 0);
    evaluate();
}

// Counting what a principal may read touches every item: done on a worker, shown when ready.
struct AccessPanel::Evaluation {
    QString principal, label;
    std::optional<int64_t> asOf;
    qint64 total = 0, seen = 0;
    struct Row {
        bool visible;
        QString reason, text, id, owner;
    };
    std::vector<Row> rows;
    QString error;
};

void AccessPanel::evaluate() {
    m_table->setRowCount(0);
    const QString principal = m_principal->currentData().toString();
    std::shared_ptr<AgentStore> reader(m_session.store() && !principal.isEmpty() ? m_session.openReader() : nullptr);
    if (!reader) {
        m_job.cancel(); // an evaluation still running was for another principal or store
        m_summary->setText(m_session.store() ? tr("This store names no users, agents or apps.") : QString());
        return;
    }
    Evaluation e;
    e.principal = principal;
    e.label = m_principal->currentText();
    e.asOf = m_session.asOfUs();
    m_summary->setText(tr("Evaluating %1's policies…").arg(e.label.toHtmlEscaped()));
    // A throw becomes the panel's "Cannot evaluate" message (showEvaluation() checks the error before the rows).
    m_job.run([reader, e](const auto &) { return read(*reader, e); },
              [this](Evaluation &&done) { showEvaluation(done); },
              [this](const QString &message) {
                  Evaluation failed;
                  failed.error = message;
                  showEvaluation(failed);
              });
}

AccessPanel::Evaluation AccessPanel::read(const AgentStore &reader, Evaluation e) {
    faultPoint("ui.inspect.access");
    ItemFilter all;
    all.asOfUs = e.asOf;
    ItemFilter visible = all;
    visible.visibleTo = e.principal.toStdString();
    auto total = reader.countItems(all), seen = reader.countItems(visible);
    auto items = reader.items(all, 0, kShown);
    auto policies = reader.policies();
    if (!total.ok() || !seen.ok() || !items.ok() || !policies.ok()) {
        e.error = QString::fromStdString(!total.ok()   ? total.message()
                                         : !seen.ok()  ? seen.message()
                                         : !items.ok() ? items.message()
                                                       : policies.message());
        return e;
    }
    e.total = total.value();
    e.seen = seen.value();
    for (const MemoryItem &it : items.value()) {
        const AccessDecision d = reader.explainAccess(it, e.principal.toStdString(), e.asOf, policies.value());
        std::string owner = !it.userId.empty() ? it.userId : !it.agentId.empty() ? it.agentId : it.appId;
        e.rows.push_back({d.visible, QString::fromStdString(d.reason),
                          QString::fromStdString(it.text).simplified().left(200), QString::fromStdString(it.id),
                          QString::fromStdString(owner + " · " + it.scope)});
    }
    return e;
}

void AccessPanel::showEvaluation(const Evaluation &e) {
    if (!e.error.isEmpty()) {
        m_summary->setText(tr("Cannot evaluate: %1").arg(e.error.toHtmlEscaped()));
        return;
    }
    m_summary->setText(tr("<b>%1</b> may read <b>%2</b> of %3 items%4")
                           .arg(e.label.toHtmlEscaped())
                           .arg(e.seen)
                           .arg(e.total)
                           .arg(e.asOf ? tr(" as of %1").arg(formatTime(*e.asOf)) : tr(" now")));
    m_table->setRowCount(int(e.rows.size()));
    int row = 0;
    for (const auto &r : e.rows) {
        auto *decision = new QTableWidgetItem(r.visible ? tr("reads") : tr("hidden"));
        decision->setForeground(r.visible ? QColor("#2e7d32") : QColor("#c62828"));
        m_table->setItem(row, 0, decision);
        m_table->setItem(row, 1, new QTableWidgetItem(r.reason));
        auto *text = new QTableWidgetItem(r.text);
        text->setData(Qt::UserRole, r.id);
        m_table->setItem(row, 2, text);
        m_table->setItem(row, 3, new QTableWidgetItem(r.owner));
        ++row;
    }
}

} // namespace mnemo::ui
