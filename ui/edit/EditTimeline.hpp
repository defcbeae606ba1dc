#pragma once
// The Edit timeline, on the shared timeline base (zoom with the wheel, pan with the right or middle button, double
// click to fit): the source's frames with the in/out range and the playhead, the chain's time per module per frame
// (stacked, one colour per link), and the consistency curve (warp error between consecutive edited frames, lower is
// steadier). A left press or drag scrubs: it asks the session to seek (seekRequested).

#include "common/TimelineBase.hpp"
#include "edit/EditSession.hpp"

namespace mnemo::ui {

class EditTimeline : public TimelineBase {
    Q_OBJECT
public:
    explicit EditTimeline(QWidget *parent = nullptr);

    void setView(const EditView &view, const std::vector<std::string> &linkNames);
    void setCameraPath(std::shared_ptr<const edit::CameraPath> path);
    QRect plotArea() const override;
    QSize sizeHint() const override { return {800, 170}; }
    static QColor linkColor(size_t link);

signals:
    void seekRequested(quint64 frame);

protected:
    std::optional<std::pair<double, double>> dataRange() const override;
    Press pressKind(const QMouseEvent &event) const override;
    void clicked(QPointF pos) override { scrubTo(pos.x()); }
    void drawStarted(QPointF pos) override { scrubTo(pos.x()); }
    void drawMoved(QPointF pos) override { scrubTo(pos.x()); }
    void paintEvent(QPaintEvent *event) override;

private:
    static constexpr int kGutter = 86;
    QRect framesLane() const;
    QRect cameraLane() const;
    void paintCamera(QPainter &p) const;
    QRect modulesLane() const;
    QRect curveLane() const;
    std::vector<AxisTick> frameTicks() const;
    void scrubTo(double x);
    using Rows = std::vector<const edit::FrameRecord *>;  // the visible records, in frame order
    using Columns = std::vector<std::pair<size_t, size_t>>; // per pixel column: the rows [first, second) it shows
    void paintFrames(QPainter &p, const Columns &cols) const;
    void paintModules(QPainter &p, const Rows &rows, const Columns &cols) const;
    void paintCurve(QPainter &p, const Rows &rows, const Columns &cols) const;
    void paintPlayhead(QPainter &p) const;
    Rows visibleRows() const;
    // Rows whose frame falls in each pixel column of the plot.
    Columns columns(const Rows &rows) const;

    EditView m_view;
    std::vector<std::string> m_linkNames;
    std::shared_ptr<const edit::CameraPath> m_cameraPath;
    uint64_t m_lastFrame = 0; // the end of the data: the source's length, or the newest record
};

} // namespace mnemo::ui
