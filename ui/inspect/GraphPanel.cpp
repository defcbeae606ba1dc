#include "GraphPanel.hpp"

#include "InspectSession.hpp"
#include "inspect/widgets/GraphView.hpp"

#include "mnemo/core/Guard.hpp"

#include <QHash>
#include <QVBoxLayout>

namespace mnemo::ui {

using namespace agentmem;

struct GraphPanel::Loaded {
    std::vector<GraphNode> nodes;
    std::vector<GraphEdge> edges;
    QStringList legend;
    QString error;
};

GraphPanel::GraphPanel(InspectSession &session, QWidget *parent) : QWidget(parent), m_session(session) {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_view = new GraphView(this);
    m_view->setObjectName("inspectGraph");
    m_view->setEmptyMessage(tr("Open a store to see its relations"));
    layout->addWidget(m_view);
    connect(m_view, &GraphView::nodeClicked, this, [this](const QString &id) { m_session.setCurrent(id); });
    connect(&m_session, &InspectSession::currentChanged, this, &GraphPanel::syncSelection);
    connect(&m_session, &InspectSession::selectionChanged, this, &GraphPanel::syncSelection);
}

// Busy until the result is applied and laid out, not just read.
bool GraphPanel::isBusy() const { return m_job.busy() || m_view->isBusy(); }

void GraphPanel::reload() {
    auto reader = std::shared_ptr<AgentStore>(m_session.openReader());
    if (!reader) {
        m_job.cancel(); // a read still running belongs to the store that was open before
        m_view->setGraph({}, {}, {});
        return;
    }
    // A throw mid-read keeps nothing read: the view shows the error the way it shows a failed read.
    m_job.run([reader](const auto &stale) { return read(*reader, stale); },
              [this](Loaded &&loaded) { apply(std::move(loaded)); },
              [this](const QString &message) { apply(Loaded{{}, {}, {}, message}); });
}

GraphPanel::Loaded GraphPanel::read(const AgentStore &reader, const LatestJob<Loaded>::Stale &stale) {
    faultPoint("ui.inspect.graph");
    Loaded loaded;
    auto relations = reader.relations(kMaxEdges);
    if (!relations.ok()) {
        loaded.error = QString::fromStdString(relations.message());
        return loaded;
    }
    // Colours: node kinds first, then relation kinds, in one legend.
    QHash<QString, quint32> colour;
    auto colourOf = [&](const QString &name) {
        auto it = colour.find(name);
        if (it != colour.end()) return it.value();
        quint32 c = quint32(loaded.legend.size());
        colour.insert(name, c);
        loaded.legend << name;
        return c;
    };
    // Each node is looked up once, by its item, for its label, kind and whether it was deleted.
    QHash<QString, int> index;
    auto node = [&](const std::string &id) {
        QString key = QString::fromStdString(id);
        auto it = index.find(key);
        if (it != index.end()) return it.value();
        GraphNode n{key, key, 0, false};
        auto item = reader.item(id);
        QString kind = QObject::tr("principal / unknown");
        if (item.ok()) {
            QString text = QString::fromStdString(item->text).simplified();
            n.label = text.isEmpty() ? key : text.left(80);
            n.faded = item->deletedUs.has_value();
            kind = QString::fromStdString(item->kind);
        }
        n.colourKey = colourOf(kind);
        loaded.nodes.push_back(n);
        index.insert(key, int(loaded.nodes.size()) - 1);
        return int(loaded.nodes.size()) - 1;
    };
    for (const Relation &r : relations.value()) {
        if (stale()) return {}; // superseded: the result will be dropped, so stop looking items up
        int a = node(r.src), b = node(r.dst);
        QString label = QString::fromStdString(r.label.empty() ? r.kind : r.label);
        const quint32 edgeColour = colourOf(QString::fromStdString("→ " + r.kind));
        loaded.edges.push_back({a, b, label, edgeColour, r.deletedUs.has_value()});
    }
    return loaded;
}

void GraphPanel::apply(Loaded &&loaded) {
    if (!loaded.error.isEmpty()) {
        m_view->setEmptyMessage(loaded.error);
    } else if (loaded.nodes.empty()) {
        m_view->setEmptyMessage(tr("This store records no relations (entity links, knowledge-graph edges, "
                                   "checkpoint lineage or shared blocks)"));
    }
    m_view->setGraph(std::move(loaded.nodes), std::move(loaded.edges), loaded.legend);
    syncSelection();
}

void GraphPanel::syncSelection() {
    QStringList ids = m_session.selection();
    if (!m_session.currentId().isEmpty()) ids << m_session.currentId();
    m_view->setSelectedIds(ids);
}

} // namespace mnemo::ui
