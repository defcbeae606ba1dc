#include "PresenterInstance.hpp"

#include <QGuiApplication>
#include <QVulkanInstance>

namespace mnemo::ui {

PresenterInstance createPresenterInstance() {
    PresenterInstance result;
    const QString platform = QGuiApplication::platformName();
    // These platform plugins have no Vulkan surface support; asking them only prints a warning.
    if (platform == "offscreen" || platform == "minimal" || platform == "vnc") {
        result.whyUnavailable = QStringLiteral("the '%1' Qt platform cannot present Vulkan").arg(platform);
        return result;
    }
    auto instance = std::make_unique<QVulkanInstance>();
    instance->setApiVersion(QVersionNumber(1, 1));
#ifndef NDEBUG
    if (qEnvironmentVariable("MNEMO_VK_VALIDATION") != "0" &&
        instance->supportedLayers().contains("VK_LAYER_KHRONOS_validation")) {
        instance->setLayers({"VK_LAYER_KHRONOS_validation"});
    }
#endif
    if (!instance->create()) {
        result.whyUnavailable =
            QStringLiteral("no Vulkan instance on platform '%1' (error %2)").arg(platform).arg(instance->errorCode());
        return result;
    }
    result.instance = std::move(instance);
    return result;
}

} // namespace mnemo::ui
