#include "ImGuiQtInput.hpp"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>

#include <imgui.h>

namespace mnemo::ui {
namespace {

// Qt keys that ImGui's legacy KeyMap needs, mapped to slots in io.KeysDown (which is indexed by our own codes).
struct KeyBinding {
    ImGuiKey imguiKey;
    int qtKey;
};
constexpr KeyBinding kKeys[] = {
    {ImGuiKey_Tab, Qt::Key_Tab},         {ImGuiKey_LeftArrow, Qt::Key_Left}, {ImGuiKey_RightArrow, Qt::Key_Right},
    {ImGuiKey_UpArrow, Qt::Key_Up},      {ImGuiKey_DownArrow, Qt::Key_Down}, {ImGuiKey_PageUp, Qt::Key_PageUp},
    {ImGuiKey_PageDown, Qt::Key_PageDown}, {ImGuiKey_Home, Qt::Key_Home},    {ImGuiKey_End, Qt::Key_End},
    {ImGuiKey_Insert, Qt::Key_Insert},   {ImGuiKey_Delete, Qt::Key_Delete},  {ImGuiKey_Backspace, Qt::Key_Backspace},
    {ImGuiKey_Space, Qt::Key_Space},     {ImGuiKey_Enter, Qt::Key_Return},   {ImGuiKey_Escape, Qt::Key_Escape},
    {ImGuiKey_A, Qt::Key_A},             {ImGuiKey_C, Qt::Key_C},            {ImGuiKey_V, Qt::Key_V},
    {ImGuiKey_X, Qt::Key_X},             {ImGuiKey_Y, Qt::Key_Y},            {ImGuiKey_Z, Qt::Key_Z},
};

// Slot in io.KeysDown (512 entries) for a Qt key, or -1 if ImGui does not need it.
int keySlot(int qtKey) {
    for (int i = 0; i < int(sizeof kKeys / sizeof kKeys[0]); ++i) {
        if (kKeys[i].qtKey == qtKey) return i;
    }
    return -1;
}

int mouseButtonIndex(Qt::MouseButton button) {
    switch (button) {
    case Qt::LeftButton: return 0;
    case Qt::RightButton: return 1;
    case Qt::MiddleButton: return 2;
    default: return -1;
    }
}

} // namespace

ImGuiQtInput::ImGuiQtInput(ImGuiContext *context, QObject *parent) : QObject(parent), m_context(context) {}

void ImGuiQtInput::configureKeyMap() {
    ImGuiIO &io = ImGui::GetIO();
    for (int i = 0; i < int(sizeof kKeys / sizeof kKeys[0]); ++i) {
        io.KeyMap[kKeys[i].imguiKey] = i;
    }
}

bool ImGuiQtInput::eventFilter(QObject *watched, QEvent *event) {
    ImGuiContext *previous = ImGui::GetCurrentContext();
    ImGui::SetCurrentContext(m_context);
    ImGuiIO &io = ImGui::GetIO();
    switch (event->type()) {
    case QEvent::MouseMove:
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonRelease:
    case QEvent::MouseButtonDblClick: {
        auto *e = static_cast<QMouseEvent *>(event);
        io.MousePos = ImVec2(float(e->position().x()), float(e->position().y()));
        const int b = mouseButtonIndex(e->button());
        if (b >= 0 && event->type() != QEvent::MouseMove) {
            io.MouseDown[b] = event->type() != QEvent::MouseButtonRelease;
        }
        break;
    }
    case QEvent::Wheel: {
        auto *e = static_cast<QWheelEvent *>(event);
        io.MouseWheel += float(e->angleDelta().y()) / 120.0f;
        io.MouseWheelH += float(e->angleDelta().x()) / 120.0f;
        break;
    }
    case QEvent::Leave:
        io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        break;
    case QEvent::KeyPress:
    case QEvent::KeyRelease: {
        auto *e = static_cast<QKeyEvent *>(event);
        const bool down = event->type() == QEvent::KeyPress;
        if (const int slot = keySlot(e->key()); slot >= 0) io.KeysDown[slot] = down;
        io.KeyCtrl = e->modifiers() & Qt::ControlModifier;
        io.KeyShift = e->modifiers() & Qt::ShiftModifier;
        io.KeyAlt = e->modifiers() & Qt::AltModifier;
        io.KeySuper = e->modifiers() & Qt::MetaModifier;
        if (down && !e->text().isEmpty()) {
            for (QChar c : e->text()) {
                if (c.isPrint()) io.AddInputCharacterUTF16(c.unicode());
            }
        }
        break;
    }
    default:
        break;
    }
    ImGui::SetCurrentContext(previous);
    return QObject::eventFilter(watched, event);
}

} // namespace mnemo::ui
