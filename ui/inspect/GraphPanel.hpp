#pragma once
// The graph view: the store's relations as a node-link diagram (entity mentions, knowledge-graph relations, A-MEM
// links, LangGraph checkpoint lineage, Letta blocks shared between agents). Read on a worker; laid out by the view.

#include "common/LatestJob.hpp"

#include <QWidget>

namespace mnemo::agentmem {
class AgentStore;
}

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
    struct Loaded;
    // On the worker: the relations as nodes and edges, or why there are none. Stops early once superseded.
    static Loaded read(const agentmem::AgentStore &reader, const LatestJob<Loaded>::Stale &stale);
    void apply(Loaded &&loaded);
    void syncSelection();

    InspectSession &m_session;
    GraphView *m_view;
    LatestJob<Loaded> m_job{this, "reading the store's relations"};
};

} // namespace mnemo::ui
