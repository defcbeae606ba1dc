#include "SoftwareViewport.hpp"

#include "world/input/ControllerCapture.hpp"

#include <QKeyEvent>
#include <QPainter>
#include <QTimer>

namespace mnemo::ui {

SoftwareViewport::SoftwareViewport(ViewportFeed feed, QString reason, QWidget *parent)
    : QWidget(parent), m_feed(std::move(feed)), m_reason(std::move(reason)),
      m_control(m_feed.controller, [this](bool capturing) { applyCapture(capturing); }), m_timer(new QTimer(this)) {
    setObjectName("softwareViewport");
    setFocusPolicy(Qt::ClickFocus);
    setMinimumSize(320, 180);
    setAttribute(Qt::WA_OpaquePaintEvent);
    // Poll the mailbox at display rate; painting only happens when a new frame arrived.
    m_timer->setInterval(16);
    connect(m_timer, &QTimer::timeout, this, &SoftwareViewport::poll);
    m_timer->start();
}

void SoftwareViewport::poll() {
    if (!m_feed.takeFrame) return;
    const world::WorldFramePtr shown = m_feed.takeFrame();
    if (!shown) return;
    const Frame *frame = shown->frame.get();
    // Copy: the QImage must own its pixels, the frame may be released by the mailbox at any time after this.
    m_image = QImage(frame->rgba.data(), int(frame->width), int(frame->height), int(frame->width) * 4,
                     QImage::Format_RGBA8888)
                  .copy();
    m_frameIndex = frame->index;
    update();
    if (m_feed.presented) m_feed.presented(shown);
}

void SoftwareViewport::paintEvent(QPaintEvent *) {
    QPainter p(this);
    p.fillRect(rect(), QColor(18, 19, 23));
    if (!m_image.isNull()) {
        QSize scaled = m_image.size().scaled(size(), Qt::KeepAspectRatio);
        QRect target(QPoint((width() - scaled.width()) / 2, (height() - scaled.height()) / 2), scaled);
        p.drawImage(target, m_image);
        m_frameTimes.markFrame();
        if (++m_presentedEngineFrames == 1) emit firstFramePresented();
    }
    const OverlayModel model = m_feed.describe ? m_feed.describe() : OverlayModel{};
    QString hud = QStringLiteral("%1 fps shown  ·  Module: %2 (%3)\nEngine: %4\nSoftware preview: %5\n%6")
                            .arg(double(m_frameTimes.fps()), 0, 'f', 1)
                            .arg(QString::fromStdString(model.moduleName), QString::fromStdString(model.state))
                            .arg(QString::fromStdString(model.engineDevice))
                            .arg(m_reason)
                            .arg(capturing() ? tr("Controlling the viewport — Esc releases")
                                             : tr("Click the viewport to control it"));
    if (!model.between.empty()) hud += "\n" + QString::fromStdString(model.between);
    const QRect box = p.boundingRect(QRect(12, 12, width() - 24, height() - 24), Qt::AlignLeft | Qt::AlignTop, hud);
    p.fillRect(box.adjusted(-8, -6, 8, 6), QColor(15, 15, 20, 190));
    p.setPen(QColor(220, 225, 235));
    p.drawText(box, Qt::AlignLeft | Qt::AlignTop, hud);
}

// Keyboard focus is enough here: offscreen-style platforms cannot grab the keyboard, and may not warp the cursor, so
// motion is measured from the last position.
void SoftwareViewport::applyCapture(bool capturing) {
    if (capturing) {
        setFocus(Qt::MouseFocusReason);
        setMouseTracking(true);
    }
    setCursor(capturing ? Qt::CrossCursor : Qt::ArrowCursor);
    update();
    emit captureChanged(capturing);
}

void SoftwareViewport::mousePressEvent(QMouseEvent *event) {
    m_control.press(event->position(), event->button() == Qt::LeftButton);
    QWidget::mousePressEvent(event);
}

void SoftwareViewport::mouseMoveEvent(QMouseEvent *event) {
    m_control.move(event->position());
    QWidget::mouseMoveEvent(event);
}

void SoftwareViewport::wheelEvent(QWheelEvent *event) {
    m_control.wheel(*event);
    QWidget::wheelEvent(event);
}

void SoftwareViewport::keyReleaseEvent(QKeyEvent *event) {
    m_control.keyRelease(*event);
    QWidget::keyReleaseEvent(event);
}

void SoftwareViewport::keyPressEvent(QKeyEvent *event) {
    if (m_control.keyPress(*event)) {
        event->accept();
        return;
    }
    QWidget::keyPressEvent(event);
}

void SoftwareViewport::focusOutEvent(QFocusEvent *event) {
    m_control.focusLost();
    QWidget::focusOutEvent(event);
}

} // namespace mnemo::ui
