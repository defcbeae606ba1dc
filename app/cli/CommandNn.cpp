// mnemo-cli nn run MODEL.param INPUT --out OUT.png: any supported ncnn network on an image, on the Vulkan runtime
// (or the CPU reference operators). Prints JSON; an unsupported layer type, a truncated .bin or a weight shape
// mismatch is an error naming the file and the layer.
#include "Commands.hpp"
#include "NnImages.hpp"

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
