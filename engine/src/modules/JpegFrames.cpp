#include "JpegFrames.hpp"

#include <turbojpeg.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace mnemo::modules::jpeg {
namespace {

struct HandleDeleter {
    void operator()(void *h) const { tjDestroy(h); }
};
using Handle = std::unique_ptr<void, HandleDeleter>;

// TurboJPEG handles are not free to make but are not thread-safe either: one per thread, made on first use. A handle
// that failed is replaced: after an error in a broken stream, libjpeg-turbo 2.1's decompressor misread the next good
// JPEG ("Unsupported marker type"; tst_remote's broken-JPEG test followed by a good stream showed it).
Handle &compressorSlot() {
    thread_local Handle handle(tjInitCompress());
    return handle;
}
Handle &decompressorSlot() {
    thread_local Handle handle(tjInitDecompress());
    return handle;
}
tjhandle compressor() { return compressorSlot().get(); }
tjhandle decompressor() { return decompressorSlot().get(); }

bool failedDecoding(tjhandle h, const std::string &what, std::string &why) {
    why = what + tjGetErrorStr2(h);
    decompressorSlot().reset(tjInitDecompress());
    return false;
}

void putU32(std::string &out, uint32_t v) {
    const char bytes[4] = {char(v & 0xff), char((v >> 8) & 0xff), char((v >> 16) & 0xff), char((v >> 24) & 0xff)};
    out.append(bytes, 4);
}

uint32_t getU32(const char *p) {
    const auto *b = reinterpret_cast<const unsigned char *>(p);
    return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
}

} // namespace

bool appendFrame(const uint8_t *rgba, uint32_t width, uint32_t height, size_t stride, int quality, std::string &out,
                 std::string &why) {
    tjhandle h = compressor();
    if (!h) return why = "cannot start the JPEG encoder", false;
    unsigned char *buffer = nullptr;
    unsigned long size = 0;
    if (tjCompress2(h, rgba, int(width), int(stride), int(height), TJPF_RGBA, &buffer, &size, TJSAMP_420,
                    std::clamp(quality, 1, 100), TJFLAG_FASTDCT) != 0) {
        why = std::string("JPEG encoding failed: ") + tjGetErrorStr2(h);
        tjFree(buffer);
        compressorSlot().reset(tjInitCompress());
        return false;
    }
    putU32(out, uint32_t(size));
    out.append(reinterpret_cast<const char *>(buffer), size);
    tjFree(buffer);
    return true;
}

bool splitFrames(std::string_view payload, size_t count, std::vector<std::string_view> &frames, std::string &why) {
    frames.clear();
    size_t at = 0;
    for (size_t i = 0; i < count; ++i) {
        if (payload.size() - at < 4) return why = "JPEG frame " + std::to_string(i) + " has no length", false;
        const uint32_t length = getU32(payload.data() + at);
        at += 4;
        if (length == 0 || payload.size() - at < length) {
            why = "JPEG frame " + std::to_string(i) + " claims " + std::to_string(length) + " bytes, " +
                  std::to_string(payload.size() - at) + " are left";
            return false;
        }
        frames.push_back(payload.substr(at, length));
        at += length;
    }
    if (at != payload.size()) return why = std::to_string(payload.size() - at) + " bytes after the JPEG frames", false;
    return true;
}

bool decodeFrame(std::string_view jpeg, uint32_t width, uint32_t height, uint8_t *rgba, size_t stride,
                 std::string &why) {
    tjhandle h = decompressor();
    if (!h) return why = "cannot start the JPEG decoder", false;
    const auto *bytes = reinterpret_cast<const unsigned char *>(jpeg.data());
    int w = 0, ht = 0, subsampling = 0, colorspace = 0;
    if (tjDecompressHeader3(h, bytes, jpeg.size(), &w, &ht, &subsampling, &colorspace) != 0) {
        return failedDecoding(h, "not a JPEG: ", why);
    }
    if (uint32_t(w) != width || uint32_t(ht) != height) {
        decompressorSlot().reset(tjInitDecompress()); // read a header, decoded nothing: start the next one afresh
        why = "a " + std::to_string(w) + "x" + std::to_string(ht) + " JPEG where " + std::to_string(width) + "x" +
              std::to_string(height) + " was asked for";
        return false;
    }
    if (tjDecompress2(h, bytes, jpeg.size(), rgba, w, int(stride), ht, TJPF_RGBA, TJFLAG_FASTDCT) != 0) {
        if (tjGetErrorCode(h) == TJERR_FATAL) return failedDecoding(h, "a broken JPEG: ", why);
        decompressorSlot().reset(tjInitDecompress()); // a warning: the frame stands, the handle is not trusted
    }
    return true; // a warning (a truncated scan, say) still fills every pixel: shown, as a viewer would
}

} // namespace mnemo::modules::jpeg
