// mnemo-cli nn run MODEL.param INPUT --out OUT.png: any supported ncnn network on an image, on the Vulkan runtime
// (or the CPU reference operators). Prints JSON; an unsupported layer type, a truncated .bin or a weight shape
// mismatch is an error naming the file and the layer.
#include "Commands.hpp"

#include "mnemo/media/ImageFile.hpp"
#include "mnemo/nn/CpuReference.hpp"
#include "mnemo/nn/VulkanOps.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

namespace mnemo::cli {
namespace {

struct NnRunOptions {
    std::string param, input, out, bin;
    int pad = 0;
    std::string runtime = "vulkan";
};

struct Ran {
    std::map<std::string, nn::Tensor> outputs;
    std::string runtime, fallback; // fallback: why the CPU reference ran instead of Vulkan
    double ms = 0;
};

// On Vulkan when asked and possible; otherwise the CPU reference, saying why.
Result<Ran> runModel(const nn::NcnnModel &model, const std::map<std::string, nn::Tensor> &inputs,
                     const std::string &runtime) {
    Ran ran;
    const auto t0 = std::chrono::steady_clock::now();
    if (runtime == "vulkan") {
        auto ctx = gpu::VulkanContext::create();
        if (ctx.ok()) {
            auto out = nn::vulkan::run(*ctx.value(), model, inputs);
            if (out.ok()) {
                ran.outputs = std::move(out.value());
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

// An index mirrored into [0, size) without repeating the edge (numpy's "reflect").
int reflect(int i, int size) {
    if (size == 1) return 0;
    while (i < 0 || i >= size)
        i = i < 0 ? -i : 2 * size - 2 - i;
    return i;
}

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
    const int scale = std::max(1, int(std::lround(double(t.w) / double(int(input.width) + 2 * pad))));
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

Result<nlohmann::json> runNn(const NnRunOptions &o) {
    std::string bin = o.bin;
    if (bin.empty())
        bin = (o.param.size() > 6 && o.param.ends_with(".param") ? o.param.substr(0, o.param.size() - 6) : o.param) +
              ".bin";
    auto model = nn::loadNcnnModel(o.param, bin);
    if (!model.ok()) return model.status();
    if (model->inputs().size() != 1)
        return Status(StatusCode::Unsupported, "'" + o.param + "' takes " + std::to_string(model->inputs().size()) +
                                                   " inputs; nn run feeds one image");
    auto image = media::readImage(o.input);
    if (!image.ok()) return image.status();
    auto ran = runModel(model.value(), {{model->inputs().front(), tensorFromFrame(image.value(), o.pad)}}, o.runtime);
    if (!ran.ok()) return Status(ran.status().code(), "'" + o.param + "': " + ran.message());
    const nn::Tensor &result = ran->outputs.begin()->second;
    const Frame frame = frameFromTensor(result, image.value(), o.pad);
    if (Status s = media::writePng(o.out, frame); !s.ok()) return s;
    nlohmann::json out = {{"model", o.param},
                          {"runtime", ran->runtime},
                          {"layers", model->layers.size()},
                          {"input", {image->width, image->height}},
                          {"output", {frame.width, frame.height}},
                          {"channels", result.c},
                          {"ms", ran->ms},
                          {"out", o.out}};
    if (!ran->fallback.empty()) out["fallback"] = ran->fallback;
    return out;
}

} // namespace

// mnemo-cli nn run MODEL.param INPUT --out OUT.png [--bin MODEL.bin] [--pad N] [--runtime vulkan|cpu]
void addNnCommand(CLI::App &root, CommandLine &line) {
    CLI::App *nn =
        root.add_subcommand("nn", "neural networks in ncnn format (tools/nn-models.sh fetches the bundled ones)");
    nn->require_subcommand(1);
    auto o = std::make_shared<NnRunOptions>();
    CLI::App *run = nn->add_subcommand("run", "run a network on an image (JSON)");
    run->add_option("MODEL", o->param, "the network's .param file")->required()->check(CLI::ExistingFile);
    run->add_option("INPUT", o->input, "an image (PNG, JPEG, ...)")->required()->check(CLI::ExistingFile);
    run->add_option("--out", o->out, "where to write the result (PNG)")->required();
    run->add_option("--bin", o->bin, "the weights (default: MODEL with .bin for .param)");
    run->add_option("--runtime", o->runtime, "vulkan (falls back to cpu, saying why) or cpu (the reference)")
        ->check(CLI::IsMember({"vulkan", "cpu"}))
        ->capture_default_str();
    run->add_option("--pad", o->pad,
                    "mirror the edges this many pixels before, crop after (10 for Real-ESRGAN, "
                    "7 for waifu2x upconv_7)")
        ->check(CLI::Range(0, 64));
    onParsed(*run, line, [o] { return finish("nn run", runNn(*o), [](const nlohmann::json &j) { printJson(j); }); });
}

} // namespace mnemo::cli
