#pragma once
// What a viewport shows: the newest engine frame from a latest-wins mailbox, and a description for the overlay.
// Both viewports (Vulkan and software) draw from the same feed.

#include "ViewportOverlay.hpp"

#include "mnemo/core/Mailbox.hpp"
#include "mnemo/render/Frame.hpp"

#include <functional>

namespace mnemo::ui {

struct ViewportFeed {
    Mailbox<Frame> *frames = nullptr;
    // Called on the UI thread once per drawn frame; fills the engine and source fields of the overlay model.
    std::function<OverlayModel()> describe;
};

} // namespace mnemo::ui
