#pragma once
// The timeline: every memory event (add, update, delete, retrieval, checkpoint, write, state change) on lanes by
// action, with a cursor that time-travels every view to that moment and a compare marker (Shift+click) that asks for
// the diff between the two times. "Now" returns to the live store.

#include <QFutureWatcher>
#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QPushButton;

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
    void updateLabel();
    struct Loaded;

    InspectSession &m_session;
    TimelineView *m_view;
    QLabel *m_label;
    QPushButton *m_now;
    QFutureWatcher<void> m_watcher;
    std::shared_ptr<Loaded> m_pending;
    std::shared_ptr<Loaded> m_data;
    bool m_live = true;
};

} // namespace mnemo::ui
