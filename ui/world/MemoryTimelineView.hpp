#pragma once
// When each memory entry was written and read, on a step axis: a "write" lane (entries per pixel column, coloured by
// age like the map), a "read" lane (retrievals from the recent events, older reads from the entries' last read step)
// and red eviction ticks. Columns are binned per paint with binary searches over the step-ordered entries, so the
// cost follows the widget's width, not the bank's size. The step axis, zoom (wheel), pan (left drag) and refit
// (double click) are TimelineBase's; a left click in the write lane picks the entry written nearest to it.

#include "common/TimelineBase.hpp"
#include "mnemo/memory/MemorySnapshot.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace mnemo::ui {

class MemoryTimelineView : public TimelineBase {
    Q_OBJECT
public:
    explicit MemoryTimelineView(QWidget *parent = nullptr);

    void setSnapshot(std::shared_ptr<const memory::MemorySnapshot> snapshot);

    // Selects the entry and centres the view on its write step (zooming in when the whole run is shown).
    void jumpTo(quint64 entryId);
    void setSelectedEntry(std::optional<quint64> entryId);
    std::optional<quint64> selectedEntry() const { return m_selected; }

    double stepAt(double x) const { return timeAtX(x); }
    double firstVisibleStep() const { return visibleFrom(); }
    double lastVisibleStep() const { return visibleTo(); }
    void resetView() { fitView(); } // back to the whole run (double-click)
    // The entry written nearest to `step`, within `tolerance` steps.
    std::optional<quint64> entryNearStep(double step, double tolerance) const;
    QRect plotArea() const override;
    QRect writeLane() const;
    QRect readLane() const;

signals:
    void entryClicked(quint64 entryId);

protected:
    std::optional<std::pair<double, double>> dataRange() const override;
    void clicked(QPointF pos) override;

    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    struct Column {
        int writes = 0, reads = 0, evictions = 0;
        int steps = 0;  // whole steps the column covers
        double age = 0; // mean age of the entries written here
    };
    const memory::MemorySnapshot::Entry *findEntry(quint64 entryId) const;
    std::vector<Column> binColumns() const;
    std::vector<AxisTick> stepTicks() const;
    void paintLanes(QPainter &p, const std::vector<Column> &columns) const;
    void paintMarkers(QPainter &p) const;
    void paintHover(QPainter &p, const std::vector<Column> &columns) const;

    std::shared_ptr<const memory::MemorySnapshot> m_snapshot;
    std::optional<quint64> m_selected;
    std::optional<double> m_hoverX;
};

} // namespace mnemo::ui
