#pragma once
// The World viewport's Dear ImGui HUD: device, frame rates, a live frame-time graph and the control hint.
// Pure ImGui calls on plain data, so it is drawn the same way by the Vulkan viewport and by CPU-only tests.

#include "FrameTimeHistory.hpp"

#include <cstdint>
#include <string>

namespace mnemo::ui {

struct OverlayModel {
    std::string presenterDevice;   // the device that presents (Qt's Vulkan window)
    std::string engineDevice;      // the device the engine renders on
    std::string sourceDescription; // what produces the frames, said honestly
    uint32_t frameWidth = 0;
    uint32_t frameHeight = 0;
    uint64_t sourceFrameIndex = 0;
    double sourceRenderMs = 0.0;
    uint64_t sourceDropped = 0;
    bool capturing = false;        // the viewport has keyboard and mouse
};

// Thread: UI, between ImGui::NewFrame() and ImGui::Render().
void drawViewportOverlay(const OverlayModel &model, const FrameTimeHistory &frameTimes);

} // namespace mnemo::ui
