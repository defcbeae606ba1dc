#include "GraphView.hpp"

#include "InspectStyle.hpp"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <map>

namespace mnemo::ui {

namespace {

constexpr int kDragThreshold = 4;           // px a press may wander and still be a click
constexpr int kFitMargin = 28;              // px around the fitted graph
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

GraphView::GraphView(QWidget *parent) : QWidget(parent) {
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
    m_fitted = true;
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
    return screenOf(*it);
}

QPointF GraphView::screenOf(int index) const {
    return (m_graph.positions[size_t(index)] - m_centre) * m_scale + QPointF(width() * 0.5, height() * 0.5);
}

double GraphView::radiusOf(int index) const {
    const double byDegree = std::min(12.0, 3.5 + 1.6 * std::log2(1.0 + m_graph.degree[size_t(index)]));
    // Zoomed out on a big graph, discs shrink towards dots rather than pile into one blob that hides every edge.
    return std::max(1.5, std::min(byDegree, 0.4 * m_scale * m_typicalGap));
}

bool GraphView::labelsShown() const {
    return m_scale * m_typicalGap >= kNodeLabelSpacing;
}

int GraphView::indexAt(QPointF pos) const {
    if (isBusy()) return -1;
    // A few thousand nodes at most (kMaxNodes): a scan is microseconds, no index needed.
    int best = -1;
    double bestDist = 0;
    for (int i = 0; i < int(m_graph.nodes.size()); ++i) {
        const QPointF d = screenOf(i) - pos;
        const double dist = std::hypot(d.x(), d.y()), reach = radiusOf(i) + kHitSlack;
        if (dist <= reach && (best < 0 || dist < bestDist)) best = i, bestDist = dist;
    }
    return best;
}

QString GraphView::nodeAt(QPointF pos) const {
    const int i = indexAt(pos);
    return i < 0 ? QString() : m_graph.nodes[size_t(i)].id;
}

double GraphView::fittedScale() const {
    const QRectF b = m_graph.bounds;
    const double w = std::max(1.0, width() - 2.0 * kFitMargin), h = std::max(1.0, height() - 2.0 * kFitMargin);
    if (!(b.width() > 0) && !(b.height() > 0)) return 40.0; // one node
    const double sx = b.width() > 0 ? w / b.width() : 1e9, sy = b.height() > 0 ? h / b.height() : 1e9;
    return std::min({sx, sy, 200.0}); // a two-node graph should not fill the screen
}

void GraphView::fitView() {
    m_fitted = true;
    m_centre = m_graph.bounds.center();
    m_scale = fittedScale();
    update();
}

void GraphView::zoomAt(QPointF anchor, double factor) {
    if (m_graph.nodes.empty()) return;
    const double fitted = fittedScale();
    const QPointF world = (anchor - QPointF(width() * 0.5, height() * 0.5)) / m_scale + m_centre;
    m_scale = std::clamp(m_scale * factor, fitted * 0.1, std::max(fitted * 50.0, 2000.0));
    m_centre = world - (anchor - QPointF(width() * 0.5, height() * 0.5)) / m_scale;
    m_fitted = false;
    update();
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
    paintEdges(p);
    paintNodes(p);
    paintLegend(p, QPoint(width() - 8, 8), m_legend);
    paintTag(p, QPoint(8, 8), Qt::AlignLeft | Qt::AlignTop, caption());
    paintTag(p, QPoint(8, height() - 8), Qt::AlignLeft | Qt::AlignBottom,
             tr("%1 nodes · %2 edges").arg(groupedCount(shownNodeCount()), groupedCount(shownEdgeCount())));
}

void GraphView::paintEdges(QPainter &p) const {
    const QRectF visible = QRectF(rect()).adjusted(-20, -20, 20, 20);
    // Batched per pen: one drawLines per (colour, dash) instead of one call per edge.
    std::map<std::pair<quint32, bool>, QList<QLineF>> batches;
    QList<QLineF> touchingSelection;
    std::vector<int> labelled;
    const bool allLabels = m_scale * m_typicalGap >= kEdgeLabelSpacing;
    int drawn = 0;
    for (int k = 0; k < int(m_graph.edges.size()); ++k) {
        const GraphEdge &e = m_graph.edges[size_t(k)];
        const QLineF line(screenOf(e.from), screenOf(e.to));
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
        const QPointF mid = (screenOf(e.from) + screenOf(e.to)) / 2;
        p.drawText(QRectF(mid.x() - 80, mid.y() - 16, 160, 14), Qt::AlignHCenter | Qt::AlignBottom, elided(e.label));
    }
    p.restore();
}

void GraphView::paintNodes(QPainter &p) const {
    const QRectF visible = QRectF(rect()).adjusted(-20, -20, 20, 20);
    const bool allLabels = labelsShown();
    std::vector<int> labelled;
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    for (int i = 0; i < int(m_graph.nodes.size()); ++i) {
        const QPointF s = screenOf(i);
        if (!visible.contains(s)) continue;
        const GraphNode &node = m_graph.nodes[size_t(i)];
        const double r = radiusOf(i);
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
        const QPointF s = screenOf(i);
        const QString text = elided(displayName(m_graph.nodes[size_t(i)]));
        const QPointF at(s.x() + radiusOf(i) + 3, s.y() + fm.ascent() / 2.0 - 1);
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
    return QWidget::event(event);
}

void GraphView::wheelEvent(QWheelEvent *event) {
    const double notches = event->angleDelta().y() / 120.0;
    if (notches != 0) zoomAt(event->position(), std::pow(1.25, notches));
    event->accept();
}

void GraphView::mousePressEvent(QMouseEvent *event) {
    m_pressed = true;
    m_panning = event->button() != Qt::LeftButton; // middle/right drags pan at once; a left press may be a click
    m_pressPos = m_lastPos = event->position();
}

void GraphView::mouseMoveEvent(QMouseEvent *event) {
    const QPointF pos = event->position();
    if (!m_pressed) {
        const int hovered = indexAt(pos);
        if (hovered != m_hovered) {
            m_hovered = hovered;
            update();
        }
        return;
    }
    if (!m_panning && (pos - m_pressPos).manhattanLength() > kDragThreshold) m_panning = true;
    if (m_panning) {
        m_centre -= (pos - m_lastPos) / m_scale;
        m_fitted = false;
        update();
    }
    m_lastPos = pos;
}

void GraphView::mouseReleaseEvent(QMouseEvent *event) {
    const bool click = m_pressed && !m_panning && event->button() == Qt::LeftButton;
    m_pressed = m_panning = false;
    if (!click) return;
    const QString id = nodeAt(event->position());
    if (!id.isEmpty()) emit nodeClicked(id);
}

void GraphView::mouseDoubleClickEvent(QMouseEvent *event) {
    m_pressed = m_panning = false;
    if (event->button() == Qt::LeftButton && indexAt(event->position()) < 0) fitView();
}

void GraphView::keyPressEvent(QKeyEvent *event) {
    if (event->key() == Qt::Key_F) {
        fitView();
        return;
    }
    QWidget::keyPressEvent(event);
}

void GraphView::leaveEvent(QEvent *) {
    if (m_hovered < 0) return;
    m_hovered = -1;
    update();
}

void GraphView::resizeEvent(QResizeEvent *) {
    if (m_fitted) fitView();
}

} // namespace mnemo::ui
