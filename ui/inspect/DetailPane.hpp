#pragma once
// The detail pane: everything about the current item (text at the time being looked at, fields, metadata, full
// history with old and new values, relations, provenance, retrievals with their queries and scores, and who may
// read it), or the diff between two times. Links to other items select them.
//
// An item takes a dozen queries and one more per relation, and a diff compares the whole store: both are read on a
// worker through a reader of their own, and only the newest request is shown (the selection moves faster than that).

#include "common/LatestJob.hpp"

#include <QTextBrowser>

namespace mnemo::ui {

class InspectSession;

class DetailPane : public QTextBrowser {
    Q_OBJECT
public:
    explicit DetailPane(InspectSession &session, QWidget *parent = nullptr);

    // Says "loading…" until the item is read; the same item read again (time travel, live tail) stays in view
    // meanwhile, where it was scrolled to.
    void showItem(const QString &id);
    // What changed between two times, as links to the items.
    void showDiff(qint64 fromUs, qint64 toUs);
    // Replaces whatever is shown or still loading.
    void showMessage(const QString &html);
    bool isBusy() const { return m_job.busy(); }

private:
    void showLoaded(const QString &html, bool keepScroll);
    void showError(const QString &message);

    InspectSession &m_session;
    QString m_itemId; // the item shown or loading; empty while the pane shows a diff or a message
    LatestJob<QString> m_job{this, "reading the details"};
};

} // namespace mnemo::ui
