#include "MapPanel.hpp"

#include "InspectSession.hpp"
#include "ItemTableModel.hpp"
#include "inspect/widgets/EmbeddingMapView.hpp"

#include "mnemo/core/Guard.hpp"

#include "mnemo/agentmem/Projection.hpp"

#include <QComboBox>
#include <QDateTime>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace mnemo::ui {

using namespace agentmem;

MapPanel::MapPanel(InspectSession &session, QWidget *parent) : QWidget(parent), m_session(session) {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Colour by:"), this));
    m_colourBy = new QComboBox(this);
    m_colourBy->setObjectName("mapColourBy");
    m_colourBy->addItems({tr("User"), tr("Agent / app"), tr("Tier / namespace"), tr("Kind"), tr("Age")});
    bar->addWidget(m_colourBy);
    auto *hint = new QLabel(tr("click: select · drag: lasso · wheel: zoom · right-drag: pan · F: fit"), this);
    hint->setStyleSheet("color: gray");
    bar->addWidget(hint);
    bar->addStretch();
    layout->addLayout(bar);
    m_view = new EmbeddingMapView(this);
    m_view->setObjectName("embeddingMap");
    m_view->setEmptyMessage(tr("Open a store to see its embeddings"));
    layout->addWidget(m_view, 1);

    connect(m_colourBy, &QComboBox::currentIndexChanged, this, &MapPanel::recolour);
    connect(m_view, &EmbeddingMapView::pointClicked, this, [this](int i) {
        if (m_data && i >= 0 && i < m_data->ids.size()) m_session.setCurrent(m_data->ids[i]);
    });
    connect(m_view, &EmbeddingMapView::lassoSelected, this, [this](std::vector<int> indices) {
        if (!m_data) return;
        QStringList ids;
        for (int i : indices) ids << m_data->ids[i];
        m_session.setSelection(ids);
    });
    connect(&m_session, &InspectSession::currentChanged, this, &MapPanel::syncCurrent);
    connect(&m_session, &InspectSession::highlightedChanged, this, &MapPanel::syncHighlighted);
    connect(&m_session, &InspectSession::selectionChanged, this, &MapPanel::syncSelection);
    connect(&m_session, &InspectSession::asOfChanged, this, &MapPanel::recolour); // the caption says which time
}

// Busy until the result is applied and drawn, not just computed.
bool MapPanel::isBusy() const { return m_job.busy() || m_view->isBusy(); }

void MapPanel::reload() {
    auto reader = std::shared_ptr<AgentStore>(m_session.openReader());
    if (!reader) {
        m_job.cancel(); // a projection still running belongs to the store that was open before
        m_view->setPoints({}, {}, {});
        return;
    }
    m_view->setEmptyMessage(tr("Projecting embeddings…"));
    // A throw mid-read would leave ids and points out of step: nothing read is kept, and the map shows the error
    // the way it shows a failed read.
    m_job.run([reader](const auto &) { return read(*reader); }, [this](Loaded &&loaded) { apply(std::move(loaded)); },
              [this](const QString &message) {
                  Loaded failed;
                  failed.error = message;
                  apply(std::move(failed));
              });
}

MapPanel::Loaded MapPanel::read(const AgentStore &reader) {
    faultPoint("ui.inspect.map");
    Loaded loaded;
    auto set = reader.embeddings(kMaxPoints);
    if (!set.ok()) {
        loaded.error = QString::fromStdString(set.message());
        return loaded;
    }
    loaded.total = set->total;
    loaded.dim = set->dim;
    Projection2D p = projectPca2D(set->data, set->dim);
    loaded.xy = std::move(p.xy);
    loaded.explained[0] = p.explained[0];
    loaded.explained[1] = p.explained[1];
    loaded.rowids.assign(set->rowids.begin(), set->rowids.end());
    auto rows = reader.itemsByRowid(set->rowids);
    if (!rows.ok()) {
        Loaded failed; // points without their items cannot be picked or coloured: keep none
        failed.error = QString::fromStdString(rows.message());
        return failed;
    }
    for (const MemoryItem &it : rows.value()) {
        loaded.ids << QString::fromStdString(it.id);
        loaded.keys.push_back({QString::fromStdString(it.userId),
                               QString::fromStdString(!it.agentId.empty() ? it.agentId : it.appId),
                               QString::fromStdString(it.tier), QString::fromStdString(it.kind)});
        loaded.created.push_back(it.createdUs);
    }
    return loaded;
}

