#pragma once
// Forwards a QWindow's mouse, wheel, key and text events into a Dear ImGui context.
// Debian's ImGui is 1.86, which predates io.AddKeyEvent(): this uses the legacy io.KeysDown/KeyMap/MouseDown fields.
// Positions come from the events (not QCursor::pos()) so that QTest-synthesised input drives the overlay in tests.
// Events are never consumed here: the owner decides, from io.WantCaptureMouse/Keyboard, what the engine receives.

#include <QObject>

struct ImGuiContext;

namespace mnemo::ui {

class ImGuiQtInput : public QObject {
    Q_OBJECT
public:
    ImGuiQtInput(ImGuiContext *context, QObject *parent = nullptr);
    // Sets io.KeyMap for the legacy key API; call once after ImGui::CreateContext().
    static void configureKeyMap();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    ImGuiContext *m_context;
};

} // namespace mnemo::ui
