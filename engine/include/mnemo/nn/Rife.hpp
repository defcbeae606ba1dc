#pragma once
// RIFE v4.x frame interpolation (flownet.param from rife-ncnn-vulkan's model folders) fed as rife-ncnn-vulkan feeds
// it: the two frames as RGB in [0, 1] padded with zeros on the right and bottom to a multiple of 32 ("in0", "in1"),
// and a plane of the time step between them ("in2", 0 = the first frame, 1 = the second); the frame in between is
// "out0", cut back to the frames' size.

#include "mnemo/nn/Images.hpp"

#include <map>
#include <string>

namespace mnemo::nn {

constexpr int kRifePadding = 32;

// RIFE v4.6's folder (flownet.param, flownet.bin) in a folder tools/nn-models.sh filled.
std::string rifeFolder(const std::string &modelsFolder);

// The network's three inputs for frames `a` and `b` (one size) at time `t`.
std::map<std::string, Tensor> rifeInputs(const RgbaView &a, const RgbaView &b, float t);

// Writes out0's top-left width x height into an RGBA8 image (x255, rounded, clamped; alpha 255).
void writeRife(const Tensor &out0, uint8_t *pixels, size_t stride, int width, int height);

} // namespace mnemo::nn
