#pragma once
// What a viewport shows and where its input goes. Both viewports (Vulkan and software) use the same feed.

#include "ViewportOverlay.hpp"

#include "mnemo/world/WorldPipeline.hpp"

#include <functional>
#include <memory>

namespace mnemo::ui {

class ControllerCapture;

struct ViewportFeed {
    // The newest engine frame not shown yet, or null, with the camera and pose it was made for (they travel with the
    // pixels so that whatever describes the frame on screen describes this one). Called on the UI thread.
    std::function<world::WorldFramePtr()> takeFrame;
    // Whether a new frame is waiting (cheap; polled by the viewport to decide when to draw).
    std::function<bool()> frameWaiting;
    // Called after a frame was handed to the display (latency stamping; it becomes the frame on screen).
    std::function<void(const world::WorldFramePtr &)> presented;
    // Called once per drawn frame; fills the engine-side fields of the overlay model.
    std::function<OverlayModel()> describe;
    // Receives keys and mouse motion while the viewport has control; may be null.
    ControllerCapture *controller = nullptr;
};

} // namespace mnemo::ui
