#pragma once
// Qt key events -> W3C KeyboardEvent.code names ("KeyW", "ArrowLeft", "ShiftLeft"), the key names of the canonical
// controller state. Codes name *physical* keys, so WASD stays under the left hand on AZERTY too: on X11 the native
// scan code decides; where there is none (offscreen tests, other platforms) the Qt key is used.

#include <QString>

class QKeyEvent;

namespace mnemo::ui {

// Empty for keys without a W3C code in our table.
QString w3cKeyCode(const QKeyEvent &event);

} // namespace mnemo::ui
