#pragma once
// Collects the viewport's keyboard and mouse while it has control, as controller state: the set of held keys (W3C
// codes) and mouse motion since the last sample. The World workspace samples it once per display tick and hands
// the tick to the engine (ControllerInput, latest-only). UI thread only.

#include "mnemo/camera/Camera.hpp"

#include <QObject>
#include <QPointF>
#include <QStringList>

class QKeyEvent;

namespace mnemo::ui {

class ControllerCapture : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    void keyEvent(const QKeyEvent &event, bool pressed);
    // Motion in pixels since the previous call (the viewport computes it, recentring the cursor as needed).
    void mouseMoved(QPointF delta);
    void wheel(float notches);
    // Releases every key: called when the viewport loses control, so nothing stays "held".
    void clear();

    // The tick for this display interval: held keys now, motion since the previous sample.
    camera::ControllerTick sample(int64_t nowUs);
    QStringList heldKeys() const { return m_keys; }

signals:
    void keysChanged(const QStringList &keys);

private:
    QStringList m_keys;
    QPointF m_motion;
    float m_wheel = 0;
};

} // namespace mnemo::ui
