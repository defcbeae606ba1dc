#pragma once
// The embedding map: the store's vectors projected to 2-D (PCA, on a worker thread), coloured by user, agent,
// tier, kind or age. A click selects an item, a lasso selects many, and the retrieval debugger's results are
// ringed. Large stores are sampled evenly (and the caption says so).

#include "common/LatestJob.hpp"

#include <QHash>
#include <QWidget>

#include <array>
#include <memory>
#include <vector>

class QComboBox;

namespace mnemo::agentmem {
class AgentStore;
}

namespace mnemo::ui {

class InspectSession;
class EmbeddingMapView;

class MapPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxPoints = 200000;
    explicit MapPanel(InspectSession &session, QWidget *parent = nullptr);
    void reload();
    bool isBusy() const;
    EmbeddingMapView *view() const { return m_view; }
    int indexOf(const QString &id) const { return m_indexOf.value(id, -1); }

    struct Loaded {
        std::vector<float> xy;
        std::vector<qint64> rowids;
        QStringList ids;
        std::vector<std::array<QString, 4>> keys; // user, agent/app, tier, kind
        std::vector<qint64> created;
        qint64 total = 0;
        float explained[2] = {0, 0};
        int dim = 0;
        QString error;
    };

private:
    // On the worker: the embeddings projected to 2-D with their items' keys, or why there are none.
    static Loaded read(const agentmem::AgentStore &reader);
    void apply(Loaded &&loaded);
    void recolour();
    void syncCurrent();
    void syncHighlighted();
    void syncSelection();

    InspectSession &m_session;
    QComboBox *m_colourBy;
    EmbeddingMapView *m_view;
    std::shared_ptr<Loaded> m_data;
    QHash<QString, int> m_indexOf;
    QHash<qint64, int> m_indexOfRow;
    LatestJob<Loaded> m_job{this, "projecting the embeddings"};
};

} // namespace mnemo::ui
