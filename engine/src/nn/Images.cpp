#include "mnemo/nn/Images.hpp"

#include <algorithm>

namespace mnemo::nn {
namespace {

// An index mirrored into [0, size) without repeating the edge (numpy's "reflect").
int reflect(int i, int size) {
    if (size == 1) return 0;
    while (i < 0 || i >= size)
        i = i < 0 ? -i : 2 * size - 2 - i;
    return i;
}

} // namespace

Tensor tensorFromRgba(const RgbaView &image, Region region, int pad) {
    Tensor t(3, region.h + 2 * pad, region.w + 2 * pad);
    for (int y = 0; y < t.h; ++y) {
        const int sy = reflect(region.y + y - pad, image.height);
        const uint8_t *row = image.pixels + size_t(sy) * image.stride;
        for (int x = 0; x < t.w; ++x) {
            const uint8_t *px = row + size_t(reflect(region.x + x - pad, image.width)) * 4;
            for (int c = 0; c < 3; ++c)
                t.at(c, y, x) = float(px[c]) / 255.f;
        }
    }
    return t;
}

void writeRgba(const Tensor &t, uint8_t *pixels, size_t stride, Region at) {
    writeRgbaFrom(t, std::max(0, (t.w - at.w) / 2), std::max(0, (t.h - at.h) / 2), pixels, stride, at);
}

void writeRgbaFrom(const Tensor &t, int cropX, int cropY, uint8_t *pixels, size_t stride, Region at) {
    const int w = std::min(at.w, t.w - cropX), h = std::min(at.h, t.h - cropY);
    for (int y = 0; y < h; ++y) {
        uint8_t *row = pixels + size_t(at.y + y) * stride + size_t(at.x) * 4;
        for (int x = 0; x < w; ++x) {
            for (int c = 0; c < 3; ++c) {
                const float v = t.at(std::min(c, t.c - 1), y + cropY, x + cropX) * 255.f + 0.5f;
                row[size_t(x) * 4 + size_t(c)] = uint8_t(std::clamp(v, 0.f, 255.f));
            }
            row[size_t(x) * 4 + 3] = 255;
        }
    }
}

std::vector<Region> tiles(int width, int height, int tileW, int tileH) {
    std::vector<Region> out;
    tileW = std::clamp(tileW, 1, std::max(1, width));
    tileH = std::clamp(tileH, 1, std::max(1, height));
    for (int y = 0; y < height; y += tileH) {
        for (int x = 0; x < width; x += tileW)
            out.push_back({std::min(x, width - tileW), std::min(y, height - tileH), tileW, tileH});
    }
    return out;
}

} // namespace mnemo::nn
