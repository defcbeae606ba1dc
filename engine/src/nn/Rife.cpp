#include "mnemo/nn/Rife.hpp"

namespace mnemo::nn {
namespace {

int padded(int size) {
    return (size + kRifePadding - 1) / kRifePadding * kRifePadding;
}

// RGB in [0, 1], zeros past the frame (rife-ncnn-vulkan's preprocessing).
Tensor paddedFrame(const RgbaView &f) {
    Tensor t(3, padded(f.height), padded(f.width));
    for (int y = 0; y < f.height; ++y) {
        const uint8_t *row = f.pixels + size_t(y) * f.stride;
        for (int x = 0; x < f.width; ++x)
            for (int c = 0; c < 3; ++c)
                t.at(c, y, x) = float(row[size_t(x) * 4 + size_t(c)]) / 255.f;
    }
    return t;
}

} // namespace

std::string rifeFolder(const std::string &modelsFolder) {
    return modelsFolder + "/rife/rife/rife-v4.6";
}

std::map<std::string, Tensor> rifeInputs(const RgbaView &a, const RgbaView &b, float t) {
    return {{"in0", paddedFrame(a)}, {"in1", paddedFrame(b)}, {"in2", Tensor(1, padded(a.height), padded(a.width), t)}};
}

void writeRife(const Tensor &out0, uint8_t *pixels, size_t stride, int width, int height) {
    writeRgbaFrom(out0, 0, 0, pixels, stride, {0, 0, width, height});
}

} // namespace mnemo::nn