void MapPanel::apply(Loaded &&loaded) {
    m_data = std::make_shared<Loaded>(std::move(loaded));
    m_indexOf.clear();
    m_indexOfRow.clear();
    for (int i = 0; i < m_data->ids.size(); ++i) {
        m_indexOf.insert(m_data->ids[i], i);
        m_indexOfRow.insert(m_data->rowids[size_t(i)], i);
    }
    if (!m_data->error.isEmpty()) m_view->setEmptyMessage(m_data->error);
    else if (m_data->ids.isEmpty()) m_view->setEmptyMessage(tr("This store keeps no embeddings"));
    recolour(); // also marks the current, highlighted and selected points
}

void MapPanel::recolour() {
    if (!m_data || m_data->ids.isEmpty()) {
        m_view->setPoints({}, {}, {});
        return;
    }
    const int mode = m_colourBy->currentIndex();
    std::vector<MapPoint> points(size_t(m_data->ids.size()));
    QStringList legend;
    if (mode == 4) {
        // Age: eight equal-count bands, oldest first.
        std::vector<qint64> sorted = m_data->created;
        std::sort(sorted.begin(), sorted.end());
        std::vector<qint64> edges;
        for (int b = 1; b < 8; ++b) edges.push_back(sorted[sorted.size() * size_t(b) / 8]);
        for (int b = 0; b < 8; ++b) legend << (b == 0 ? tr("oldest") : formatTime(edges[size_t(b - 1)]));
        for (size_t i = 0; i < points.size(); ++i) {
            quint32 band = quint32(std::upper_bound(edges.begin(), edges.end(), m_data->created[i]) - edges.begin());
            points[i] = {m_data->xy[i * 2], m_data->xy[i * 2 + 1], band};
        }
    } else {
        // The eleven most frequent values get their own colour; the rest share "other".
        std::map<QString, int> counts;
        for (const auto &k : m_data->keys) counts[k[size_t(mode)]]++;
        std::vector<std::pair<int, QString>> order;
        for (const auto &[v, n] : counts) order.emplace_back(-n, v);
        std::sort(order.begin(), order.end());
        QHash<QString, quint32> colour;
        for (const auto &[n, v] : order) {
            if (colour.size() >= 11) break;
            colour.insert(v, quint32(legend.size()));
            legend << (v.isEmpty() ? tr("(none)") : v);
        }
        const bool hasOther = int(order.size()) > 11;
        if (hasOther) legend << tr("other");
        for (size_t i = 0; i < points.size(); ++i) {
            quint32 key = colour.value(m_data->keys[i][size_t(mode)], quint32(legend.size() - 1));
            points[i] = {m_data->xy[i * 2], m_data->xy[i * 2 + 1], key};
        }
    }
    QString caption = tr("%1 of %2 embeddings%3 · %4-dim · PCA: %5% + %6% of variance")
                          .arg(points.size())
                          .arg(m_data->total)
                          .arg(qint64(points.size()) < m_data->total ? tr(" (even sample)") : QString())
                          .arg(m_data->dim)
                          .arg(double(m_data->explained[0] * 100), 0, 'f', 1)
                          .arg(double(m_data->explained[1] * 100), 0, 'f', 1) +
                      (m_session.asOfUs() ? tr(" · the map shows the embeddings stored now") : QString());
    m_view->setPoints(std::move(points), legend, caption);
    syncCurrent();
    syncHighlighted();
    syncSelection();
}

void MapPanel::syncCurrent() { m_view->setCurrent(indexOf(m_session.currentId())); }

void MapPanel::syncHighlighted() {
    std::vector<int> indices;
    for (qint64 r : m_session.highlighted()) {
        int i = m_indexOfRow.value(r, -1);
        if (i >= 0) indices.push_back(i);
    }
    m_view->setHighlighted(indices);
}

void MapPanel::syncSelection() {
    std::vector<int> indices;
    for (const QString &id : m_session.selection()) {
        int i = indexOf(id);
        if (i >= 0) indices.push_back(i);
    }
    m_view->setSelected(indices);
}

} // namespace mnemo::ui
