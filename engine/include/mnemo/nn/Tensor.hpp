#pragma once
// A tensor on the host: channels x height x width floats, planar (ncnn's Mat layout, without its row padding). The
// CPU reference runtime's value type, and how images go into and come out of a network.

#include <cstddef>
#include <vector>

namespace mnemo::nn {

struct Tensor {
    int c = 0, h = 0, w = 0;
    std::vector<float> data;

    Tensor() = default;
    Tensor(int channels, int height, int width, float fill = 0.f)
        : c(channels), h(height), w(width), data(size_t(channels) * size_t(height) * size_t(width), fill) {}
    size_t plane() const { return size_t(h) * size_t(w); }
    float *channel(int ch) { return data.data() + size_t(ch) * plane(); }
    const float *channel(int ch) const { return data.data() + size_t(ch) * plane(); }
    float &at(int ch, int y, int x) { return channel(ch)[size_t(y) * size_t(w) + size_t(x)]; }
    float at(int ch, int y, int x) const { return channel(ch)[size_t(y) * size_t(w) + size_t(x)]; }
    bool sameShape(const Tensor &o) const { return c == o.c && h == o.h && w == o.w; }
};

} // namespace mnemo::nn
