// Still images and image folders through the frame sources: detection by content, then every frame.
#include "FuzzCommon.hpp"

#include "mnemo/media/FrameSource.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string path = mnemo::fuzz::writeInput(data, size, "input.image");
    (void)mnemo::media::stillImageFormat(path);
    auto kind = mnemo::media::sourceKind(path);
    if (!kind.ok() || kind.value() != mnemo::media::SourceKind::Image) return 0; // videos have their own target
    auto source = mnemo::media::openSource(path);
    if (!source.ok()) return 0;
    for (int i = 0; i < 2; ++i) {
        auto frame = source.value()->next();
        if (!frame.ok() || !frame.value()) break;
    }
    return 0;
}
