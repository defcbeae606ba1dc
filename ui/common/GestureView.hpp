#pragma once
// The mouse grammar every zoomable view shares (the maps through PanZoomView, the timelines through TimelineBase):
// the wheel zooms about the cursor, a drag pans, a press that stays within kClickSlop px is a click, and a double
// click shows all the content again. What a press starts is the subclass's call (pressKind): a click-or-pan, a pan
// at once, or a drag of its own ("draw": a lasso, a scrub), also at once or once the press has moved past the slop.
// The subclass says what zooming and panning do to its view and what clicks and drawing mean.

#include <QPointF>
#include <QWidget>

namespace mnemo::ui {

class GestureView : public QWidget {
    Q_OBJECT
public:
    static constexpr double kClickSlop = 4.0; // px (Manhattan) a press may wander and still be a click

    // Shows all the content again and follows it (a double click, by default).
    virtual void fitView() = 0;

protected:
    enum class Press {
        Ignore,      // this button does nothing here
        ClickOrPan,  // a click, or a pan once it moves past the slop
        ClickOrDraw, // a click, or the subclass's drag once it moves past the slop
        Pan,         // a pan from the start
        Draw,        // the subclass's drag from the start
    };

    // `zoomPerNotch`: the factor one wheel notch (120 eighths of a degree) zooms by.
    GestureView(double zoomPerNotch, QWidget *parent);

    virtual Press pressKind(const QMouseEvent &event) const = 0;
    virtual void zoomAround(QPointF anchor, double factor) = 0; // the wheel turned over `anchor`
    virtual void panByPixels(QPointF delta) = 0;                // a pan moved the mouse by `delta`
    virtual void clicked(QPointF) {}                            // released within the slop
    virtual void drawStarted(QPointF /*pressPos*/) {}
    virtual void drawMoved(QPointF) {}
    virtual void drawFinished(QPointF) {}
    virtual void doubleClicked(QPointF) { fitView(); } // left button

    bool isPressed() const { return m_press != Press::Ignore; } // a gesture is under way
    QPointF pressPos() const { return m_pressPos; }

    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;

private:
    double m_zoomPerNotch;
    Press m_press = Press::Ignore;
    Qt::MouseButton m_button = Qt::NoButton; // the one that started the gesture: only its release ends it
    QPointF m_pressPos;
    QPointF m_lastPanPos; // where the content was last moved to; the press point until a click turns into a pan
};

} // namespace mnemo::ui
