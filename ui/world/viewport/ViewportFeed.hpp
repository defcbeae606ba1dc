#pragma once
// What a viewport shows and where its input goes. Both viewports (Vulkan and software) use the same feed.

#include "ViewportOverlay.hpp"

#include "mnemo/render/Frame.hpp"

#include <functional>
#include <memory>

namespace mnemo::ui {

class ControllerCapture;

struct ViewportFeed {
    // The newest engine frame not shown yet, or null. Called on the UI thread when the viewport draws.
    std::function<std::shared_ptr<const Frame>()> takeFrame;
    // Whether a new frame is waiting (cheap; polled by the viewport to decide when to draw).
    std::function<bool()> frameWaiting;
    // Called after a frame was handed to the display (latency stamping).
    std::function<void(const Frame &)> presented;
    // Called once per drawn frame; fills the engine-side fields of the overlay model.
    std::function<OverlayModel()> describe;
    // Receives keys and mouse motion while the viewport has control; may be null.
    ControllerCapture *controller = nullptr;
};

} // namespace mnemo::ui
