#pragma once
// The Memory panel of the World workspace: a top-down map of the memory bank (trajectory, view cones, the last
// retrieval's sample points and picks, the current camera), a write/read timeline, and budget/occupancy gauges.
// Its input is the World session's published view (setView, at the session's cadence) or a snapshot directly;
// both are cheap and the views repaint lazily.

#include "mnemo/memory/MemorySnapshot.hpp"

#include <QDockWidget>

#include <memory>

class QLabel;
class QProgressBar;

namespace mnemo::ui {

class MemoryMapView;
struct WorldView;
class MemoryTimelineView;

class MemoryPanel : public QDockWidget {
    Q_OBJECT
public:
    explicit MemoryPanel(QWidget *parent = nullptr);

    void setSnapshot(std::shared_ptr<const memory::MemorySnapshot> snapshot); // UI thread
    void setView(const mnemo::ui::WorldView &view);                            // UI thread
    MemoryMapView *map() const { return m_map; }
    MemoryTimelineView *timeline() const { return m_timeline; }

signals:
    void entryActivated(quint64 entryId); // a click on an entry (map or timeline)

private:
    void onMapEntry(quint64 entryId);
    void onTimelineEntry(quint64 entryId);
    void updateGauges();

    std::shared_ptr<const memory::MemorySnapshot> m_snapshot;
    MemoryMapView *m_map;
    MemoryTimelineView *m_timeline;
    QLabel *m_occupancy;
    QProgressBar *m_budget;
    QLabel *m_retrieval;
};

} // namespace mnemo::ui
