#include "ControllerCapture.hpp"

#include "KeyCodes.hpp"

#include <QKeyEvent>

namespace mnemo::ui {

void ControllerCapture::keyEvent(const QKeyEvent &event, bool pressed) {
    if (event.isAutoRepeat()) return;
    const QString code = w3cKeyCode(event);
    if (code.isEmpty()) return;
    const bool held = m_keys.contains(code);
    if (pressed && !held) {
        m_keys.append(code);
    } else if (!pressed && held) {
        m_keys.removeAll(code);
    } else {
        return;
    }
    emit keysChanged(m_keys);
}

void ControllerCapture::mouseMoved(QPointF delta) { m_motion += delta; }

void ControllerCapture::wheel(float notches) { m_wheel += notches; }

void ControllerCapture::clear() {
    m_motion = {};
    m_wheel = 0;
    if (!m_keys.isEmpty()) {
        m_keys.clear();
        emit keysChanged(m_keys);
    }
}

camera::ControllerTick ControllerCapture::sample(int64_t nowUs) {
    camera::ControllerTick tick;
    tick.tUs = nowUs;
    for (const QString &k : m_keys) tick.keys.push_back(k.toStdString());
    tick.mouseDx = float(m_motion.x());
    tick.mouseDy = float(m_motion.y());
    tick.wheel = m_wheel;
    m_motion = {};
    m_wheel = 0;
    return tick;
}

} // namespace mnemo::ui
