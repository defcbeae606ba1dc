#pragma once
// Synthetic frames the edit tests share: a smooth sine texture panning sideways (what optical flow follows and a
// per-frame stylization flickers on) and a window onto value noise (textured at every scale the flow looks at, never
// repeating, never black: the stabilizers' crop checks look for black). Header-only; each test includes what it uses.

#include "mnemo/render/Frame.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>

namespace mnemo::testing {

// The sine texture shifted `pxPerFrame` to the right per frame t; alpha 255, or varying across the frame where a test
// checks that alpha passes through.
inline std::shared_ptr<Frame> panning(uint32_t w, uint32_t h, int t, float pxPerFrame = 1.5f,
                                      bool alphaVaries = false) {
    auto f = std::make_shared<Frame>();
    f->width = w;
    f->height = h;
    f->index = uint64_t(t);
    f->rgba.resize(size_t(w) * h * 4);
    for (uint32_t y = 0; y < h; ++y) {
        for (uint32_t x = 0; x < w; ++x) {
            const float u = float(x) - pxPerFrame * float(t), v = float(y);
            uint8_t *p = &f->rgba[(size_t(y) * w + x) * 4];
            for (int c = 0; c < 3; ++c) {
                p[c] = uint8_t(
                    std::clamp(128 + 60 * std::sin(0.11f * u + 0.05f * v + c) + 40 * std::sin(0.07f * v - 0.13f * u),
                               0.0f, 255.0f));
            }
            p[3] = alphaVaries ? uint8_t(200 + (x + y) % 56) : 255;
        }
    }
    return f;
}

// Value noise: hashed lattice values 6 px apart, smoothly interpolated.
inline uint8_t noiseLattice(int x, int y, int c) {
    uint32_t h = uint32_t(x) * 374761393u + uint32_t(y) * 668265263u + uint32_t(c) * 2246822519u;
    h = (h ^ (h >> 13)) * 1274126177u;
    return uint8_t(30 + (h >> 24) % 196);
}

inline double valueNoise(double x, double y, int c) {
    const double gx = x / 6, gy = y / 6;
    const int x0 = int(std::floor(gx)), y0 = int(std::floor(gy));
    double fx = gx - x0, fy = gy - y0;
    fx = fx * fx * (3 - 2 * fx);
    fy = fy * fy * (3 - 2 * fy);
    const double top = noiseLattice(x0, y0, c) + (noiseLattice(x0 + 1, y0, c) - noiseLattice(x0, y0, c)) * fx;
    const double bottom =
        noiseLattice(x0, y0 + 1, c) + (noiseLattice(x0 + 1, y0 + 1, c) - noiseLattice(x0, y0 + 1, c)) * fx;
    return top + (bottom - top) * fy;
}

// The noise seen through a w x h window whose top-left corner is at (ox, oy).
inline std::shared_ptr<Frame> textured(uint32_t w, uint32_t h, int ox = 0, int oy = 0, uint64_t index = 0) {
    auto f = std::make_shared<Frame>();
    f->width = w;
    f->height = h;
    f->index = index;
    f->rgba.resize(size_t(w) * h * 4);
    for (uint32_t y = 0; y < h; ++y) {
        for (uint32_t x = 0; x < w; ++x) {
            uint8_t *p = &f->rgba[(size_t(y) * w + x) * 4];
            for (int c = 0; c < 3; ++c) p[c] = uint8_t(std::lround(valueNoise(x + ox + 500.0, y + oy + 500.0, c)));
            p[3] = 255;
        }
    }
    return f;
}

// Peak signal-to-noise ratio of two frames of one size over their RGB, dB (99 when they are equal).
inline double psnr(const Frame &a, const Frame &b) {
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < a.rgba.size() && i < b.rgba.size(); ++i) {
        if (i % 4 == 3) continue;
        const double d = double(a.rgba[i]) - double(b.rgba[i]);
        sum += d * d, ++n;
    }
    return sum == 0 ? 99.0 : 10 * std::log10(255.0 * 255.0 / (sum / double(n)));
}

} // namespace mnemo::testing
