#pragma once
// The hand-over of controller state from the UI thread to the engine thread, latest-only: the engine reads the
// newest held-key set when it steps, and the mouse motion accumulated since its previous read (so no motion is
// lost when the UI ticks faster than the engine steps). Never blocks the UI thread for longer than a copy.

#include "mnemo/camera/Camera.hpp"

#include <mutex>

namespace mnemo::camera {

class ControllerInput {
public:
    // Thread: UI, once per display tick (or per input event). Keys replace the previous set; motion adds up.
    void submit(const ControllerTick &tick) {
        std::lock_guard lock(m_mutex);
        m_pending.keys = tick.keys;
        m_pending.tUs = tick.tUs;
        m_pending.mouseDx += tick.mouseDx;
        m_pending.mouseDy += tick.mouseDy;
        m_pending.wheel += tick.wheel;
    }

    // Thread: engine. The coalesced tick; motion is reset, held keys stay held until the UI says otherwise.
    ControllerTick take() {
        std::lock_guard lock(m_mutex);
        ControllerTick out = m_pending;
        m_pending.mouseDx = m_pending.mouseDy = m_pending.wheel = 0;
        return out;
    }

    void clear() {
        std::lock_guard lock(m_mutex);
        m_pending = {};
    }

private:
    mutable std::mutex m_mutex;
    ControllerTick m_pending;
};

} // namespace mnemo::camera
