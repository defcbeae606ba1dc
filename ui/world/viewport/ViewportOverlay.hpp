#pragma once
// The World viewport's Dear ImGui HUD: device, frame rates, a live frame-time graph and the control hint.
// Pure ImGui calls on plain data, so it is drawn the same way by the Vulkan viewport and by CPU-only tests.

#include "FrameTimeHistory.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace mnemo::ui {

struct OverlayModel {
    std::string presenterDevice;   // the device that presents (Qt's Vulkan window)
    std::string engineDevice;      // the device the engine renders on
    std::string moduleName;        // the world module producing the frames
    std::string state;             // pipeline state ("running", "paused", ...)
    std::string problem;           // an error or warning to show, empty if none
    uint32_t frameWidth = 0;
    uint32_t frameHeight = 0;
    uint64_t frameIndex = 0;
    std::string between; // "in between 1/2 (interpolated)" for a frame the output chain made, else empty
    double producedFps = 0;
    double stepMsP50 = 0, stepMsP95 = 0;
    std::string remoteTimings; // a remote module's round trip and how it splits; empty for a local module
    double latencyMsP50 = 0, latencyMsP95 = 0;
    uint64_t displayDropped = 0;
    size_t memoryEntries = 0;
    double retrievalMsP50 = 0, retrievalMsP95 = 0;
    std::string retrievalName;
    std::vector<std::string> memoryPicks; // "frame 1234  score 0.62  covers 41%" per pick of the newest step
    std::string memoryUse; // "the model used 2 of 8 picks" when the module reports it (a remote model), else empty
    std::vector<float> stepMsHistory;    // oldest first
    std::vector<float> latencyMsHistory; // oldest first
    bool hasPose = false;
    float x = 0, y = 0, z = 0, yawDeg = 0, pitchDeg = 0;
    std::string heldKeys;
    std::string recording; // "REC 0:12, 345 frames, 3 dropped" while recording, else empty
    bool capturing = false;        // the viewport has keyboard and mouse
};

// Thread: UI, between ImGui::NewFrame() and ImGui::Render().
void drawViewportOverlay(const OverlayModel &model, const FrameTimeHistory &frameTimes);

} // namespace mnemo::ui
