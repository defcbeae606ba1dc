#pragma once
// The detail pane: everything about the current item (text at the time being looked at, fields, metadata, full
// history with old and new values, relations, provenance, retrievals with their queries and scores, and who may
// read it), or the diff between two times. Links to other items select them.

#include "mnemo/agentmem/AgentStore.hpp"

#include <QTextBrowser>

namespace mnemo::ui {

class InspectSession;

class DetailPane : public QTextBrowser {
    Q_OBJECT
public:
    explicit DetailPane(InspectSession &session, QWidget *parent = nullptr);

    void showItem(const QString &id);
    void showDiff(const agentmem::StoreDiff &diff);
    void showMessage(const QString &html);

private:
    InspectSession &m_session;
};

} // namespace mnemo::ui
