#include "ViewportOverlay.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace mnemo::ui {
namespace {

void plotSeries(const char *id, const std::vector<float> &values, const char *unit, ImVec4 colour) {
    float maxValue = 1.0f;
    for (float v : values) maxValue = std::max(maxValue, v);
    char label[64];
    std::snprintf(label, sizeof label, "max %.1f %s", maxValue, unit);
    ImGui::PushStyleColor(ImGuiCol_PlotLines, colour);
    ImGui::PlotLines(id, values.data(), int(values.size()), 0, label, 0.0f, maxValue * 1.15f, ImVec2(260, 30));
    ImGui::PopStyleColor();
}

} // namespace

void drawViewportOverlay(const OverlayModel &model, const FrameTimeHistory &frameTimes) {
    ImGui::SetNextWindowPos(ImVec2(12, 12), ImGuiCond_Always);
    ImGui::SetNextWindowBgAlpha(0.72f);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                                   ImGuiWindowFlags_NoNav;
    if (ImGui::Begin("##viewport-hud", nullptr, flags)) {
        if (!model.recording.empty()) {
            ImGui::TextColored(ImVec4(1.0f, 0.3f, 0.3f, 1.0f), "%s", model.recording.c_str());
        }
        ImGui::TextColored(ImVec4(0.55f, 0.85f, 1.0f, 1.0f), "%.1f fps shown", frameTimes.fps());
        ImGui::SameLine();
        ImGui::TextDisabled("| %.1f fps generated | %s", model.producedFps, model.state.c_str());

        std::vector<float> presented(frameTimes.count());
        for (size_t i = 0; i < presented.size(); ++i) presented[i] = frameTimes.at(i);
        ImGui::TextDisabled("present interval");
        plotSeries("##present", presented, "ms", ImVec4(0.55f, 0.85f, 1.0f, 1.0f));
        ImGui::Text("step %.1f / %.1f ms (p50/p95)", model.stepMsP50, model.stepMsP95);
        plotSeries("##step", model.stepMsHistory, "ms", ImVec4(0.6f, 1.0f, 0.5f, 1.0f));
        if (!model.remoteTimings.empty()) ImGui::TextWrapped("%s", model.remoteTimings.c_str());
        ImGui::Text("input->display %.1f / %.1f ms (p50/p95)", model.latencyMsP50, model.latencyMsP95);
        plotSeries("##latency", model.latencyMsHistory, "ms", ImVec4(1.0f, 0.75f, 0.35f, 1.0f));

        ImGui::Separator();
        ImGui::Text("Module:  %s", model.moduleName.c_str());
        ImGui::Text("Engine:  %s", model.engineDevice.c_str());
        ImGui::Text("Present: %s", model.presenterDevice.c_str());
        if (model.frameWidth > 0) {
            ImGui::Text("Frame %llu  %ux%u  %llu dropped by the display",
                        static_cast<unsigned long long>(model.frameIndex), model.frameWidth, model.frameHeight,
                        static_cast<unsigned long long>(model.displayDropped));
            if (!model.between.empty()) {
                ImGui::TextColored(ImVec4(0.6f, 0.9f, 0.6f, 1.0f), "  %s", model.between.c_str());
            }
        } else {
            ImGui::TextDisabled("Waiting for the first frame...");
        }
        ImGui::Text("Memory: %zu entries, %s %.2f / %.2f ms (p50/p95)", model.memoryEntries,
                    model.retrievalName.c_str(), model.retrievalMsP50, model.retrievalMsP95);
        for (const auto &pick : model.memoryPicks) ImGui::TextColored(ImVec4(0.75f, 0.9f, 1.0f, 1.0f), "  %s", pick.c_str());
        if (!model.memoryUse.empty()) ImGui::TextColored(ImVec4(0.6f, 1.0f, 0.6f, 1.0f), "  %s", model.memoryUse.c_str());
        if (model.hasPose) {
            ImGui::Text("Camera  x %.2f  z %.2f  yaw %.1f  pitch %.1f", model.x, model.z, model.yawDeg,
                        model.pitchDeg);
        }
        if (!model.problem.empty()) {
            ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
            ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", model.problem.c_str());
            ImGui::PopTextWrapPos();
        }
        ImGui::Separator();
        if (model.capturing) {
            ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), "WASD move, mouse/arrows look - Esc releases");
            if (!model.heldKeys.empty()) ImGui::TextDisabled("held: %s", model.heldKeys.c_str());
        } else {
            ImGui::TextDisabled("Click the viewport to control it");
        }
    }
    ImGui::End();
}

} // namespace mnemo::ui
