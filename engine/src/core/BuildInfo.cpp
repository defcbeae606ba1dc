#include "mnemo/core/BuildInfo.hpp"

#include <sqlite3.h>
#include <vulkan/vulkan.h>
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace mnemo {
namespace {
std::string avVersion(unsigned v) {
    return std::to_string(AV_VERSION_MAJOR(v)) + "." + std::to_string(AV_VERSION_MINOR(v)) + "." +
           std::to_string(AV_VERSION_MICRO(v));
}
} // namespace

std::vector<std::pair<std::string, std::string>> libraryVersions() {
    uint32_t loader = VK_API_VERSION_1_0;
    vkEnumerateInstanceVersion(&loader);
    return {
        {"vulkan-loader", std::to_string(VK_API_VERSION_MAJOR(loader)) + "." +
                              std::to_string(VK_API_VERSION_MINOR(loader)) + "." +
                              std::to_string(VK_API_VERSION_PATCH(loader))},
        {"libavcodec", avVersion(avcodec_version())},
        {"libavformat", avVersion(avformat_version())},
        {"sqlite", sqlite3_libversion()},
    };
}

} // namespace mnemo
