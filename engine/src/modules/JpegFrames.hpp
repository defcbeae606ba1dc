#pragma once
// JPEG frames for the remote protocol (docs/remote-protocol.md, "format": "jpeg"): libjpeg-turbo's TurboJPEG API,
// which reports errors as return values (the classic libjpeg API longjmps out of its error handler). A frames
// payload in JPEG is, per frame, [u32 little-endian length][JPEG bytes]; decoded frames are opaque (alpha 255).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mnemo::modules::jpeg {

constexpr int kDefaultQuality = 85;

// Appends one RGBA frame (rows `stride` bytes apart) as [u32 length][JPEG] to `out`; false with `why` on failure.
bool appendFrame(const uint8_t *rgba, uint32_t width, uint32_t height, size_t stride, int quality, std::string &out,
                 std::string &why);

// Splits a payload of `count` length-prefixed JPEG frames; false with `why` when the lengths do not add up.
bool splitFrames(std::string_view payload, size_t count, std::vector<std::string_view> &frames, std::string &why);

// Decodes one JPEG into RGBA rows `stride` bytes apart; false with `why` when it is not a JPEG of exactly
// width x height (a peer's word is not trusted: the header is read before anything is written).
bool decodeFrame(std::string_view jpeg, uint32_t width, uint32_t height, uint8_t *rgba, size_t stride,
                 std::string &why);

} // namespace mnemo::modules::jpeg
