#pragma once
// The Edit preview: the source and the chain's result of the same frame, side by side, as a wipe (drag the divider,
// or the arrow keys nudge it), or as their difference (computed on the player's thread, amplified four times).
// It paints the frames it is handed (QImages over the frames' own pixels: no copy) letterboxed into its area, with
// a caption per view; nothing frame-sized is computed here.

#include "mnemo/edit/EditPlayer.hpp"

#include <QImage>
#include <QWidget>

#include <memory>

namespace mnemo::ui {

enum class PreviewMode { SideBySide = 0, Wipe = 1, Difference = 2, Result = 3 };

class EditPreview : public QWidget {
    Q_OBJECT
public:
    explicit EditPreview(QWidget *parent = nullptr);

    void setPair(std::shared_ptr<const edit::PreviewPair> pair);
    void setMode(PreviewMode mode);
    PreviewMode mode() const { return m_mode; }
    void setWipe(double fraction); // 0..1 of the frame's width showing the source
    double wipe() const { return m_wipe; }
    // Shown instead of frames while there are none (why, and what to do).
    void setPlaceholder(const QString &text);
    const edit::PreviewPair *pair() const { return m_pair.get(); }
    // With a virtual camera in the chain, a drag moves its view and the wheel zooms (outside the wipe mode, where a
    // drag moves the divider).
    void setCameraGestures(bool on) { m_cameraGestures = on; }

signals:
    void modeChanged(mnemo::ui::PreviewMode mode);
    void cameraMoved(double panX, double panY, double zoomFactor); // fractions of the frame; factor 1: no zoom

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;

private:
    QRectF fitted(const QRectF &area) const; // the frame's aspect inside `area`
    void paintView(QPainter &p, const QRectF &area, const QImage &image, const QString &caption) const;
    void paintWipe(QPainter &p, const QRectF &area) const;
    void dragWipe(double x);

    std::shared_ptr<const edit::PreviewPair> m_pair;
    QImage m_source, m_result, m_difference; // views of m_pair's pixels
    PreviewMode m_mode = PreviewMode::SideBySide;
    double m_wipe = 0.5;
    QString m_placeholder;
    bool m_cameraGestures = false;
    QPointF m_lastDrag;
};

} // namespace mnemo::ui
