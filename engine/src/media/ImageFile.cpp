#include "mnemo/media/ImageFile.hpp"

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace mnemo::media {

Status writePng(const std::string &path, const Frame &frame) {
    if (frame.width == 0 || frame.height == 0 || frame.rgba.size() < size_t(frame.width) * frame.height * 4) {
        return {StatusCode::InvalidArgument, "cannot write '" + path + "': the frame is empty or short"};
    }
    if (!stbi_write_png(path.c_str(), int(frame.width), int(frame.height), 4, frame.rgba.data(),
                        int(frame.width) * 4)) {
        return {StatusCode::Internal, "cannot write '" + path + "' (disk full, or the folder is not writable?)"};
    }
    return {};
}

namespace {
// A header can claim any size (a 61-byte BMP can say 8 x 15,663,112, and stb would allocate 500 MB for it), so the
// size is checked before decoding: at most 16384 pixels on a side, as GPUs allow for a texture, and 64 Mpixels.
constexpr int kMaxSide = 16384;
constexpr int64_t kMaxPixels = int64_t(8192) * 8192;
} // namespace

Result<Frame> readImage(const std::string &path) {
    int w = 0, h = 0, channels = 0;
    if (stbi_info(path.c_str(), &w, &h, &channels) &&
        (w > kMaxSide || h > kMaxSide || int64_t(w) * int64_t(h) > kMaxPixels)) {
        return Status(StatusCode::InvalidArgument,
                      "cannot read image '" + path + "': it says it is " + std::to_string(w) + "x" + std::to_string(h) +
                          "; images up to " + std::to_string(kMaxSide) + " pixels on a side and 64 megapixels are "
                          "supported");
    }
    unsigned char *pixels = stbi_load(path.c_str(), &w, &h, &channels, 4);
    if (!pixels) {
        return Status(StatusCode::InvalidArgument,
                      "cannot read image '" + path + "': " + (stbi_failure_reason() ? stbi_failure_reason() : "?"));
    }
    Frame frame;
    frame.width = uint32_t(w);
    frame.height = uint32_t(h);
    frame.rgba.assign(pixels, pixels + size_t(w) * size_t(h) * 4);
    stbi_image_free(pixels);
    return frame;
}

} // namespace mnemo::media
