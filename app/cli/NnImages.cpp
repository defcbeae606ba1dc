#include "NnImages.hpp"

#include "mnemo/nn/Images.hpp"
#include "mnemo/nn/VulkanOps.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace mnemo::cli {

// On Vulkan when asked and possible; otherwise the CPU reference, saying why.
Result<Ran> runModel(const nn::NcnnModel &model, const std::map<std::string, nn::Tensor> &inputs,
                     const std::string &runtime, const std::vector<std::string> &outputs) {
    Ran ran;
    const auto t0 = std::chrono::steady_clock::now();
    if (runtime == "vulkan") {
        auto ctx = gpu::VulkanContext::create();
        if (ctx.ok()) {
            nn::vulkan::RunStats stats;
            auto out = nn::vulkan::run(*ctx.value(), model, inputs, outputs, &stats);
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
        auto out = nn::cpu::run(model, inputs, outputs);
        if (!out.ok()) return out.status();
        ran.outputs = std::move(out.value());
        ran.runtime = "cpu-reference";
    }
    ran.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return ran;
}

nn::Tensor tensorFromFrame(const Frame &f, int pad) {
    return nn::tensorFromRgba({f.rgba.data(), int(f.width), int(f.height), size_t(f.width) * 4},
                              {0, 0, int(f.width), int(f.height)}, pad);
}

// The network's output without the border its padding added.
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
    nn::writeRgba(t, f.rgba.data(), size_t(f.width) * 4, {0, 0, int(f.width), int(f.height)});
    return f;
}

} // namespace mnemo::cli
