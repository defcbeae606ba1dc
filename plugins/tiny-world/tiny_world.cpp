// tiny-world: a learned world model with camera-aware memory (issue 14), trained here on the reference world
// (tools/train/train-tiny-world.py) and run on the neural runtime the engine ships for modules (Vulkan compute on the
// host's device; the CPU reference without one). Each step predicts the 64x36 frame at the step's camera from the
// two frames before it and the two best memories the host's retrieval picked (TinyWorldInputs.hpp says how: a blend
// of them reprojected, plus what the network adds), then scales it to the frame size the host asked for. With the
// host's memory off the memory slots stay empty: the same weights, the honest baseline. Every frame is attached to its
// memory entry at the model's resolution, so a later pick hands back exactly what was made.
//
// It starts from a picture: the host's seed frame when reset gives one (taken to be at the first step's camera),
// else start.ppm beside the weights (the reference world's view from the pose written in that file's comment).
#include "TinyWorldInputs.hpp"
#include "TinyWorldWeights.hpp"
#include "nn_module.hpp"

#include "mnemo/gpu/VulkanContext.hpp"
#include "mnemo/nn/CpuReference.hpp"
#include "mnemo/nn/NcnnModel.hpp"
#include "mnemo/nn/VulkanOps.hpp"

#include <mnemo/module.h>

#include <cstddef>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

namespace {

using namespace mnemo;
using nn_module::fail;
namespace tw = mnemo::tiny_world;

const char *const kDeviceNames[2] = {"gpu", "cpu"};

const mnemo_param_desc kParams[] = {
    {sizeof(mnemo_param_desc), "device", "Device",
     "gpu: Vulkan compute on the host's device (the CPU reference when the host has none); cpu: the CPU reference",
     MNEMO_PARAM_ENUM, 0, 1, 0, kDeviceNames, 2, MNEMO_PARAM_FLAG_LOAD_TIME, nullptr},
    {sizeof(mnemo_param_desc), "weights", "Weights folder",
     "the folder with tiny-world.param, tiny-world.bin and start.ppm; empty: $MNEMO_TINY_WORLD, else the weights "
     "that ship in assets/tiny-world",
     MNEMO_PARAM_TEXT, 0, 0, 0, nullptr, 0, 0, ""},
};

const mnemo_module_info kInfo = {
    sizeof(mnemo_module_info),
    "tiny-world",
    "Tiny world (learned)",
    "1.0.0",
    "A small neural world model trained on the reference world: predicts each 64x36 frame from the two before it, "
    "the camera motion and two frames from the camera-aware memory (empty with memory off); shown scaled up",
    MNEMO_MODULE_KIND_WORLD,
    1,
    kParams,
    uint32_t(sizeof kParams / sizeof kParams[0]),
    0,
};

struct TinyWorld {
    const mnemo_host_services *host = nullptr;
    uint32_t width = 0, height = 0;
    int device = 0;
    std::string folder; // the `weights` parameter
    std::unique_ptr<tw::Weights> weights;
    std::unique_ptr<gpu::VulkanContext> vulkan;
    std::unique_ptr<nn::vulkan::Program> program;
    std::unique_ptr<tw::Picture> seed; // reset's seed frame, until the first step gives it a camera
    tw::Picture previous, beforePrevious;
    bool warnedFieldOfView = false;

