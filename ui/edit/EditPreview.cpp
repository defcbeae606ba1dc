#include "edit/EditPreview.hpp"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <cmath>

namespace mnemo::ui {
namespace {

QImage view(const std::shared_ptr<const Frame> &frame) {
    if (!frame || frame->rgba.empty()) return {};
    return QImage(frame->rgba.data(), int(frame->width), int(frame->height), int(frame->width) * 4,
                  QImage::Format_RGBA8888);
}

} // namespace

EditPreview::EditPreview(QWidget *parent) : QWidget(parent) {
    setMinimumSize(320, 180);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMouseTracking(false);
}

void EditPreview::setPair(std::shared_ptr<const edit::PreviewPair> pair) {
    m_pair = std::move(pair);
    m_source = m_pair ? view(m_pair->source) : QImage();
    m_result = m_pair ? view(m_pair->result) : QImage();
    m_difference = m_pair ? view(m_pair->difference) : QImage();
    update();
}

void EditPreview::setMode(PreviewMode mode) {
    if (mode == m_mode) return;
    m_mode = mode;
    update();
    emit modeChanged(mode);
}

void EditPreview::setWipe(double fraction) {
    m_wipe = std::clamp(fraction, 0.0, 1.0);
    update();
}

void EditPreview::setPlaceholder(const QString &text) {
    m_placeholder = text;
    update();
}

QRectF EditPreview::fitted(const QRectF &area) const {
    const QSizeF frame = m_source.isNull() ? QSizeF(16, 9) : QSizeF(m_source.size());
    const QSizeF size = frame.scaled(area.size(), Qt::KeepAspectRatio);
    return QRectF(area.center() - QPointF(size.width() / 2, size.height() / 2), size);
}

void EditPreview::paintView(QPainter &p, const QRectF &area, const QImage &image, const QString &caption) const {
    const QRectF target = fitted(area.adjusted(4, 22, -4, -4));
    if (!image.isNull()) p.drawImage(target, image);
    p.setPen(palette().color(QPalette::BrightText));
    p.drawText(QRectF(target.left(), area.top() + 2, target.width(), 18), Qt::AlignLeft | Qt::AlignVCenter, caption);
}

void EditPreview::paintWipe(QPainter &p, const QRectF &area) const {
    const QRectF target = fitted(area.adjusted(4, 22, -4, -4));
    const double split = target.left() + m_wipe * target.width();
    if (!m_result.isNull()) p.drawImage(target, m_result);
    if (!m_source.isNull()) {
        const QRectF left(target.left(), target.top(), split - target.left(), target.height());
        const QRectF from(0, 0, m_wipe * m_source.width(), m_source.height());
        p.drawImage(left, m_source, from);
    }
    p.setPen(QPen(QColor(255, 210, 60), 2));
    p.drawLine(QPointF(split, target.top()), QPointF(split, target.bottom()));
    p.setPen(palette().color(QPalette::BrightText));
    p.drawText(QRectF(target.left(), area.top() + 2, target.width(), 18), Qt::AlignLeft | Qt::AlignVCenter,
               tr("Source ◂ drag ▸ Result"));
}

void EditPreview::paintEvent(QPaintEvent *) {
    QPainter p(this);
    p.fillRect(rect(), QColor(18, 18, 22));
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    if (!m_pair) {
        p.setPen(palette().color(QPalette::BrightText));
        p.drawText(rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    const QRectF all = rect();
    const QString frame = tr("frame %1").arg(m_pair->index);
    // A frame an interpolator made between the source frame before and this one says where it is.
    const Frame *result = m_pair->result.get();
    const QString between = result && result->interpolated()
                                ? tr(" · in between %1/%2").arg(result->part + 1).arg(result->parts)
                                : QString();
    switch (m_mode) {
    case PreviewMode::SideBySide: {
        const QRectF left(all.left(), all.top(), all.width() / 2, all.height());
        paintView(p, left, m_source, tr("Source · %1").arg(frame));
        const bool resized = !m_result.isNull() && m_result.size() != m_source.size();
        paintView(p, left.translated(all.width() / 2, 0), m_result,
                  (resized ? tr("Result · %1×%2").arg(m_result.width()).arg(m_result.height()) : tr("Result")) +
                      between);
        break;
    }
    case PreviewMode::Wipe: paintWipe(p, all); break;
    case PreviewMode::Difference:
        paintView(p, all, m_difference,
                  m_difference.isNull() ? tr("Difference (waiting for the next frame)")
                                        : tr("|Source − Result| × 4 · %1").arg(frame));
        break;
    case PreviewMode::Result: paintView(p, all, m_result, tr("Result · %1").arg(frame) + between); break;
    }
}

void EditPreview::dragWipe(double x) {
    const QRectF target = fitted(QRectF(rect()).adjusted(4, 22, -4, -4)); // where paintWipe puts the frame
    if (m_mode != PreviewMode::Wipe || target.width() <= 0) return;
    setWipe((x - target.left()) / target.width());
}

void EditPreview::mousePressEvent(QMouseEvent *event) {
    if (event->button() != Qt::LeftButton) return;
    m_lastDrag = event->position();
    dragWipe(event->position().x());
}

// Grabbing the picture: dragging it right moves the view left, by the distance in frames the drag covers.
void EditPreview::mouseMoveEvent(QMouseEvent *event) {
    if (!(event->buttons() & Qt::LeftButton)) return;
    if (m_mode == PreviewMode::Wipe) return dragWipe(event->position().x());
    const QPointF delta = event->position() - m_lastDrag;
    m_lastDrag = event->position();
    QRectF area = rect();
    if (m_mode == PreviewMode::SideBySide) area.setWidth(area.width() / 2);
    const QRectF shown = fitted(area.adjusted(4, 22, -4, -4)); // one frame as paintView places it
    if (!m_cameraGestures || shown.width() <= 0 || shown.height() <= 0) return;
    emit cameraMoved(-delta.x() / shown.width(), -delta.y() / shown.height(), 1.0);
}

void EditPreview::wheelEvent(QWheelEvent *event) {
    if (!m_cameraGestures) return event->ignore();
    emit cameraMoved(0, 0, std::pow(1.1, event->angleDelta().y() / 120.0));
}

} // namespace mnemo::ui
