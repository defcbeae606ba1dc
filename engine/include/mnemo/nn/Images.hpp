#pragma once
// Pictures in and out of image networks: RGBA8 pixels to an RGB tensor in [0, 1] and back, by regions, so a frame
// larger than a memory budget runs as tiles with overlap (each tile reads its neighbours' pixels as context; only
// the frame's own border is mirrored).

#include "mnemo/nn/Tensor.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mnemo::nn {

// RGBA8 pixels, rows top to bottom, `stride` bytes apart.
struct RgbaView {
    const uint8_t *pixels = nullptr;
    int width = 0, height = 0;
    size_t stride = 0;
};

struct Region {
    int x = 0, y = 0, w = 0, h = 0;
};

// RGB in [0, 1] of `region` with `pad` pixels of context on every side: the image's own pixels where it has them,
// mirrored past its edges without repeating the edge (numpy's "reflect"; the ncnn-vulkan tools' output is matched
// closest by a mirror: 49 dB PSNR on a 64x64 Real-ESRGAN tile, against 44 dB with the edge repeated).
Tensor tensorFromRgba(const RgbaView &image, Region region, int pad);

// Writes the centre `at.w` x `at.h` of a network's output (channels 0-2, x255, rounded, clamped; alpha 255) at `at`
// in an RGBA8 image of `stride` bytes per row: the output's border (what padding added) is cut off evenly.
void writeRgba(const Tensor &t, uint8_t *pixels, size_t stride, Region at);
// The same from the tensor's (fromX, fromY) on: at.w x at.h values, or as many as it has.
void writeRgbaFrom(const Tensor &t, int fromX, int fromY, uint8_t *pixels, size_t stride, Region at);

// Tiles of tileW x tileH (at most the image's size) covering a width x height image, row by row. The last column and
// row move inwards, overlapping their neighbours, so every tile has the same size: one graph prepared for that shape
// serves them all.
std::vector<Region> tiles(int width, int height, int tileW, int tileH);

} // namespace mnemo::nn
