#include "ViewportOverlay.hpp"

#include <imgui.h>

#include <algorithm>

namespace mnemo::ui {

void drawViewportOverlay(const OverlayModel &model, const FrameTimeHistory &frameTimes) {
    ImGui::SetNextWindowPos(ImVec2(12, 12), ImGuiCond_Always);
    ImGui::SetNextWindowBgAlpha(0.72f);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                                   ImGuiWindowFlags_NoNav;
    if (ImGui::Begin("##viewport-hud", nullptr, flags)) {
        ImGui::TextColored(ImVec4(0.55f, 0.85f, 1.0f, 1.0f), "%.1f fps", frameTimes.fps());
        ImGui::SameLine();
        ImGui::TextDisabled("(%.2f ms/frame presented)", frameTimes.averageMs());

        float maxMs = 1.0f;
        for (size_t i = 0; i < frameTimes.count(); ++i) maxMs = std::max(maxMs, frameTimes.at(i));
        char label[64];
        std::snprintf(label, sizeof label, "max %.1f ms", maxMs);
        ImGui::PlotLines("##frametimes", frameTimes.data(), int(frameTimes.count()), frameTimes.offset(), label, 0.0f,
                         maxMs * 1.15f, ImVec2(260, 56));

        ImGui::Separator();
        ImGui::Text("Present: %s", model.presenterDevice.c_str());
        ImGui::Text("Engine:  %s", model.engineDevice.c_str());
        ImGui::Text("Source:  %s", model.sourceDescription.c_str());
        if (model.frameWidth > 0) {
            ImGui::Text("Frame %llu  %ux%u  %.2f ms render  %llu dropped",
                        static_cast<unsigned long long>(model.sourceFrameIndex), model.frameWidth, model.frameHeight,
                        model.sourceRenderMs, static_cast<unsigned long long>(model.sourceDropped));
        } else {
            ImGui::TextDisabled("Waiting for the first engine frame...");
        }
        ImGui::Separator();
        if (model.capturing) {
            ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), "Controlling the viewport - Esc releases");
        } else {
            ImGui::TextDisabled("Click the viewport to control it");
        }
    }
    ImGui::End();
}

} // namespace mnemo::ui
