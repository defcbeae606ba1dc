#pragma once
// The access view: the store as one user, agent or app may see it under its policies (Collaborative Memory's
// time-evolving permissions), at the time the timeline points to. Lists every item with its decision and reason,
// and can project all other views through that principal's eyes.

#include "common/LatestJob.hpp"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QTableWidget;

namespace mnemo::agentmem {
class AgentStore;
}

namespace mnemo::ui {

class InspectSession;

class AccessPanel : public QWidget {
    Q_OBJECT
public:
    explicit AccessPanel(InspectSession &session, QWidget *parent = nullptr);
    void reload();
    QComboBox *principalBox() const { return m_principal; }
    QTableWidget *table() const { return m_table; }
    QLabel *summaryLabel() const { return m_summary; }
    bool isBusy() const { return m_job.busy(); }

private:
    struct Evaluation;
    void evaluate();
    // On the worker: fills `e` (whose principal, label and time are set) with what that principal may read.
    static Evaluation read(const agentmem::AgentStore &reader, Evaluation e);
    void showEvaluation(const Evaluation &e);

    InspectSession &m_session;
    QComboBox *m_principal;
    QCheckBox *m_applyEverywhere;
    QLabel *m_summary;
    QTableWidget *m_table;
    LatestJob<Evaluation> m_job{this, "evaluating the access policies"};
};

} // namespace mnemo::ui
