// mnemo-cli nn run MODEL.param INPUT --out OUT.png: any supported ncnn network on an image, on the Vulkan runtime
// (or the CPU reference operators). mnemo-cli nn interpolate FRAME0 FRAME1 --out MID.png: RIFE v4.6 between two
// frames. Both print JSON; an unsupported layer type, a truncated .bin or a weight shape mismatch is an error naming
// the file and the layer.
#include "Commands.hpp"
#include "NnImages.hpp"

#include "mnemo/media/ImageFile.hpp"
#include "mnemo/nn/CpuReference.hpp"
#include "mnemo/nn/ModelsFolder.hpp"
#include "mnemo/nn/Rife.hpp"
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

struct NnInterpolateOptions {
    std::string first, second, out, model; // model: RIFE's folder (flownet.param, flownet.bin)
    float t = 0.5f;
    std::string runtime = "vulkan";
};

Result<nlohmann::json> runInterpolate(const NnInterpolateOptions &o) {
    const std::string folder = o.model.empty() ? nn::rifeFolder(nn::defaultModelsFolder()) : o.model;
    auto model = nn::loadNcnnModel(folder + "/flownet.param", folder + "/flownet.bin");
    if (!model.ok()) {
        return Status(model.status().code(), model.message() + " (fetch RIFE with tools/nn-models.sh, or name its "
                                                               "folder with --model)");
    }
    auto a = media::readImage(o.first), b = media::readImage(o.second);
    if (!a.ok() || !b.ok()) return a.ok() ? b.status() : a.status();
    if (a->width != b->width || a->height != b->height) {
        return Status(StatusCode::InvalidArgument, "the frames differ in size (" + std::to_string(a->width) + "x" +
                                                       std::to_string(a->height) + " and " + std::to_string(b->width) +
                                                       "x" + std::to_string(b->height) + ")");
    }
    auto view = [](const Frame &f) {
        return nn::RgbaView{f.rgba.data(), int(f.width), int(f.height), size_t(f.width) * 4};
    };
    auto ran = runModel(model.value(), nn::rifeInputs(view(a.value()), view(b.value()), o.t), o.runtime, {"out0"});
    if (!ran.ok()) return Status(ran.status().code(), "'" + folder + "': " + ran.message());
    Frame mid;
    mid.width = a->width;
    mid.height = a->height;
    mid.rgba.assign(size_t(mid.width) * mid.height * 4, 255);
    nn::writeRife(ran->outputs.at("out0"), mid.rgba.data(), size_t(mid.width) * 4, int(mid.width), int(mid.height));
    if (Status s = media::writePng(o.out, mid); !s.ok()) return s;
    nlohmann::json out = {{"model", folder}, {"runtime", ran->runtime},
                          {"t", o.t},        {"size", {mid.width, mid.height}},
                          {"ms", ran->ms},   {"out", o.out}};
    if (!ran->fallback.empty()) out["fallback"] = ran->fallback;
    return out;
}

void addInterpolate(CLI::App &nn, CommandLine &line) {
    auto o = std::make_shared<NnInterpolateOptions>();
    CLI::App *cmd = nn.add_subcommand("interpolate", "RIFE v4.6: the frame between two frames (JSON)");
    cmd->add_option("FRAME0", o->first, "the first frame (PNG, JPEG, ...)")->required()->check(CLI::ExistingFile);
    cmd->add_option("FRAME1", o->second, "the second frame, the same size")->required()->check(CLI::ExistingFile);
    cmd->add_option("--out", o->out, "where to write the frame in between (PNG)")->required();
    cmd->add_option("--t", o->t, "where between them: 0 the first frame, 1 the second")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    cmd->add_option("--model", o->model, "RIFE's folder (flownet.param); default: the one tools/nn-models.sh fills");
    cmd->add_option("--runtime", o->runtime, "vulkan (falls back to cpu, saying why) or cpu (the reference)")
        ->check(CLI::IsMember({"vulkan", "cpu"}))
        ->capture_default_str();
    onParsed(*cmd, line, [o] {
        return finish("nn interpolate", runInterpolate(*o), [](const nlohmann::json &j) { printJson(j); });
    });
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
    addInterpolate(*nn, line);
}

} // namespace mnemo::cli
