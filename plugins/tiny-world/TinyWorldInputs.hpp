#pragma once
// The tiny-world model's arithmetic around its network, the C++ twin of python/tiny_world.py (change one, change
// both): each source picture (the previous frame, the one before, two memory frames) reprojected into the target view
// by the rotation between their cameras, with the mask of where that landed inside the source and the source's
// translation in the target's frame; the network's input from the four; and the frame from the network's output (a
// softmax blend of the reprojected sources plus a residual).
// Pictures are 64x36 planar RGB floats in [0, 1] (sRGB values, as the frames are).

#include "mnemo/core/Status.hpp"
#include "mnemo/nn/Tensor.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace mnemo::tiny_world {

constexpr int kWidth = 64;
constexpr int kHeight = 36;
constexpr int kSources = 4;
constexpr int kChannelsPerSource = 7; // reprojected RGB, inside mask, translation code (3)
constexpr int kInputChannels = kSources * kChannelsPerSource;
constexpr int kOutputChannels = 3 + kSources + 1; // residual RGB, a blend logit per source and one for none
constexpr float kMinimumPickScore = 0.02f; // a memory that adds less is not used (training's retrieval stops there)
constexpr size_t kPictureFloats = size_t(3) * kWidth * kHeight;
constexpr size_t kPictureBytes = kPictureFloats; // interleaved 8-bit RGB

// A camera-to-world matrix in the ABI's layout: 16 values, column-major (c2w[12..14] is the position).
using Pose = std::array<double, 16>;

struct Picture {
    std::vector<float> rgb; // 3 planes of kWidth x kHeight; empty: no picture
    Pose c2w{};
    bool empty() const { return rgb.empty(); }
};

// The network's input for a frame at `target`: kInputChannels x kHeight x kWidth, per source its reprojected RGB (0
// outside), inside mask and translation code. An empty source (or null) is all zeros.
nn::Tensor assembleInput(const Pose &target, const std::array<const Picture *, kSources> &sources);

// The predicted picture from the network's input and output (kOutputChannels): the sources blended by the softmax of
// their logits (a source weighs nothing where its mask is 0; the last logit blends in black) plus the residual,
// clamped to [0, 1]. An output with other channels is an error.
Result<std::vector<float>> finishFrame(const nn::Tensor &input, const nn::Tensor &output);

// Pictures to and from interleaved 8-bit RGB (what the module attaches to its memory entries) and RGBA8 frames.
std::vector<float> pictureFromRgb8(const uint8_t *rgb);
std::vector<uint8_t> rgb8FromPicture(const std::vector<float> &picture);
std::vector<float> pictureFromRgba(const uint8_t *pixels, uint32_t width, uint32_t height, size_t stride);
// Bilinear resampling to any frame size (pixel centres aligned), alpha 255.
void writeScaled(const std::vector<float> &picture, uint8_t *pixels, uint32_t width, uint32_t height, size_t stride);

} // namespace mnemo::tiny_world
