#pragma once
// The graph view: the store's relations as a node-link diagram (entity mentions, knowledge-graph relations, A-MEM
// links, LangGraph checkpoint lineage, Letta blocks shared between agents). Read on a worker; laid out by the view.

#include <QFutureWatcher>
#include <QWidget>

#include <memory>

namespace mnemo::ui {

class InspectSession;
class GraphView;

class GraphPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxEdges = 20000;
    explicit GraphPanel(InspectSession &session, QWidget *parent = nullptr);
    void reload();
    bool isBusy() const;
    GraphView *view() const { return m_view; }

private:
    void syncSelection();
    struct Loaded;

    InspectSession &m_session;
    GraphView *m_view;
    QFutureWatcher<void> m_watcher;
    std::shared_ptr<Loaded> m_pending;
};

} // namespace mnemo::ui
