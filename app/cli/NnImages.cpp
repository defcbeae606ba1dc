#include "NnImages.hpp"

#include "mnemo/nn/VulkanOps.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace mnemo::cli {

// On Vulkan when asked and possible; otherwise the CPU reference, saying why.
Result<Ran> runModel(const nn::NcnnModel &model, const std::map<std::string, nn::Tensor> &inputs,
                     const std::string &runtime) {
    Ran ran;
    const auto t0 = std::chrono::steady_clock::now();
    if (runtime == "vulkan") {
        auto ctx = gpu::VulkanContext::create();
        if (ctx.ok()) {
            nn::vulkan::RunStats stats;
            auto out = nn::vulkan::run(*ctx.value(), model, inputs, {}, &stats);
            if (out.ok()) {
                ran.outputs = std::move(out.value());
                ran.gpuMs = stats.gpuMs;
                ran.runtime = "vulkan (" + ctx.value()->deviceInfo().name + ")";
            } else if (out.status().code() == StatusCode::Unsupported) {
                ran.fallback = out.message();
            } else {
                return out.status();
            }
        } else {
            ran.fallback = "no Vulkan device: " + ctx.message();
        }
    }
    if (ran.runtime.empty()) {
        auto out = nn::cpu::run(model, inputs);
        if (!out.ok()) return out.status();
        ran.outputs = std::move(out.value());
        ran.runtime = "cpu-reference";
    }
    ran.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return ran;
}

namespace {

// An index mirrored into [0, size) without repeating the edge (numpy's "reflect").
int reflect(int i, int size) {
    if (size == 1) return 0;
    while (i < 0 || i >= size)
        i = i < 0 ? -i : 2 * size - 2 - i;
    return i;
}

} // namespace

// RGB in [0, 1], mirrored `pad` pixels outwards: the context a tile's border lacks (the ncnn-vulkan tools' output is
// matched closest by a mirror: 49 dB PSNR on a 64x64 Real-ESRGAN tile, against 44 dB with the edge repeated).
nn::Tensor tensorFromFrame(const Frame &f, int pad) {
    nn::Tensor t(3, int(f.height) + 2 * pad, int(f.width) + 2 * pad);
    for (int y = 0; y < t.h; ++y) {
        const int sy = reflect(y - pad, int(f.height));
        for (int x = 0; x < t.w; ++x) {
            const int sx = reflect(x - pad, int(f.width));
            const uint8_t *px = &f.rgba[(size_t(sy) * f.width + size_t(sx)) * 4];
            for (int c = 0; c < 3; ++c)
                t.at(c, y, x) = float(px[c]) / 255.f;
        }
    }
    return t;
}

// The network's output without the border its padding added (the scale is the output's over the padded input's).
Frame frameFromTensor(const nn::Tensor &t, const Frame &input, int pad) {
    // The output covers the padded input (Real-ESRGAN: crop the border) or, when the network eats its own border
    // (waifu2x upconv_7's unpadded convolutions), the input alone: whichever divides it exactly.
    const int padded = int(input.width) + 2 * pad, plain = int(input.width);
    const int scale = std::max(1, t.w % padded == 0  ? t.w / padded
                                  : t.w % plain == 0 ? t.w / plain
                                                     : int(std::lround(double(t.w) / double(padded))));
    const int cropX = std::max(0, (t.w - scale * int(input.width)) / 2),
              cropY = std::max(0, (t.h - scale * int(input.height)) / 2);
    Frame f;
    f.width = uint32_t(std::min(t.w - cropX, scale * int(input.width)));
    f.height = uint32_t(std::min(t.h - cropY, scale * int(input.height)));
    f.rgba.assign(size_t(f.width) * f.height * 4, 255);
    for (uint32_t y = 0; y < f.height; ++y) {
        for (uint32_t x = 0; x < f.width; ++x) {
            for (int c = 0; c < 3; ++c) {
                const float v = t.at(std::min(c, t.c - 1), int(y) + cropY, int(x) + cropX) * 255.f + 0.5f;
                f.rgba[(size_t(y) * f.width + x) * 4 + size_t(c)] = uint8_t(std::clamp(v, 0.f, 255.f));
            }
        }
    }
    return f;
}

} // namespace mnemo::cli
