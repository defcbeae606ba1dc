#include "GraphView.hpp"

#include "InspectStyle.hpp"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <map>

namespace mnemo::ui {

namespace {

constexpr int kFitMargin = 28;          // px around the fitted graph
constexpr double kMaxFitScale = 200.0;  // px per layout unit: a two-node graph should not fill the screen
constexpr double kLoneNodeScale = 40.0; // px per layout unit when there is nothing to fit but one node
constexpr double kZoomPerNotch = 1.25;
constexpr double kNodeLabelSpacing = 80.0;  // px between typical neighbours on screen before every node gets its label
constexpr double kEdgeLabelSpacing = 150.0; // ... and before every edge does
constexpr int kLabelChars = 24;
constexpr int kMaxLabels = 800;          // per paint: beyond this, text is noise and costs frames
constexpr int kAntialiasMaxEdges = 4000; // visible edges; past this, antialiasing costs more than it shows
constexpr double kHitSlack = 3.0;        // px added to a node's radius for clicks and hovers
const QColor kOutline(10, 12, 16);
const QColor kSelectedOutline(255, 255, 255);
const QColor kLabel(214, 220, 230);
const QColor kEdgeLabel(150, 158, 172);

QString elided(const QString &s) {
    return s.size() > kLabelChars ? s.left(kLabelChars - 1) + QChar(0x2026) : s;
}

QString displayName(const GraphNode &node) {
    return node.label.isEmpty() ? node.id : node.label;
}

QFont smallFont(QFont f) {
    f.setPointSizeF(std::max(7.0, f.pointSizeF() * 0.85));
    return f;
}

} // namespace

GraphView::GraphView(QWidget *parent) : PanZoomView(MapViewport{.yDown = true}, kZoomPerNotch, parent) {
    setObjectName("graphView");
    setMinimumSize(160, 120);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_emptyMessage = tr("No graph to show");
}

void GraphView::setGraph(std::vector<GraphNode> nodes, std::vector<GraphEdge> edges, QStringList legendNames) {
    m_legend = std::move(legendNames);
    m_pendingNodes = int(nodes.size());
    m_layoutError.clear();
    m_graph = {};
    m_indexOf.clear();
    m_selected.clear();
    m_hovered = -1;
    fitView(); // once laid out
    m_layoutJob.run(
        [nodes = std::move(nodes), edges = std::move(edges)](const auto &stale) mutable {
            GraphLayout layout = trimGraph(std::move(nodes), std::move(edges), kMaxNodes);
            layoutGraph(layout, stale);
            return layout;
        },
        [this](GraphLayout &&layout) { applyLayout(std::move(layout)); },
        [this](const QString &message) {
            // The graph was cleared above: say why it stays empty rather than "no graph".
            m_layoutError = message;
            update();
        });
    update();
}

void GraphView::applyLayout(GraphLayout &&layout) {
    m_graph = std::move(layout);
    m_indexOf.clear();
    m_indexOf.reserve(qsizetype(m_graph.nodes.size()));
    for (int i = 0; i < int(m_graph.nodes.size()); ++i)
        m_indexOf.insert(m_graph.nodes[size_t(i)].id, i);
    std::vector<double> lengths;
    lengths.reserve(m_graph.edges.size());
    for (const GraphEdge &e : m_graph.edges) {
        const QPointF d = m_graph.positions[size_t(e.from)] - m_graph.positions[size_t(e.to)];
        lengths.push_back(std::hypot(d.x(), d.y()));
    }
    const QRectF b = m_graph.bounds;
    m_typicalGap = m_graph.nodes.size() > 1 ? std::sqrt(b.width() * b.height() / double(m_graph.nodes.size())) : 1.0;
    if (!lengths.empty()) {
        std::nth_element(lengths.begin(), lengths.begin() + qsizetype(lengths.size() / 2), lengths.end());
        m_typicalGap = std::min(m_typicalGap > 0 ? m_typicalGap : 1e9, lengths[lengths.size() / 2]);
    }
    m_typicalGap = std::max(1e-3, m_typicalGap);
    refreshSelection();
    fitView();
}

void GraphView::setSelectedIds(const QStringList &ids) {
    m_selectedIds = QSet<QString>(ids.begin(), ids.end());
    refreshSelection();
    update();
}

void GraphView::refreshSelection() {
    m_selected.assign(m_graph.nodes.size(), 0);
    for (const QString &id : m_selectedIds) {
        const auto it = m_indexOf.constFind(id);
        if (it != m_indexOf.constEnd()) m_selected[size_t(*it)] = 1;
    }
}

void GraphView::setEmptyMessage(QString message) {
    m_emptyMessage = std::move(message);
    update();
}

QString GraphView::caption() const {
    if (m_graph.totalNodes <= int(m_graph.nodes.size())) return {};
    return tr("showing %1 of %2 nodes (highest degree)")
        .arg(groupedCount(qint64(m_graph.nodes.size())), groupedCount(m_graph.totalNodes));
}

std::optional<QPointF> GraphView::layoutPosition(const QString &id) const {
    const auto it = m_indexOf.constFind(id);
    if (it == m_indexOf.constEnd() || isBusy()) return std::nullopt;
    return m_graph.positions[size_t(*it)];
}

std::optional<QPointF> GraphView::toScreen(const QString &id) const {
    const auto it = m_indexOf.constFind(id);
    if (it == m_indexOf.constEnd() || isBusy()) return std::nullopt;
    return screenOf(view(), *it);
}

QPointF GraphView::screenOf(const MapViewport &view, int index) const {
    const QPointF &p = m_graph.positions[size_t(index)];
    return view.toScreen(p.x(), p.y());
}

double GraphView::radiusOf(double scale, int index) const {
    const double byDegree = std::min(12.0, 3.5 + 1.6 * std::log2(1.0 + m_graph.degree[size_t(index)]));
    // Zoomed out on a big graph, discs shrink towards dots rather than pile into one blob that hides every edge.
    return std::max(1.5, std::min(byDegree, 0.4 * scale * m_typicalGap));
}

int GraphView::indexAt(QPointF pos) const {
    if (isBusy()) return -1;
    // A few thousand nodes at most (kMaxNodes): a scan is microseconds, no index needed.
    const MapViewport v = view();
    int best = -1;
    double bestDist = 0;
    for (int i = 0; i < int(m_graph.nodes.size()); ++i) {
        const QPointF d = screenOf(v, i) - pos;
        const double dist = std::hypot(d.x(), d.y()), reach = radiusOf(v.scale, i) + kHitSlack;
        if (dist <= reach && (best < 0 || dist < bestDist)) best = i, bestDist = dist;
    }
    return best;
}

QString GraphView::nodeAt(QPointF pos) const {
    const int i = indexAt(pos);
    return i < 0 ? QString() : m_graph.nodes[size_t(i)].id;
}

std::optional<MapViewport> GraphView::fittedView() const {
    if (m_graph.nodes.empty()) return std::nullopt;
    MapViewport v = MapViewport::fit(m_graph.bounds, size(), {kFitMargin, 0.0});
    const bool loneNode = !(m_graph.bounds.width() > 0) && !(m_graph.bounds.height() > 0);
    v.scale = loneNode ? kLoneNodeScale : std::min(v.scale, kMaxFitScale);
    return v;
}

GraphView::ScaleRange GraphView::scaleRange(double fittedScale) const {
    return {fittedScale * 0.1, std::max(fittedScale * 50.0, 2000.0)};
}

void GraphView::paintEvent(QPaintEvent *) {
    QPainter p(this);
    p.fillRect(rect(), inspectBackground());
    if (isBusy()) {
        paintCentredMessage(p, rect(), tr("Laying out %1 nodes…").arg(groupedCount(m_pendingNodes)));
        return;
    }
    if (m_graph.nodes.empty()) {
        paintCentredMessage(p, rect(), m_layoutError.isEmpty() ? m_emptyMessage : m_layoutError);
        return;
    }
    const MapViewport v = view();
    paintEdges(p, v);
    paintNodes(p, v);
    paintLegend(p, QPoint(width() - 8, 8), m_legend);
    paintTag(p, QPoint(8, 8), Qt::AlignLeft | Qt::AlignTop, caption());
    paintTag(p, QPoint(8, height() - 8), Qt::AlignLeft | Qt::AlignBottom,
             tr("%1 nodes · %2 edges").arg(groupedCount(shownNodeCount()), groupedCount(shownEdgeCount())));
}

void GraphView::paintEdges(QPainter &p, const MapViewport &view) const {
    const QRectF visible = QRectF(rect()).adjusted(-20, -20, 20, 20);
    // Batched per pen: one drawLines per (colour, dash) instead of one call per edge.
    std::map<std::pair<quint32, bool>, QList<QLineF>> batches;
    QList<QLineF> touchingSelection;
    std::vector<int> labelled;
    const bool allLabels = view.scale * m_typicalGap >= kEdgeLabelSpacing;
    int drawn = 0;
    for (int k = 0; k < int(m_graph.edges.size()); ++k) {
        const GraphEdge &e = m_graph.edges[size_t(k)];
        const QLineF line(screenOf(view, e.from), screenOf(view, e.to));
        if (!visible.intersects(QRectF(line.p1(), line.p2()).normalized().adjusted(-1, -1, 1, 1))) continue;
        ++drawn;
        const bool selected = m_selected[size_t(e.from)] || m_selected[size_t(e.to)];
        if (selected) touchingSelection << line;
        batches[{e.colourKey % 12u, e.dashed}] << line;
        if (!e.label.isEmpty() && (allLabels || selected) && int(labelled.size()) < kMaxLabels) labelled.push_back(k);
    }
    p.save();
    p.setRenderHint(QPainter::Antialiasing, drawn <= kAntialiasMaxEdges);
    for (const auto &[key, lines] : batches) {
        QColor c = categoryColour(key.first);
        c.setAlpha(130);
        p.setPen(QPen(c, 1.2, key.second ? Qt::DashLine : Qt::SolidLine));
        p.drawLines(lines);
    }
    if (!touchingSelection.isEmpty()) {
        p.setPen(QPen(QColor(255, 255, 255, 170), 2.0));
        p.drawLines(touchingSelection);
    }
    p.setFont(smallFont(font()));
    p.setPen(kEdgeLabel);
    for (int k : labelled) {
        const GraphEdge &e = m_graph.edges[size_t(k)];
        const QPointF mid = (screenOf(view, e.from) + screenOf(view, e.to)) / 2;
        p.drawText(QRectF(mid.x() - 80, mid.y() - 16, 160, 14), Qt::AlignHCenter | Qt::AlignBottom, elided(e.label));
    }
    p.restore();
}

void GraphView::paintNodes(QPainter &p, const MapViewport &view) const {
    const QRectF visible = QRectF(rect()).adjusted(-20, -20, 20, 20);
    const bool allLabels = view.scale * m_typicalGap >= kNodeLabelSpacing;
    std::vector<int> labelled;
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    for (int i = 0; i < int(m_graph.nodes.size()); ++i) {
        const QPointF s = screenOf(view, i);
        if (!visible.contains(s)) continue;
        const GraphNode &node = m_graph.nodes[size_t(i)];
        const double r = radiusOf(view.scale, i);
        QColor fill = categoryColour(node.colourKey);
        if (node.faded) fill.setAlpha(70);
        if (m_selected[size_t(i)]) {
            p.setPen(QPen(kSelectedOutline, 3.0));
        } else if (i == m_hovered) {
            p.setPen(QPen(kLabel, 2.0));
        } else {
            p.setPen(
                QPen(node.faded ? QColor(120, 126, 138) : kOutline, 1.0, node.faded ? Qt::DotLine : Qt::SolidLine));
        }
        p.setBrush(fill);
        p.drawEllipse(s, r, r);
        const bool named = allLabels || m_selected[size_t(i)] || i == m_hovered;
        if (named && int(labelled.size()) < kMaxLabels) labelled.push_back(i);
    }
    // Labels after all discs, so no disc covers a name.
    p.setFont(smallFont(font()));
    const QFontMetrics fm(p.font());
    for (int i : labelled) {
        const QPointF s = screenOf(view, i);
        const QString text = elided(displayName(m_graph.nodes[size_t(i)]));
        const QPointF at(s.x() + radiusOf(view.scale, i) + 3, s.y() + fm.ascent() / 2.0 - 1);
        p.setPen(QColor(0, 0, 0, 180)); // a shadow keeps names legible over edges
        p.drawText(at + QPointF(1, 1), text);
        p.setPen(m_selected[size_t(i)] ? kSelectedOutline : kLabel);
        p.drawText(at, text);
    }
    p.restore();
}

bool GraphView::event(QEvent *event) {
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int i = indexAt(help->pos());
        if (i >= 0) {
            const GraphNode &node = m_graph.nodes[size_t(i)];
            QString text = displayName(node).toHtmlEscaped();
            if (!node.label.isEmpty() && node.label != node.id)
                text += "<br><small>" + node.id.toHtmlEscaped() + "</small>";
            text += "<br><small>" + tr("degree %1").arg(m_graph.degree[size_t(i)]) + "</small>";
            QToolTip::showText(help->globalPos(), text, this);
        } else {
            QToolTip::hideText();
            event->ignore();
        }
        return true;
    }
    return PanZoomView::event(event);
}

void GraphView::mouseMoveEvent(QMouseEvent *event) {
    if (isPressed()) {
        PanZoomView::mouseMoveEvent(event);
        return;
    }
    const int hovered = indexAt(event->position());
    if (hovered != m_hovered) {
        m_hovered = hovered;
        update();
    }
}

void GraphView::clicked(QPointF pos) {
    const QString id = nodeAt(pos);
    if (!id.isEmpty()) emit nodeClicked(id);
}

void GraphView::doubleClicked(QPointF pos) {
    if (indexAt(pos) < 0) fitView(); // a double click on a node is two clicks on it
}

void GraphView::leaveEvent(QEvent *) {
    if (m_hovered < 0) return;
    m_hovered = -1;
    update();
}

} // namespace mnemo::ui
