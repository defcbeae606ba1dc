#pragma once
// What every timeline shares: a visible range [from, to] of a linear time (simulation steps, microseconds) laid
// across the plot area's width, which follows the data until the user zooms (the wheel, about the mouse) or pans (a
// drag), and follows it again after a double click; and the time axis above the plot: a band of labelled ticks with
// grid lines running down through the plot. Subclasses say where the plot is, what range the data covers and where
// the ticks go; by default a left press clicks or pans and the other buttons do nothing (see GestureView for more).

#include "common/GestureView.hpp"

#include <QRect>
#include <QString>

#include <optional>
#include <utility>
#include <vector>

namespace mnemo::ui {

class TimelineBase : public GestureView {
    Q_OBJECT
public:
    virtual QRect plotArea() const = 0;
    QRect axisArea() const; // the band above the plot, as wide as it

    double xAt(double t) const;
    double timeAtX(double x) const;
    double visibleFrom() const { return m_from; }
    double visibleTo() const { return m_to; }
    bool followsData() const { return m_following; }

    void zoomAt(double x, double factor); // keeps the time under `x` (clamped into the plot) in place
    void panBy(double dx);                // widget px; the content follows
    void fitView() override;              // follows the data again

protected:
    struct SpanLimits {
        double min, max;
    };
    struct AxisTick {
        double t;
        QString label;
        bool major = false; // drawn stronger
    };

    TimelineBase(SpanLimits spanLimits, double zoomPerNotch, QWidget *parent);

    // The range shown while following the data; nullopt while there is nothing to show (the range then stays).
    virtual std::optional<std::pair<double, double>> dataRange() const = 0;
    // The view moved its range by itself (zoom, pan, fit, scrolling along): TimelineView reports it.
    virtual void rangeMoved() {}

    // Spans outside the limits are clamped (a too short one about its middle). `report`: call rangeMoved.
    void setVisibleRange(double from, double to, bool report);
    // The owner or the subclass placed the range: stop following the data, report nothing.
    void placeRange(double from, double to);
    // The data changed: refit when following it.
    void followData();

    // Ticks in the axis band with their grid lines down to the plot's bottom, labels centred on the ticks and kept
    // inside the band; `caption` goes in the band's gutter, left of the plot (the unit, the date).
    void paintAxis(QPainter &p, const std::vector<AxisTick> &ticks, const QString &caption) const;

    Press pressKind(const QMouseEvent &event) const override;
    void zoomAround(QPointF anchor, double factor) override { zoomAt(anchor.x(), factor); }
    void panByPixels(QPointF delta) override { panBy(delta.x()); }

private:
    SpanLimits m_spanLimits;
    double m_from = 0, m_to = 1;
    bool m_following = true;
};

} // namespace mnemo::ui
