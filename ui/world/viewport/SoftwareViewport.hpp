#pragma once
// The viewport for platforms without Vulkan surfaces (QT_QPA_PLATFORM=offscreen in CI, remote sessions): it paints
// the newest engine frame with QPainter and a plain-text HUD, and says on screen that it is the software preview.
// Same feed, same click-to-control / Escape-to-release behaviour as VulkanViewport.

#include "FrameTimeHistory.hpp"
#include "ViewportControl.hpp"
#include "ViewportFeed.hpp"

#include <QImage>
#include <QWidget>

class QTimer;

namespace mnemo::ui {

class SoftwareViewport : public QWidget {
    Q_OBJECT
public:
    SoftwareViewport(ViewportFeed feed, QString reason, QWidget *parent = nullptr);

    bool capturing() const { return m_control.capturing(); }
    void setCapturing(bool capturing) { m_control.setCapturing(capturing); }
    uint64_t presentedEngineFrames() const { return m_presentedEngineFrames; }

signals:
    void captureChanged(bool capturing);
    void firstFramePresented();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;

private:
    void poll();
    void applyCapture(bool capturing);

    ViewportFeed m_feed;
    QString m_reason;
    QImage m_image;
    uint64_t m_frameIndex = 0;
    ViewportControl m_control;
    uint64_t m_presentedEngineFrames = 0;
    FrameTimeHistory m_frameTimes;
    QTimer *m_timer;
};

} // namespace mnemo::ui
