#pragma once
// The timeline: every memory event (add, update, delete, retrieval, checkpoint, write, state change) on lanes by
// action, with a cursor that time-travels every view to that moment and a compare marker (Shift+click) that asks for
// the diff between the two times. "Now" returns to the live store.

#include "common/LatestJob.hpp"

#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QPushButton;

namespace mnemo::agentmem {
class AgentStore;
}

namespace mnemo::ui {

class InspectSession;
class TimelineView;

class TimelinePanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxEvents = 1000000;
    explicit TimelinePanel(InspectSession &session, QWidget *parent = nullptr);
    void reload();
    bool isBusy() const;
    TimelineView *view() const { return m_view; }
    QPushButton *nowButton() const { return m_now; }

signals:
    void diffRequested(qint64 fromUs, qint64 toUs);

private:
    struct Loaded;
    // On the worker: every event placed on its lane, or why there are none.
    static Loaded read(const agentmem::AgentStore &reader);
    void apply(Loaded &&loaded);
    void updateLabel();

    InspectSession &m_session;
    TimelineView *m_view;
    QLabel *m_label;
    QPushButton *m_now;
    std::shared_ptr<Loaded> m_data;
    bool m_live = true;
    LatestJob<Loaded> m_job{this, "reading the store's events"};
};

} // namespace mnemo::ui
