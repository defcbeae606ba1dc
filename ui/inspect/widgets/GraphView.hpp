#pragma once
// A node-link view of a graph the caller hands over as plain data. The layout (GraphLayout: trimming to the
// kMaxNodes best-connected nodes, then Fruchterman–Reingold) runs off the UI thread; until it is back the view says
// what it is doing. Nodes keep a constant size on screen (a little bigger with degree) while the wheel zooms the
// distances, so labels appear once there is room for them rather than scaling into a blur.
//
// Mouse (pan and zoom are PanZoomView's): wheel zooms around the cursor, dragging pans, a click on a node reports it,
// hovering shows its full label. F or a double click off the nodes fits the view.

#include "GraphLayout.hpp"
#include "common/LatestJob.hpp"
#include "common/PanZoomView.hpp"

#include <QHash>
#include <QSet>
#include <QStringList>

#include <optional>
#include <vector>

namespace mnemo::ui {

class GraphView : public PanZoomView {
    Q_OBJECT
public:
    static constexpr int kMaxNodes = 3000; // more is a hairball that paints slowly and reads as nothing

    explicit GraphView(QWidget *parent = nullptr);

    // Replaces the graph (edges index into `nodes`; legendNames[k] names node colour key k) and fits the view once
    // laid out. Selected ids carry over.
    void setGraph(std::vector<GraphNode> nodes, std::vector<GraphEdge> edges, QStringList legendNames);
    void setSelectedIds(const QStringList &ids);
    void setEmptyMessage(QString message);

    bool isBusy() const { return m_layoutJob.busy(); } // a layout is in flight
    int shownNodeCount() const { return int(m_graph.nodes.size()); }
    int shownEdgeCount() const { return int(m_graph.edges.size()); }
    int totalNodeCount() const { return m_graph.totalNodes; }
    QString caption() const; // says so when nodes were left out; empty otherwise

    // Where a shown node was laid out (layout units) and where it is on screen; nullopt when it is not shown.
    std::optional<QPointF> layoutPosition(const QString &id) const;
    std::optional<QPointF> toScreen(const QString &id) const;
    // The id of the node under `pos` (the nearest when discs overlap); empty when none.
    QString nodeAt(QPointF pos) const;

signals:
    void nodeClicked(QString id);

protected:
    std::optional<MapViewport> fittedView() const override;
    ScaleRange scaleRange(double fittedScale) const override;
    void clicked(QPointF pos) override;
    void doubleClicked(QPointF pos) override;

    bool event(QEvent *event) override; // tooltips
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    void applyLayout(GraphLayout &&layout);
    void refreshSelection();
    int indexAt(QPointF pos) const;
    QPointF screenOf(const MapViewport &view, int index) const;
    double radiusOf(double scale, int index) const;
    void paintEdges(QPainter &p, const MapViewport &view) const;
    void paintNodes(QPainter &p, const MapViewport &view) const;

    GraphLayout m_graph; // what is shown
    QHash<QString, int> m_indexOf;
    // How far apart nodes typically sit, in layout units: the smaller of the median edge and the spacing the nodes
    // would have spread evenly over the bounds. Sizes discs and decides when labels fit.
    double m_typicalGap = 1.0;
    QStringList m_legend;
    QString m_emptyMessage;
    QString m_layoutError;  // why the last layout failed; shown in place of the graph
    int m_pendingNodes = 0; // nodes in the graph being laid out, for the progress message

    QSet<QString> m_selectedIds;
    std::vector<char> m_selected; // per shown node
    int m_hovered = -1;

    LatestJob<GraphLayout> m_layoutJob{this, "laying out the graph"};
};

} // namespace mnemo::ui
