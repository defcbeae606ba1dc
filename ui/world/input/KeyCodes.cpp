#include "KeyCodes.hpp"

#include <QGuiApplication>
#include <QKeyEvent>

namespace mnemo::ui {
namespace {

// X11 keycodes are Linux evdev codes + 8.
struct ScanCode {
    quint32 x11;
    const char *code;
};
constexpr ScanCode kX11[] = {
    {24, "KeyQ"}, {25, "KeyW"}, {26, "KeyE"}, {27, "KeyR"}, {38, "KeyA"}, {39, "KeyS"}, {40, "KeyD"},
    {41, "KeyF"}, {52, "KeyZ"}, {53, "KeyX"}, {54, "KeyC"}, {65, "Space"}, {50, "ShiftLeft"}, {62, "ShiftRight"},
    {37, "ControlLeft"}, {105, "ControlRight"}, {64, "AltLeft"}, {23, "Tab"}, {111, "ArrowUp"}, {113, "ArrowLeft"},
    {114, "ArrowRight"}, {116, "ArrowDown"},
};

QString fromQtKey(int key) {
    if (key >= Qt::Key_A && key <= Qt::Key_Z) return QStringLiteral("Key") + QChar('A' + (key - Qt::Key_A));
    if (key >= Qt::Key_0 && key <= Qt::Key_9) return QStringLiteral("Digit") + QChar('0' + (key - Qt::Key_0));
    switch (key) {
    case Qt::Key_Space: return "Space";
    case Qt::Key_Shift: return "ShiftLeft";
    case Qt::Key_Control: return "ControlLeft";
    case Qt::Key_Alt: return "AltLeft";
    case Qt::Key_Tab: return "Tab";
    case Qt::Key_Up: return "ArrowUp";
    case Qt::Key_Down: return "ArrowDown";
    case Qt::Key_Left: return "ArrowLeft";
    case Qt::Key_Right: return "ArrowRight";
    default: return {};
    }
}

} // namespace

QString w3cKeyCode(const QKeyEvent &event) {
    if (event.nativeScanCode() != 0 && QGuiApplication::platformName() == "xcb") {
        for (const auto &s : kX11) {
            if (s.x11 == event.nativeScanCode()) return s.code;
        }
    }
    return fromQtKey(event.key());
}

} // namespace mnemo::ui
