#pragma once
// One created module instance: RAII over create/destroy, C errors turned into Status with the module's message.
// A module the host isolates (ModuleHost::isolation) runs in a child process (see Isolation.hpp); the calls are the same.
// Thread: one owner at a time (the pipeline's engine thread), as the ABI requires.

#include "mnemo/modules/ModuleHost.hpp"
#include "mnemo/modules/ModuleRegistry.hpp"
#include "mnemo/render/Frame.hpp"
#include "mnemo/camera/Camera.hpp"

#include <vulkan/vulkan.h>

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <memory>

namespace mnemo::modules {

using ParamValues = std::map<std::string, double>;

// Pipelined world steps in flight at most: world_engine's queue of two, enough to hide a network, little latency.
constexpr size_t kMaxStepsInFlight = 2;

class ModuleCalls;

class ModuleInstance {
public:
    static Result<std::unique_ptr<ModuleInstance>> create(const LoadedModule &module, ModuleHost &host, uint32_t width,
                                                          uint32_t height, const ParamValues &params = {});
    ~ModuleInstance();
    ModuleInstance(const ModuleInstance &) = delete;
    ModuleInstance &operator=(const ModuleInstance &) = delete;

    const LoadedModule &module() const { return m_module; }
    uint32_t width() const { return m_width; }
    uint32_t height() const { return m_height; }
    // The size of the frames an edit instance writes: width() x height() unless the module resizes
    // (edit_output_shape, asked once at create: an upscaler's output).
    uint32_t outputWidth() const { return m_outWidth; }
    uint32_t outputHeight() const { return m_outHeight; }
    bool resizes() const { return m_outWidth != m_width || m_outHeight != m_height; }
    // Frames an edit instance writes per input frame (mnemo_edit_shape.frames_per_input: a frame interpolator's N;
    // 1 for every other module). Output i * N + k shows the moment (k + 1) / N from the input before input i to it.
    uint32_t framesPerInput() const { return m_framesPerInput; }
    static constexpr uint32_t kMaxFramesPerInput = 16;

    Status reset(uint64_t seed, const std::string &prompt = {});
    Status setParam(const std::string &name, double value);
    // A text parameter (ParamType::Text), UTF-8; "" clears it. Fails, with the module's reason, when the module
    // cannot take the value (a LUT that does not load); on a module built before set_param_text existed, or for a
    // parameter that is not declared as text, the host refuses it without calling the module.
    Status setParamText(const std::string &name, const std::string &text);

    // World modules: renders one frame per camera into `frames` (host-allocated, width x height) and reports the
    // cameras actually used. `ticks` are the controller ticks since the previous step.
    // `memory`: the entries retrieved for these cameras (may be empty). `stepMemory`: what the module's memory
    // services (retrieve, attach_latent) act on during this call; null answers them "unsupported".
    Status worldStep(const std::vector<camera::CameraFrame> &cameras, const std::vector<camera::ControllerTick> &ticks,
                     const std::vector<Frame *> &frames, std::vector<camera::CameraFrame> *camerasUsed = nullptr,
                     const std::vector<mnemo_memory_pick> &memory = {}, StepMemoryContext *stepMemory = nullptr);

    // Pipelined steps (a remote module: canPipelineSteps()): submit sends a step (one frame index per camera) without
    // waiting; collect waits for the oldest submitted step's frames into `frames` (created size, one per camera). At
    // most two in flight; other calls fail while any is. The timings below then describe the collected step, its
    // round trip counted from its submission.
    bool canPipelineSteps() const;
    Status submitWorldStep(const std::vector<camera::CameraFrame> &cameras,
                           const std::vector<camera::ControllerTick> &ticks, const std::vector<uint64_t> &frameIndices,
                           const std::vector<mnemo_memory_pick> &memory = {});
    Status collectWorldStep(const std::vector<Frame *> &frames, std::vector<camera::CameraFrame> *camerasUsed = nullptr);
    size_t stepsInFlight() const { return m_submitted.size(); }

