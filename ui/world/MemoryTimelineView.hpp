#pragma once
// When each memory entry was written and read, on a step axis: a "write" lane (entries per pixel column, coloured by
// age like the map), a "read" lane (retrievals from the recent events, older reads from the entries' last read step)
// and red eviction ticks. Columns are binned per paint with binary searches over the step-ordered entries, so the
// cost follows the widget's width, not the bank's size.

#include "mnemo/memory/MemorySnapshot.hpp"

#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

namespace mnemo::ui {

class MemoryTimelineView : public QWidget {
    Q_OBJECT
public:
    explicit MemoryTimelineView(QWidget *parent = nullptr);

    void setSnapshot(std::shared_ptr<const memory::MemorySnapshot> snapshot);

    // Selects the entry and centres the view on its write step (zooming in when the whole run is shown).
    void jumpTo(quint64 entryId);
    void setSelectedEntry(std::optional<quint64> entryId);
    std::optional<quint64> selectedEntry() const { return m_selected; }

    double stepAt(double x) const;
    double xAt(double step) const;
    double firstVisibleStep() const;
    double lastVisibleStep() const;
    void zoomAt(double x, double factor);
    void resetView();
    // The entry written nearest to `step`, within `tolerance` steps.
    std::optional<quint64> entryNearStep(double step, double tolerance) const;
    QRect writeLane() const;
    QRect readLane() const;

signals:
    void entryClicked(quint64 entryId);

protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    struct Column {
        int writes = 0, reads = 0, evictions = 0;
        int steps = 0;  // whole steps the column covers
        double age = 0; // mean age of the entries written here
    };
    const memory::MemorySnapshot::Entry *findEntry(quint64 entryId) const;
    std::vector<Column> binColumns() const;
    QRect plotArea() const;
    void paintRuler(QPainter &p, const QRect &area) const;
    void paintLanes(QPainter &p, const std::vector<Column> &columns) const;
    void paintMarkers(QPainter &p) const;
    void paintHover(QPainter &p, const std::vector<Column> &columns) const;
    void ensureManual();

    std::shared_ptr<const memory::MemorySnapshot> m_snapshot;
    bool m_autoFit = true;
    double m_first = 0, m_last = 100; // visible step range when not auto-fitting
    std::optional<quint64> m_selected;
    std::optional<double> m_hoverX;
    std::optional<QPointF> m_pressPos;
    double m_lastDragX = 0;
    bool m_dragging = false;
};

} // namespace mnemo::ui
