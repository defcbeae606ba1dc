#include "GraphLayout.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mnemo::ui {

namespace {

constexpr int kIterations = 200;
constexpr double kIdeal = 1.0;    // FR's k: the edge length the forces balance at
constexpr double kGravity = 0.03; // a weak pull to the centre so disconnected parts do not drift apart forever
constexpr double kMinDistance = 1e-3;
constexpr int kMaxGridSide = 512;
constexpr int kCrowdedCell = 24; // nodes in a neighbouring grid cell beyond which it repels as one mass // cells per
                                 // side; a layout spread wider gets bigger cells, not more memory
constexpr quint64 kSeed = 0x6d6e656d6f676c79ull;
constexpr double kGoldenAngle = 2.39996322972865332;

quint64 splitmix(quint64 x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

// Deterministic noise in [-0.5, 0.5): the layout's only "randomness", the same on every run and platform.
double noise(quint64 key) {
    return double(splitmix(kSeed ^ key) >> 11) / double(1ull << 53) - 0.5;
}

// A jittered sunflower spiral: evenly spread (no two nodes start on top of each other), about one node per unit².
void seedPositions(std::vector<QPointF> &pos) {
    for (size_t i = 0; i < pos.size(); ++i) {
        const double r = std::sqrt(double(i) + 0.5) * kIdeal * 0.6;
        const double a = double(i) * kGoldenAngle + noise(i) * 0.5;
        pos[i] = QPointF(r * std::cos(a), r * std::sin(a)) + QPointF(noise(i * 2 + 1), noise(i * 2 + 2)) * 0.1;
    }
}

// The repulsion k²/d on `u`, away from `v`.
inline QPointF repulsion(QPointF delta, size_t u, size_t v) {
    double d2 = delta.x() * delta.x() + delta.y() * delta.y();
    if (d2 < kMinDistance * kMinDistance) {
        // Coincident nodes: push apart along a direction fixed by the pair, so the result stays deterministic.
        const double a = noise(std::min(u, v) * 1000003ull + std::max(u, v)) * 6.283185307179586;
        delta = QPointF(std::cos(a), std::sin(a)) * (u < v ? kMinDistance : -kMinDistance);
        d2 = kMinDistance * kMinDistance;
    }
    return delta * (kIdeal * kIdeal / d2);
}

void repelExact(const std::vector<QPointF> &pos, std::vector<QPointF> &disp) {
    for (size_t u = 0; u < pos.size(); ++u) {
        for (size_t v = u + 1; v < pos.size(); ++v) {
            const QPointF f = repulsion(pos[u] - pos[v], u, v);
            disp[u] += f;
            disp[v] -= f;
        }
    }
}

// Only nodes within 2k repel (Fruchterman & Reingold's grid variant): each node looks at its own and the eight
// neighbouring cells, so an iteration costs O(n · local density) instead of O(n²).
void repelGrid(const std::vector<QPointF> &pos, std::vector<QPointF> &disp) {
    double x0 = pos[0].x(), y0 = pos[0].y(), x1 = x0, y1 = y0;
    for (const QPointF &p : pos) {
        x0 = std::min(x0, p.x()), x1 = std::max(x1, p.x());
        y0 = std::min(y0, p.y()), y1 = std::max(y1, p.y());
    }
    const double reach = 2.0 * kIdeal;
    const double cell = std::max({reach, (x1 - x0) / kMaxGridSide, (y1 - y0) / kMaxGridSide});
    const int cols = int((x1 - x0) / cell) + 1, rows = int((y1 - y0) / cell) + 1;
    std::vector<int> cellOf(pos.size()), start(size_t(cols) * rows + 1, 0);
    for (size_t i = 0; i < pos.size(); ++i) {
        const int c = std::min(cols - 1, int((pos[i].x() - x0) / cell));
        const int r = std::min(rows - 1, int((pos[i].y() - y0) / cell));
        cellOf[i] = r * cols + c;
        ++start[size_t(cellOf[i]) + 1];
    }
    std::partial_sum(start.begin(), start.end(), start.begin());
    std::vector<int> items(pos.size()), fill(start.begin(), start.end() - 1);
    std::vector<QPointF> centroid(size_t(cols) * rows);
    for (size_t i = 0; i < pos.size(); ++i) {
        items[size_t(fill[size_t(cellOf[i])]++)] = int(i);
        centroid[size_t(cellOf[i])] += pos[i];
    }
    for (size_t k = 0; k < centroid.size(); ++k)
        if (start[k + 1] > start[k]) centroid[k] /= double(start[k + 1] - start[k]);

    for (size_t u = 0; u < pos.size(); ++u) {
        const int c = cellOf[u] % cols, r = cellOf[u] / cols;
        for (int rr = std::max(0, r - 1); rr <= std::min(rows - 1, r + 1); ++rr) {
            for (int cc = std::max(0, c - 1); cc <= std::min(cols - 1, c + 1); ++cc) {
                const size_t k = size_t(rr) * cols + cc;
                const int count = start[k + 1] - start[k];
                if (count > kCrowdedCell && int(k) != cellOf[u]) {
                    // A crowded neighbouring cell pushes as one mass at its centroid: when a dense graph packs
                    // hundreds of nodes into a few cells this keeps an iteration near O(n) instead of O(n²).
                    disp[u] += repulsion(pos[u] - centroid[k], u, size_t(pos.size()) + k) * double(count);
                    continue;
                }
                for (int s = start[k]; s < start[k + 1]; ++s) {
                    const size_t v = size_t(items[size_t(s)]);
                    if (v == u) continue;
                    const QPointF delta = pos[u] - pos[v];
                    if (delta.x() * delta.x() + delta.y() * delta.y() <= reach * reach)
                        disp[u] += repulsion(delta, u, v);
                }
            }
        }
    }
}

} // namespace

GraphLayout trimGraph(std::vector<GraphNode> nodes, std::vector<GraphEdge> edges, int maxNodes) {
    GraphLayout out;
    const int n = int(nodes.size());
    out.totalNodes = n;
    std::vector<int> degree(size_t(n), 0);
    for (const GraphEdge &e : edges) {
        if (e.from < 0 || e.to < 0 || e.from >= n || e.to >= n || e.from == e.to) continue;
        ++degree[size_t(e.from)], ++degree[size_t(e.to)];
    }
    std::vector<int> kept(static_cast<size_t>(n));
    std::iota(kept.begin(), kept.end(), 0);
    if (n > maxNodes) {
        std::stable_sort(kept.begin(), kept.end(), [&](int a, int b) { return degree[size_t(a)] > degree[size_t(b)]; });
        kept.resize(size_t(std::max(0, maxNodes)));
        std::sort(kept.begin(), kept.end());
    }
    std::vector<int> newIndex(size_t(n), -1);
    out.nodes.reserve(kept.size());
    out.degree.reserve(kept.size());
    for (int i : kept) {
        newIndex[size_t(i)] = int(out.nodes.size());
        out.nodes.push_back(std::move(nodes[size_t(i)]));
        out.degree.push_back(degree[size_t(i)]);
    }
    for (GraphEdge &e : edges) {
        if (e.from < 0 || e.to < 0 || e.from >= n || e.to >= n || e.from == e.to) continue;
        const int a = newIndex[size_t(e.from)], b = newIndex[size_t(e.to)];
        if (a < 0 || b < 0) continue;
        e.from = a, e.to = b;
        out.edges.push_back(std::move(e));
    }
    return out;
}

void layoutGraph(GraphLayout &graph, const std::function<bool()> &stale) {
    const size_t n = graph.nodes.size();
    graph.positions.assign(n, QPointF());
    graph.complete = false;
    if (n == 0) {
        graph.bounds = QRectF();
        graph.complete = true;
        return;
    }
    std::vector<QPointF> &pos = graph.positions;
    seedPositions(pos);
    std::vector<QPointF> disp(n);
    const bool exact = int(n) <= kExactRepulsionMaxNodes;
    const double startTemperature = kIdeal * std::max(1.0, std::sqrt(double(n)) / 8.0);
    for (int it = 0; it < kIterations; ++it) {
        if (stale && stale()) return;
        std::fill(disp.begin(), disp.end(), QPointF());
        if (exact) {
            repelExact(pos, disp);
        } else {
            repelGrid(pos, disp);
        }
        for (const GraphEdge &e : graph.edges) {
            const QPointF delta = pos[size_t(e.from)] - pos[size_t(e.to)];
            const double d = std::max(kMinDistance, std::hypot(delta.x(), delta.y()));
            const QPointF pull = delta * (d / kIdeal); // d²/k along the unit vector
            disp[size_t(e.from)] -= pull;
            disp[size_t(e.to)] += pull;
        }
        // Linear cooling: big moves early to untangle, small ones late to settle.
        const double temperature = startTemperature * (1.0 - double(it) / kIterations) + 0.002;
        for (size_t i = 0; i < n; ++i) {
            const QPointF d = disp[i] - pos[i] * kGravity;
            const double len = std::hypot(d.x(), d.y());
            if (len > 0 && std::isfinite(len)) pos[i] += d * (std::min(len, temperature) / len);
        }
    }
    double x0 = pos[0].x(), y0 = pos[0].y(), x1 = x0, y1 = y0;
    for (const QPointF &p : pos) {
        x0 = std::min(x0, p.x()), x1 = std::max(x1, p.x());
        y0 = std::min(y0, p.y()), y1 = std::max(y1, p.y());
    }
    graph.bounds = QRectF(QPointF(x0, y0), QPointF(x1, y1));
    graph.complete = true;
}

} // namespace mnemo::ui