    // How long the last worldStep ran inside the module: the call itself in process; in an isolated child, what the
    // child measured (the transport around it is the host's overhead).
    double lastStepModuleMs() const { return m_lastStepModuleMs; }
    // The whole last worldStep as the host saw it (for a remote module, the round trip), and the part of it spent
    // encoding and decoding frames; the rest beyond the module's time is transport.
    double lastStepCallMs() const { return m_lastStepCallMs; }
    double lastStepCodecMs() const { return m_lastStepCodecMs; }
    // The memory entries the module says its last step used (a remote model reports it); empty optional: not said.
    std::optional<std::vector<uint64_t>> lastStepMemoryUsed() const;

    // What a module that follows the source's motion gets besides its input: the chain's source frames and, per frame,
    // the backward flow into it (empty for the first frame of a stream). One entry per input frame.
    struct EditSource {
        std::vector<const Frame *> frames;
        std::vector<const std::vector<float> *> flows;
    };

    // Edit modules: framesPerInput() output frames per input frame (host-allocated, outputWidth() x outputHeight());
    // `inputs.size()` is normally the module's chunk_frames. `source` is required for modules with wantsSourceFlow and
    // ignored by the others.
    Status editProcess(const std::vector<const Frame *> &inputs, const std::vector<Frame *> &outputs,
                       const EditSource *source = nullptr);

    // A frame in a storage buffer on the host's device (mnemo_gpu_frame's layout: packed RGBA8, rows tight).
    struct GpuFrame {
        VkBuffer buffer = VK_NULL_HANDLE;
        VkDeviceSize offset = 0;
        uint32_t width = 0, height = 0;
        uint64_t index = 0;
    };
    struct GpuFlow { // two floats per pixel; a null buffer for the first frame of a stream
        VkBuffer buffer = VK_NULL_HANDLE;
        VkDeviceSize offset = 0;
    };
    struct GpuSource {
        std::vector<GpuFrame> frames;
        std::vector<GpuFlow> flows;
    };
    // True when the module offers edit_process_gpu and this instance was created with the host's Vulkan device.
    bool hasGpuPath() const;
    // Edit modules with a GPU path: records the edit of `inputs` into `outputs` (created size) into `commands`, which
    // the caller submits. `source` is required for modules with wantsSourceFlow. The caller orders the buffers
    // (barriers before and after) and waits for the submission before calling again.
    Status editProcessGpu(VkCommandBuffer commands, const std::vector<GpuFrame> &inputs,
                          const std::vector<GpuFrame> &outputs, const GpuSource *source = nullptr);

private:
    explicit ModuleInstance(const LoadedModule &module);
    Status fromC(mnemo_status status, const mnemo_error &error, const char *call) const;
    Status checkWorldFrames(size_t cameras, const std::vector<Frame *> &frames) const;
    template <typename Call>
    Status stepInto(const std::vector<Frame *> &frames, std::vector<camera::CameraFrame> *camerasUsed,
                    std::chrono::steady_clock::time_point start, Call &&call);
    Status editWithSource(const std::vector<mnemo_frame> &in, std::vector<mnemo_frame> &out, const EditSource *source);
    Status askOutputShape(bool isolated);
    Status checkEditFrame(const Frame &f, uint32_t width, uint32_t height) const;
    LoadedModule m_module;
    std::unique_ptr<HostBinding> m_binding; // the service table this instance was created with
    std::unique_ptr<ModuleCalls> m_calls;   // the module's C calls: in this process, or in its isolated child
    bool m_created = false;
    double m_lastStepModuleMs = 0;
    double m_lastStepCallMs = 0;
    double m_lastStepCodecMs = 0;
    struct Submitted {
        std::chrono::steady_clock::time_point at;
        size_t frames = 0;
    };
    std::deque<Submitted> m_submitted; // pipelined steps in flight, oldest first
    uint32_t m_width = 0;
    uint32_t m_height = 0;
    uint32_t m_outWidth = 0;
    uint32_t m_outHeight = 0;
    uint32_t m_framesPerInput = 1;
};

} // namespace mnemo::modules
