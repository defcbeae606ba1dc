#pragma once
// Events on a time axis, one row per lane, with a cursor to travel in time and an optional compare marker. Sparse
// stretches show every event as a tick (clickable); once there are more than kDenseEventsPerPixel events per pixel
// column the lanes turn into histograms of counts per column. Those counts come from per-lane time arrays built off
// the UI thread when the events change, so binning a zoom or resize is a few binary searches per column, whatever the
// number of events.
//
// Mouse: click or drag left in the axis or lanes moves the cursor (reported at most every kCursorSignalMs while
// dragging), Shift+click places the compare marker, a click on a tick selects that event, right-drag pans, the wheel
// zooms around the mouse, a double click shows all events (the range, zoom, pan and axis are TimelineBase's). Keys:
// Left/Right step to the previous/next event, Home/End jump to the first/last, Esc clears the compare marker.
//
// Signals report what the user did (and follow-latest jumps); setters called by the owner stay silent.

#include "common/LatestJob.hpp"
#include "common/TimelineBase.hpp"

#include <QColor>
#include <QElapsedTimer>
#include <QList>
#include <QStringList>
#include <QTimer>

#include <cmath>
#include <memory>
#include <optional>
#include <vector>

namespace mnemo::ui {

struct TimelineEvent {
    qint64 timeUs; // microseconds since the Unix epoch; shown in local time
    quint16 lane;
    quint32 payload; // the caller's row index, handed back by eventClicked
};

class TimelineView : public TimelineBase {
    Q_OBJECT
public:
    static constexpr double kDenseEventsPerPixel = 2.0;
    static constexpr int kCursorSignalMs = 30;

    explicit TimelineView(QWidget *parent = nullptr);

    // Lane k is named names[k] and drawn in colours[k]; missing names or colours get defaults. Events on lanes past
    // the names still get a row.
    void setLanes(QStringList names, QList<QColor> colours);
    // Events sorted by time (an unsorted list is sorted on the worker, at a cost). Until the caller sets a range or
    // the user zooms, the visible range follows the events. A cursor nobody placed yet starts at the newest event.
    void setEvents(std::vector<TimelineEvent> sortedByTime);
    void setRange(qint64 fromUs, qint64 toUs) { placeRange(double(fromUs), double(toUs)); } // the visible window
    qint64 rangeFromUs() const { return qint64(std::llround(visibleFrom())); }
    qint64 rangeToUs() const { return qint64(std::llround(visibleTo())); }
    void fitToEvents() { fitView(); }

    qint64 cursorUs() const { return m_cursor; }
    void setCursorUs(qint64 us);
    std::optional<qint64> compareUs() const { return m_compare; }
    void setCompareUs(std::optional<qint64> us);
    // Live mode: each setEvents moves the cursor to the newest event (and scrolls it into view). The user moving the
    // cursor elsewhere turns it off, reported by followLatestChanged.
    void setFollowLatest(bool on);
    bool followLatest() const { return m_follow; }

    int eventCount() const { return m_events ? int(m_events->size()) : 0; }
    int laneCount() const;
    bool isBusy() const { return m_indexJob.busy(); } // the per-lane index is being built
    bool histogramMode() const;                       // the visible range is too dense for ticks
    std::optional<quint32> selectedPayload() const;

    QRect plotArea() const override; // lanes, right of the names, below the axis
    QRect laneRect(int lane) const;
    double xOf(qint64 us) const { return xAt(double(us)); }
    qint64 timeAt(double x) const { return qint64(std::llround(timeAtX(x))); }

signals:
    void cursorChanged(qint64 us);
    void compareChanged(std::optional<qint64> us);
    void eventClicked(quint32 payload);
    void rangeChanged(qint64 fromUs, qint64 toUs); // any change but setRange: zoom, pan, fit, following the cursor
    void followLatestChanged(bool on);

protected:
    std::optional<std::pair<double, double>> dataRange() const override;
    void rangeMoved() override;
    Press pressKind(const QMouseEvent &event) const override;
    void drawStarted(QPointF pressPos) override; // the cursor scrub
    void drawMoved(QPointF pos) override;

    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    using Events = std::shared_ptr<const std::vector<TimelineEvent>>;
    struct LaneIndex {
        Events events;                          // what was indexed, sorted
        std::vector<std::vector<qint64>> times; // per lane, ascending
    };
    struct Histogram {
        qint64 from = 0, to = 0;
        int width = 0;
        quint64 indexGeneration = 0;
        std::vector<std::vector<int>> counts; // per lane, per pixel column
        int maxCount = 0;
    };

    void applyIndex(LaneIndex &&index);
    void moveCursorByUser(qint64 us, bool keepFollowing = false);
    void emitCursorThrottled();
    void flushCursorSignal();
    void ensureVisible(qint64 us);
    int eventNear(QPointF pos) const; // index into m_events of a tick under pos, or -1
    int selectedIndex() const;        // where the selected event is in m_events, or -1
    std::pair<int, int> visibleEvents() const;
    const Histogram &histogram() const;
    QString laneName(int lane) const;
    QColor laneColour(int lane) const;

    void paintTimeAxis(QPainter &p, qint64 precisionUs) const;
    void paintLanes(QPainter &p) const;
    void paintTicks(QPainter &p) const;
    void paintHistograms(QPainter &p) const;
    void paintMarkers(QPainter &p, qint64 precisionUs) const;

    QStringList m_laneNames;
    QList<QColor> m_laneColours;
    Events m_events;
    LaneIndex m_index;
    QString m_indexError; // why indexing the current events failed; shown where the histograms would be
    quint64 m_indexGeneration = 0; // bumped per applied index: the histogram cache key
    mutable Histogram m_histogram; // cached per range, width and index
    int m_maxLane = -1;

    qint64 m_cursor = 0;
    bool m_cursorPlaced = false; // by the owner or the user; until then the first events place it at the newest
    std::optional<qint64> m_compare;
    bool m_follow = false;
    std::optional<TimelineEvent> m_selected; // found again by time after setEvents, so live updates keep it

    bool m_pressedOnTick = false; // the scrub began on a tick: the cursor stays on its event through a click's jitter
    QElapsedTimer m_sinceCursorSignal;
    QTimer m_cursorSignalTimer; // delivers the last position of a throttled drag
    bool m_cursorSignalPending = false;

    LatestJob<LaneIndex> m_indexJob{this, "indexing the timeline"};
};

} // namespace mnemo::ui
