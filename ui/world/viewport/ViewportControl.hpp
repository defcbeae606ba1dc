#pragma once
// Click to control, Escape to release, and where keyboard, mouse and wheel go while the viewport has control: the
// behaviour both viewports (Vulkan and software) share, in one place. A viewport forwards its input events here and
// says, through `onChange`, what taking or giving back control means on its surface (grabs, cursor, focus).
//
// Control is released on Escape and whenever the viewport loses focus (Alt+Tab, a click in a dock), so the mouse is
// never left grabbed; releasing clears held keys so the world does not keep walking.

#include <QPointF>

#include <functional>

class QKeyEvent;
class QWheelEvent;

namespace mnemo::ui {

class ControllerCapture;

class ViewportControl {
public:
    // `controller` may be null (input is then only for taking and releasing control).
    ViewportControl(ControllerCapture *controller, std::function<void(bool capturing)> onChange)
        : m_controller(controller), m_onChange(std::move(onChange)) {}

    bool capturing() const { return m_capturing; }
    void setCapturing(bool capturing);

    // A press at `position`: a left click takes control unless the overlay under the cursor wants the mouse.
    void press(QPointF position, bool leftButton, bool overlayWantsMouse = false);
    // A move to `position`: while controlling, the motion since the last position becomes mouse-look.
    void move(QPointF position);
    // Where motion is measured from next (a viewport that warps the cursor back to its centre says where to).
    void setReference(QPointF position) { m_last = position; }
    void wheel(const QWheelEvent &event);
    // True when the key was Escape and released control (the viewport then accepts the event and stops).
    bool keyPress(const QKeyEvent &event);
    void keyRelease(const QKeyEvent &event);
    void focusLost() { setCapturing(false); }

private:
    ControllerCapture *m_controller;
    std::function<void(bool)> m_onChange;
    QPointF m_last;
    bool m_capturing = false;
};

} // namespace mnemo::ui