    void log(mnemo_log_level level, const std::string &message) const {
        nn_module::log(host, kInfo.id, level, message);
    }
};

Status ensureReady(TinyWorld &w) {
    if (!w.weights) {
        auto loaded = tw::loadWeights(w.folder);
        if (!loaded.ok()) return loaded.status();
        w.weights = std::make_unique<tw::Weights>(std::move(loaded.value()));
        w.program.reset();
    }
    if (w.vulkan && !w.program) {
        const nn::vulkan::Program::Shape shape{tw::kInputChannels, tw::kHeight, tw::kWidth};
        auto made =
            nn::vulkan::Program::prepare(*w.vulkan, w.weights->network, {{w.weights->network.inputs().at(0), shape}});
        if (!made.ok()) return made.status();
        w.program = std::move(made.value());
        w.log(MNEMO_LOG_INFO, "on " + w.vulkan->deviceInfo().name + " (" + w.weights->folder + ")");
    }
    return {};
}

Result<nn::Tensor> runNetwork(TinyWorld &w, const nn::Tensor &input) {
    const std::string name = w.weights->network.inputs().at(0);
    auto out = w.program ? w.program->run({{name, input}}) : nn::cpu::run(w.weights->network, {{name, input}});
    if (!out.ok()) return out.status();
    return std::move(out->begin()->second);
}

tw::Pose poseOf(const mnemo_camera &camera) {
    tw::Pose p{};
    for (size_t i = 0; i < 16; ++i)
        p[i] = double(camera.c2w[i]);
    return p;
}

// Up to two memory pictures from the host's picks, in the host's order: the latent this module attached (its own
// frame at the model's resolution), else the thumbnail scaled. Picks that add next to nothing (score 0.02 or less)
// are left out, as training's retrieval leaves them out (python/tiny_world.py, pick_memory). The array is stepped by
// its struct_size, as the ABI asks of arrays of versioned structs.
std::array<tw::Picture, 2> memoryPictures(const mnemo_world_step_input *in) {
    std::array<tw::Picture, 2> out;
    if (!MNEMO_HAS_FIELD(in, mnemo_world_step_input, memory_count) || !in->memory || in->memory_count == 0) return out;
    const size_t stride = in->memory[0].struct_size;
    if (stride < offsetof(mnemo_memory_pick, thumb_height) + sizeof(uint32_t)) return out;
    const auto *bytes = reinterpret_cast<const uint8_t *>(in->memory);
    size_t used = 0;
    for (uint32_t i = 0; i < in->memory_count && used < out.size(); ++i) {
        const auto &pick = *reinterpret_cast<const mnemo_memory_pick *>(bytes + i * stride);
        if (pick.score <= tw::kMinimumPickScore) continue;
        tw::Picture &p = out[used];
        const bool hasLatent = MNEMO_HAS_FIELD(&pick, mnemo_memory_pick, latent_size) && pick.latent;
        if (hasLatent && pick.latent_size == tw::kPictureBytes) {
            p.rgb = tw::pictureFromRgb8(static_cast<const uint8_t *>(pick.latent));
        } else if (pick.thumbnail && pick.thumb_width > 0 && pick.thumb_height > 0) {
            p.rgb = tw::pictureFromRgba(pick.thumbnail, pick.thumb_width, pick.thumb_height, pick.thumb_width * 4u);
        } else {
            continue;
        }
        p.c2w = poseOf(pick.camera);
        ++used;
    }
    return out;
}

// The pictures before the first frame: the seed frame at the first camera, else the shipped start picture.
void startIfNeeded(TinyWorld &w, const tw::Pose &firstCamera) {
    if (!w.previous.empty()) return;
    if (w.seed) {
        w.previous = std::move(*w.seed);
        w.previous.c2w = firstCamera;
        w.seed.reset();
    } else {
        w.previous = w.weights->start;
    }
    w.beforePrevious = w.previous;
}

// The model sees through a 90-degree camera (what it was trained on); another field of view is said once.
void checkFieldOfView(TinyWorld &w, const mnemo_camera &camera, const mnemo_frame &frame) {
    const float ratio = camera.fx / float(frame.width);
    if (w.warnedFieldOfView || std::fabs(ratio - 0.5f) < 0.01f) return;
    w.warnedFieldOfView = true;
    const double degrees = 2.0 * std::atan(0.5 / double(ratio)) * 180.0 / 3.14159265358979;
    w.log(MNEMO_LOG_WARNING, "the model was trained with a 90-degree camera, this one is " +
                                 std::to_string(int(std::lround(degrees))) + " degrees: its frames will not fit");
}

Status stepFrame(TinyWorld &w, const mnemo_world_step_input *in, const mnemo_camera &camera, mnemo_frame &frame) {
    checkFieldOfView(w, camera, frame);
    const tw::Pose target = poseOf(camera);
    startIfNeeded(w, target);
    const std::array<tw::Picture, 2> memory = memoryPictures(in);
    const nn::Tensor input = tw::assembleInput(target, {&w.previous, &w.beforePrevious, &memory[0], &memory[1]});
    auto output = runNetwork(w, input);
    if (!output.ok()) return output.status();
    auto picture = tw::finishFrame(input, output.value());
    if (!picture.ok()) return picture.status().withContext("'" + w.weights->folder + "'");
    tw::Picture made{std::move(picture.value()), target};
    tw::writeScaled(made.rgb, frame.pixels, frame.width, frame.height, frame.stride_bytes);
    const mnemo_memory_services *services =
        MNEMO_HAS_FIELD(w.host, mnemo_host_services, memory) ? w.host->memory : nullptr;
    if (services && services->attach_latent) {
        const std::vector<uint8_t> rgb = tw::rgb8FromPicture(made.rgb);
        mnemo_error error{};
        const mnemo_status attached =
            services->attach_latent(w.host->host, frame.index, rgb.data(), rgb.size(), &error);
        // Unsupported: the host's memory is off for this step (nothing to attach to), not a fault.
        if (attached != MNEMO_OK && attached != MNEMO_ERR_UNSUPPORTED) {
            w.log(MNEMO_LOG_WARNING, std::string("cannot attach the frame to its memory entry: ") + error.message);
        }
    }
    w.beforePrevious = std::move(w.previous);
    w.previous = std::move(made);
    return {};
}

const mnemo_module_info *describe() {
    return &kInfo;
}

mnemo_status create(const mnemo_host_services *host, const mnemo_create_args *args, void **out, mnemo_error *error) {
    try {
        if (!host || !args || !out || args->width == 0 || args->height == 0) {
            return fail(error, MNEMO_ERR_INVALID_ARGUMENT, "create needs the host, a frame size and an output pointer");
        }
        auto w = std::make_unique<TinyWorld>();
        w->host = host;
        w->width = args->width;
        w->height = args->height;
        for (uint32_t i = 0; i < args->param_count; ++i) {
            if (std::string(args->params[i].name ? args->params[i].name : "") == "device") {
                w->device = args->params[i].value >= 0.5 ? 1 : 0;
            }
        }
        w->vulkan = w->device == 0 ? nn_module::borrowHostVulkan(host, kInfo.id) : nullptr;
        *out = w.release();
        return MNEMO_OK;
    } catch (const std::exception &e) {
        return fail(error, MNEMO_ERR_INTERNAL, std::string("create: ") + e.what());
    } catch (...) {
        return fail(error, MNEMO_ERR_INTERNAL, "create: an unknown exception");
    }
}

void destroy(void *instance) {
    delete static_cast<TinyWorld *>(instance);
}

mnemo_status setParam(void *, const mnemo_param_value *value, mnemo_error *error) {
    if (error) {
        std::snprintf(error->message, sizeof error->message,
                      "every parameter of tiny-world is set at load time (not '%s')",
                      value && value->name ? value->name : "");
    }
    return MNEMO_ERR_INVALID_ARGUMENT;
}

// A new folder must hold the weights: otherwise the error says why and the previous weights stay.
mnemo_status setParamText(void *instance, const char *name, const char *value, mnemo_error *error) {
    try {
        auto &w = *static_cast<TinyWorld *>(instance);
        if (!name || std::string(name) != "weights") {
            return fail(error, MNEMO_ERR_INVALID_ARGUMENT,
                        std::string("no text parameter '") + (name ? name : "") + "'");
        }
        auto loaded = tw::loadWeights(value ? value : "");
        if (!loaded.ok()) return fail(error, loaded.status());
        w.folder = value ? value : "";
        w.weights = std::make_unique<tw::Weights>(std::move(loaded.value()));
        w.program.reset();
        return MNEMO_OK;
    } catch (const std::exception &e) {
        return fail(error, MNEMO_ERR_INTERNAL, std::string("set_param_text: ") + e.what());
    } catch (...) {
        return fail(error, MNEMO_ERR_INTERNAL, "set_param_text: an unknown exception");
    }
}

mnemo_status reset(void *instance, const mnemo_reset_args *args, mnemo_error *error) {
    try {
        auto &w = *static_cast<TinyWorld *>(instance);
        if (Status s = ensureReady(w); !s.ok()) return fail(error, s);
        w.previous = {};
        w.beforePrevious = {};
        w.seed.reset();
        const mnemo_frame *seed =
            args && MNEMO_HAS_FIELD(args, mnemo_reset_args, seed_frame) ? args->seed_frame : nullptr;
        if (seed && seed->pixels && seed->format == MNEMO_PIXEL_RGBA8 && seed->width && seed->height) {
            w.seed = std::make_unique<tw::Picture>();
            w.seed->rgb = tw::pictureFromRgba(seed->pixels, seed->width, seed->height, seed->stride_bytes);
        }
        return MNEMO_OK;
    } catch (const std::exception &e) {
        return fail(error, MNEMO_ERR_INTERNAL, std::string("reset: ") + e.what());
    } catch (...) {
        return fail(error, MNEMO_ERR_INTERNAL, "reset: an unknown exception");
    }
}

mnemo_status worldStep(void *instance, const mnemo_world_step_input *in, mnemo_world_step_output *out,
                       mnemo_error *error) {
    try {
        auto &w = *static_cast<TinyWorld *>(instance);
        if (!in || !out || !in->cameras) return fail(error, MNEMO_ERR_INVALID_ARGUMENT, "world_step without cameras");
        if (Status s = ensureReady(w); !s.ok()) return fail(error, s);
        for (uint32_t i = 0; i < in->frame_count; ++i) {
            mnemo_frame &f = out->frames[i];
            if (f.width != w.width || f.height != w.height) {
                return fail(error, MNEMO_ERR_INVALID_ARGUMENT,
                            "frame " + std::to_string(i) + " is " + std::to_string(f.width) + "x" +
                                std::to_string(f.height) + ", created for " + std::to_string(w.width) + "x" +
                                std::to_string(w.height));
            }
            if (Status s = stepFrame(w, in, in->cameras[i], f); !s.ok()) return fail(error, s);
            out->cameras_used[i] = in->cameras[i];
        }
        out->frames_written = in->frame_count;
        out->ticks_used = in->tick_count;
        return MNEMO_OK;
    } catch (const std::exception &e) {
        return fail(error, MNEMO_ERR_INTERNAL, std::string("world_step: ") + e.what());
    } catch (...) {
        return fail(error, MNEMO_ERR_INTERNAL, "world_step: an unknown exception");
    }
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
    api.world_step = worldStep;
    api.set_param_text = setParamText;
    return api;
}

const mnemo_module_api kApi = makeApi();

} // namespace

extern "C" MNEMO_MODULE_EXPORT const mnemo_module_api *mnemo_module_entry(uint32_t host_abi_version) {
    return host_abi_version == MNEMO_MODULE_ABI_VERSION ? &kApi : nullptr;
}
