#pragma once
// Creates the QVulkanInstance that Vulkan viewports present through, or explains why there is none
// (platforms such as `offscreen` cannot create Vulkan surfaces at all).

#include <QString>

#include <memory>

class QVulkanInstance;

namespace mnemo::ui {

struct PresenterInstance {
    std::unique_ptr<QVulkanInstance> instance; // null when Vulkan presentation is unavailable
    QString whyUnavailable;                    // set when instance is null
};

// Thread: UI, after QGuiApplication exists.
PresenterInstance createPresenterInstance();

} // namespace mnemo::ui
