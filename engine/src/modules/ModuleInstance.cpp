#include "mnemo/modules/ModuleInstance.hpp"

#include "ModuleCalls.hpp"

#include "mnemo/core/Guard.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace mnemo::modules {

mnemo_camera cameraToC(const camera::CameraFrame &c) {
    mnemo_camera out{};
    std::memcpy(out.c2w, c.c2w.data(), sizeof out.c2w);
    out.fx = c.intrinsics.fx;
    out.fy = c.intrinsics.fy;
    out.cx = c.intrinsics.cx;
    out.cy = c.intrinsics.cy;
    return out;
}

camera::CameraFrame cameraFromC(const mnemo_camera &c) {
    camera::CameraFrame out;
    std::memcpy(out.c2w.data(), c.c2w, sizeof c.c2w);
    out.intrinsics = {c.fx, c.fy, c.cx, c.cy};
    return out;
}

namespace {

// Every call into a module goes through here. The ABI forbids exceptions across it, but a C++ module can still let
// one out; it stops at this frame and becomes the call's error, so one broken module cannot take the host down.
template <typename F> mnemo_status callModule(mnemo_error &error, F &&call) noexcept {
    mnemo_status status = MNEMO_ERR_INTERNAL;
    Status caught = guarded("an exception crossed the module ABI", [&] {
        faultPoint("engine.module-call");
        status = call();
    });
    if (caught.ok()) return status;
    std::snprintf(error.message, sizeof error.message, "%s", caught.message().c_str());
    return caught.code() == StatusCode::OutOfMemory ? MNEMO_ERR_OUT_OF_MEMORY : MNEMO_ERR_INTERNAL;
}

} // namespace

Status ModuleInstance::fromC(mnemo_status status, const mnemo_error &error, const char *call) const {
    if (status == MNEMO_OK) return {};
    const std::string message(error.message, strnlen(error.message, sizeof error.message));
    const StatusCode code = status == MNEMO_ERR_INVALID_ARGUMENT ? StatusCode::InvalidArgument
                            : status == MNEMO_ERR_UNSUPPORTED    ? StatusCode::Unsupported
                            : status == MNEMO_ERR_OUT_OF_MEMORY  ? StatusCode::OutOfMemory
                            : status == MNEMO_ERR_DEVICE         ? StatusCode::DeviceLost
                            : status == MNEMO_ERR_TIMEOUT        ? StatusCode::Timeout
                                                                 : StatusCode::Internal;
    return {code, "module '" + m_module.id + "' " + call + " failed (" + std::to_string(int(status)) + ")" +
                      (message.empty() ? std::string() : ": " + message)};
}

Result<std::unique_ptr<ModuleInstance>> ModuleInstance::create(const LoadedModule &module, ModuleHost &host,
                                                               uint32_t width, uint32_t height,
                                                               const ParamValues &params) {
    std::unique_ptr<ModuleInstance> instance(new ModuleInstance(module));
    if (module.requiresVulkan && !host.hasVulkan()) {
        return Status(StatusCode::Unsupported,
                      "module '" + module.id + "' needs a Vulkan device and none is available");
    }
    std::vector<mnemo_param_value> values;
    for (const auto &[name, value] : params)
        values.push_back({name.c_str(), value});
    mnemo_create_args args{sizeof args, width, height, values.data(), uint32_t(values.size())};
    mnemo_error error{};
    instance->m_binding = host.bind();
    const Isolation isolation = host.isolation(module.id);
    instance->m_calls = module.remote       ? remoteCalls(*module.remote, module.id)
                        : isolation.enabled ? isolatedCalls(module, isolation)
                                            : inProcessCalls(module.api);
    const mnemo_status s =
        callModule(error, [&] { return instance->m_calls->create(&instance->m_binding->services, &args, &error); });
    if (Status st = instance->fromC(s, error, "create"); !st.ok()) return st;
    instance->m_created = true;
    instance->m_width = instance->m_outWidth = width;
    instance->m_height = instance->m_outHeight = height;
    if (module.kind == ModuleKind::Edit) {
        if (Status st = instance->askOutputShape(isolation.enabled && !module.remote); !st.ok()) return st;
    }
    return instance;
}

// The size an edit instance writes. An isolated child's frames travel in shared memory laid out for the created
// size, so a module that resizes is refused there, by name, rather than asked.
Status ModuleInstance::askOutputShape(bool isolated) {
    const mnemo_module_api *api = m_module.api;
    const bool canResize = api && MNEMO_HAS_FIELD(api, mnemo_module_api, edit_output_shape) && api->edit_output_shape;
    if (!canResize) return {};
    if (isolated) {
        return {StatusCode::Unsupported, "module '" + m_module.id +
                                             "' changes the frame size or count, which an isolated "
                                             "module cannot do yet: run it in process (turn its isolation off)"};
    }
    mnemo_edit_shape shape{sizeof shape, m_width, m_height, 1};
    mnemo_error error{};
    if (Status s = fromC(callModule(error, [&] { return m_calls->editOutputShape(&shape, &error); }), error,
                         "edit_output_shape");
        !s.ok()) {
        return s;
    }
    constexpr uint32_t kMaxSide = 16384; // a frame the host can allocate and encode
    if (shape.width == 0 || shape.height == 0 || shape.width > kMaxSide || shape.height > kMaxSide) {
        return {StatusCode::Internal, "module '" + m_module.id + "' answered an output size of " +
                                          std::to_string(shape.width) + "x" + std::to_string(shape.height)};
    }
    if (shape.frames_per_input == 0 || shape.frames_per_input > kMaxFramesPerInput) {
        return {StatusCode::Internal, "module '" + m_module.id + "' answered " +
                                          std::to_string(shape.frames_per_input) + " frames per input (1 to " +
                                          std::to_string(kMaxFramesPerInput) + ")"};
    }
    if (shape.frames_per_input > 1 && (m_module.wantsSourceFlow || !api->edit_process)) {
        return {StatusCode::Unsupported, "module '" + m_module.id +
                                             "' writes several frames per input, which needs edit_process and no "
                                             "source-following call"};
    }
    m_outWidth = shape.width;
    m_outHeight = shape.height;
    m_framesPerInput = shape.frames_per_input;
    return {};
}

ModuleInstance::ModuleInstance(const LoadedModule &module) : m_module(module) {}

ModuleInstance::~ModuleInstance() {
    mnemo_error error{};
    if (m_created)
        (void)callModule(error, [&] {
            m_calls->destroy();
            return MNEMO_OK;
        });
}

Status ModuleInstance::reset(uint64_t seed, const std::string &prompt) {
    if (m_module.api && !m_module.api->reset) return {};
    mnemo_reset_args args{sizeof args, seed, prompt.empty() ? nullptr : prompt.c_str(), nullptr};
    mnemo_error error{};
    return fromC(callModule(error, [&] { return m_calls->reset(&args, &error); }), error, "reset");
}

Status ModuleInstance::setParam(const std::string &name, double value) {
    if (m_module.api && !m_module.api->set_param) {
        return {StatusCode::Unsupported, "module '" + m_module.id + "' has no run-time parameters"};
    }
    mnemo_param_value v{name.c_str(), value};
    mnemo_error error{};
    return fromC(callModule(error, [&] { return m_calls->setParam(&v, &error); }), error, "set_param");
}

Status ModuleInstance::setParamText(const std::string &name, const std::string &text) {
    // Checked before looking at the parameter: a module from before set_param_text can take no text at all, and
    // its table ends before the field, so reading it would read past the module's table.
    const mnemo_module_api *api = m_module.api; // null for a remote module: the server answers for it
    if (api && (!MNEMO_HAS_FIELD(api, mnemo_module_api, set_param_text) || !api->set_param_text)) {
        return {StatusCode::Unsupported, "module '" + m_module.id + "' has no text parameters (it cannot set '" + name +
                                             "': its function table has no set_param_text)"};
    }
    const auto declared = std::find_if(m_module.params.begin(), m_module.params.end(),
                                       [&](const ModuleParam &p) { return p.name == name; });
    if (declared == m_module.params.end()) {
        return {StatusCode::InvalidArgument, "module '" + m_module.id + "' has no parameter '" + name + "'"};
    }
    if (declared->type != ParamType::Text) {
        return {StatusCode::InvalidArgument, "parameter '" + m_module.id + "." + name + "' is not text (it is " +
                                                 paramTypeName(declared->type) + ")"};
    }
    if (text.find('\0') != std::string::npos) { // the C string would end there: the module would see another value
        return {StatusCode::InvalidArgument, "parameter '" + m_module.id + "." + name + "': the text holds a NUL byte"};
    }
    mnemo_error error{};
    return fromC(callModule(error, [&] { return m_calls->setParamText(name.c_str(), text.c_str(), &error); }), error,
                 "set_param_text");
}

namespace {

// A step's input as the C ABI takes it; the key names and arrays live as long as this object.
class CStepInput {
public:
    CStepInput(const std::vector<camera::CameraFrame> &cameras, const std::vector<camera::ControllerTick> &ticks,
               const std::vector<mnemo_memory_pick> &memory)
        : m_keyNames(ticks.size()) {
        for (const auto &c : cameras)
            m_cameras.push_back(cameraToC(c));
        for (size_t i = 0; i < ticks.size(); ++i) {
            for (const auto &k : ticks[i].keys)
                m_keyNames[i].push_back(k.c_str());
            m_ticks.push_back({ticks[i].tUs, m_keyNames[i].data(), uint32_t(m_keyNames[i].size()), ticks[i].mouseDx,
                               ticks[i].mouseDy, ticks[i].wheel});
        }
        in = {
            sizeof in,     m_cameras.data(),       uint32_t(m_cameras.size()), m_ticks.data(), uint32_t(m_ticks.size()),
            memory.data(), uint32_t(memory.size())};
    }
    CStepInput(const CStepInput &) = delete;
    CStepInput &operator=(const CStepInput &) = delete;
    mnemo_world_step_input in{};

private:
    std::vector<mnemo_camera> m_cameras;
    std::vector<std::vector<const char *>> m_keyNames;
    std::vector<mnemo_ctrl_tick> m_ticks;
};

} // namespace

Status ModuleInstance::checkWorldFrames(size_t cameras, const std::vector<Frame *> &frames) const {
    if (m_module.kind != ModuleKind::World) {
        return {StatusCode::Unsupported, "module '" + m_module.id + "' is not a world module"};
    }
    if (cameras != frames.size() || cameras == 0) {
        return {StatusCode::InvalidArgument, "worldStep needs one frame per camera"};
    }
    for (const Frame *f : frames) {
        if (f->width != m_width || f->height != m_height) {
            return {StatusCode::InvalidArgument, "frame size does not match the module instance"};
        }
    }
    return {};
}

// Calls a step's C function with output frames; checks what it wrote and reports the cameras used and the times.
template <typename Call>
Status ModuleInstance::stepInto(const std::vector<Frame *> &frames, std::vector<camera::CameraFrame> *camerasUsed,
                                std::chrono::steady_clock::time_point start, Call &&call) {
    std::vector<mnemo_frame> out;
    for (Frame *f : frames) {
        out.push_back(
            {sizeof(mnemo_frame), f->width, f->height, f->width * 4, MNEMO_PIXEL_RGBA8, f->rgba.data(), f->index});
    }
    std::vector<mnemo_camera> used(frames.size());
    mnemo_world_step_output result{sizeof result, out.data(), used.data(), 0, 0};
    mnemo_error error{};
    const mnemo_status stepped = callModule(error, [&] { return call(result, error); });
    const double callMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    m_lastStepModuleMs = m_calls->lastModuleMs() >= 0 ? m_calls->lastModuleMs() : callMs;
    m_lastStepCallMs = callMs;
    m_lastStepCodecMs = m_calls->lastCodecMs();
    if (Status s = fromC(stepped, error, "world_step"); !s.ok()) return s;
    if (result.frames_written != frames.size()) {
        return {StatusCode::Internal, "module '" + m_module.id + "' wrote " + std::to_string(result.frames_written) +
                                          " of " + std::to_string(frames.size()) + " frames"};
    }
    if (camerasUsed) {
        camerasUsed->clear();
        for (const auto &c : used)
            camerasUsed->push_back(cameraFromC(c));
    }
    return {};
}

Status ModuleInstance::worldStep(const std::vector<camera::CameraFrame> &cameras,
                                 const std::vector<camera::ControllerTick> &ticks, const std::vector<Frame *> &frames,
                                 std::vector<camera::CameraFrame> *camerasUsed,
                                 const std::vector<mnemo_memory_pick> &memory, StepMemoryContext *stepMemory) {
    if (Status s = checkWorldFrames(cameras.size(), frames); !s.ok()) return s;
    const CStepInput c(cameras, ticks, memory);
    m_binding->step = stepMemory; // the module's memory callbacks act on this step only
    const Status s = stepInto(
        frames, camerasUsed, std::chrono::steady_clock::now(),
        [&](mnemo_world_step_output &out, mnemo_error &error) { return m_calls->worldStep(&c.in, &out, &error); });
    m_binding->step = nullptr;
    return s;
}

bool ModuleInstance::canPipelineSteps() const {
    return m_calls->canPipelineSteps();
}

std::optional<std::vector<uint64_t>> ModuleInstance::lastStepMemoryUsed() const {
    const std::vector<uint64_t> *used = m_calls->lastMemoryUsed();
    return used ? std::optional<std::vector<uint64_t>>(*used) : std::nullopt;
}

Status ModuleInstance::submitWorldStep(const std::vector<camera::CameraFrame> &cameras,
                                       const std::vector<camera::ControllerTick> &ticks,
                                       const std::vector<uint64_t> &frameIndices,
                                       const std::vector<mnemo_memory_pick> &memory) {
    if (m_module.kind != ModuleKind::World || cameras.empty() || frameIndices.size() != cameras.size()) {
        return {StatusCode::InvalidArgument, "submitWorldStep needs a world module and one frame index per camera"};
    }
    const CStepInput c(cameras, ticks, memory);
    mnemo_error error{};
    const auto start = std::chrono::steady_clock::now();
    const mnemo_status sent =
        callModule(error, [&] { return m_calls->submitWorldStep(&c.in, frameIndices.data(), &error); });
    if (Status s = fromC(sent, error, "world_step"); !s.ok()) return s;
    m_submitted.push_back({start, cameras.size()});
    return {};
}

Status ModuleInstance::collectWorldStep(const std::vector<Frame *> &frames,
                                        std::vector<camera::CameraFrame> *camerasUsed) {
    if (m_submitted.empty()) return {StatusCode::InvalidArgument, "no submitted step to collect"};
    const Submitted step = m_submitted.front(); // the round trip runs from the step's submission
    if (Status s = checkWorldFrames(step.frames, frames); !s.ok()) return s; // the answer fills step.frames frames
    m_submitted.pop_front();
    return stepInto(frames, camerasUsed, step.at, [&](mnemo_world_step_output &out, mnemo_error &error) {
        return m_calls->collectWorldStep(&out, &error);
    });
}

namespace {

mnemo_frame frameToC(const Frame &f) {
    return {sizeof(mnemo_frame),
            f.width,
            f.height,
            f.width * 4,
            MNEMO_PIXEL_RGBA8,
            const_cast<uint8_t *>(f.rgba.data()),
            f.index};
}

} // namespace

Status ModuleInstance::editProcess(const std::vector<const Frame *> &inputs, const std::vector<Frame *> &outputs,
                                   const EditSource *source) {
    if (m_module.kind != ModuleKind::Edit) {
        return {StatusCode::Unsupported, "module '" + m_module.id + "' is not an edit module"};
    }
    if (inputs.empty() || inputs.size() * m_framesPerInput != outputs.size()) {
        return {StatusCode::InvalidArgument, "editProcess needs " + std::to_string(m_framesPerInput) +
                                                 " output frame(s) per input frame for module '" + m_module.id + "'"};
    }
    std::vector<mnemo_frame> in, out;
    for (const Frame *input : inputs) {
        if (Status s = checkEditFrame(*input, m_width, m_height); !s.ok()) return s;
        in.push_back(frameToC(*input));
    }
    for (const Frame *output : outputs) {
        if (Status s = checkEditFrame(*output, m_outWidth, m_outHeight); !s.ok()) return s;
        out.push_back(frameToC(*output));
    }
    if (m_module.wantsSourceFlow) return editWithSource(in, out, source);
    mnemo_error error{};
    const mnemo_status s =
        callModule(error, [&] { return m_calls->editProcess(in.data(), out.data(), uint32_t(in.size()), &error); });
    return fromC(s, error, "edit_process");
}

Status ModuleInstance::checkEditFrame(const Frame &f, uint32_t width, uint32_t height) const {
    if (f.width == width && f.height == height && f.rgba.size() >= size_t(f.width) * f.height * 4) return {};
    return {StatusCode::InvalidArgument,
            "module '" + m_module.id + "' was created for " + std::to_string(m_width) + "x" + std::to_string(m_height) +
                " frames" +
                (resizes() ? " (written " + std::to_string(m_outWidth) + "x" + std::to_string(m_outHeight) + ")"
                           : std::string()) +
                ", not " + std::to_string(f.width) + "x" + std::to_string(f.height)};
}

Status ModuleInstance::editWithSource(const std::vector<mnemo_frame> &in, std::vector<mnemo_frame> &out,
                                      const EditSource *source) {
    if (!source || source->frames.size() != in.size() || source->flows.size() != in.size()) {
        return {StatusCode::InvalidArgument, "module '" + m_module.id + "' needs the source frames and their flow"};
    }
    std::vector<mnemo_frame> sourceFrames;
    std::vector<mnemo_flow> flows;
    for (size_t i = 0; i < in.size(); ++i) {
        const Frame *f = source->frames[i];
        if (!f || f->width != m_width || f->height != m_height || f->rgba.size() < size_t(f->width) * f->height * 4) {
            return {StatusCode::InvalidArgument,
                    "module '" + m_module.id + "' was given a source frame of another size"};
        }
        const std::vector<float> *flow = source->flows[i];
        if (flow && !flow->empty() && flow->size() != size_t(m_width) * m_height * 2) {
            return {StatusCode::InvalidArgument, "module '" + m_module.id + "' was given a flow of another size"};
        }
        sourceFrames.push_back(frameToC(*f));
        const std::vector<float> *xy = source->flows[i];
        flows.push_back({sizeof(mnemo_flow), m_width, m_height, xy && !xy->empty() ? xy->data() : nullptr});
    }
    mnemo_edit_input input{sizeof input, in.data(), sourceFrames.data(), flows.data(), uint32_t(in.size())};
    mnemo_error error{};
    const mnemo_status s = callModule(error, [&] { return m_calls->editWithSource(&input, out.data(), &error); });
    return fromC(s, error, "edit_process_with_source");
}

namespace {

mnemo_gpu_frame gpuFrameToC(const ModuleInstance::GpuFrame &f) {
    const uint64_t size = uint64_t(f.width) * f.height * 4;
    return {sizeof(mnemo_gpu_frame), f.width, f.height, reinterpret_cast<void *>(f.buffer), f.offset, size, f.index};
}

} // namespace

bool ModuleInstance::hasGpuPath() const {
    return m_module.hasGpuPath && !resizes() && m_framesPerInput == 1 && m_binding && m_binding->services.vulkan &&
           m_calls->inProcessInstance();
}

Status ModuleInstance::editProcessGpu(VkCommandBuffer commands, const std::vector<GpuFrame> &inputs,
                                      const std::vector<GpuFrame> &outputs, const GpuSource *source) {
    if (!hasGpuPath()) return {StatusCode::Unsupported, "module '" + m_module.id + "' has no GPU path here"};
    if (inputs.empty() || inputs.size() != outputs.size()) {
        return {StatusCode::InvalidArgument, "editProcessGpu needs one output frame per input frame"};
    }
    const bool withSource = m_module.wantsSourceFlow;
    if (withSource && (!source || source->frames.size() != inputs.size() || source->flows.size() != inputs.size())) {
        return {StatusCode::InvalidArgument, "module '" + m_module.id + "' needs the source frames and their flow"};
    }
    std::vector<mnemo_gpu_frame> in, out, src;
    std::vector<mnemo_gpu_flow> flows;
    for (size_t i = 0; i < inputs.size(); ++i) {
        for (const GpuFrame *f : {&inputs[i], &outputs[i]}) {
            if (f->width != m_width || f->height != m_height || f->buffer == VK_NULL_HANDLE) {
                return {StatusCode::InvalidArgument, "module '" + m_module.id + "' was created for " +
                                                         std::to_string(m_width) + "x" + std::to_string(m_height) +
                                                         " frames, not " + std::to_string(f->width) + "x" +
                                                         std::to_string(f->height)};
            }
        }
        in.push_back(gpuFrameToC(inputs[i]));
        out.push_back(gpuFrameToC(outputs[i]));
        if (withSource) {
            src.push_back(gpuFrameToC(source->frames[i]));
            const GpuFlow &flow = source->flows[i];
            flows.push_back({sizeof(mnemo_gpu_flow), m_width, m_height, reinterpret_cast<void *>(flow.buffer),
                             flow.offset, flow.buffer ? uint64_t(m_width) * m_height * 8 : 0});
        }
    }
    mnemo_gpu_edit_input input{sizeof input,
                               reinterpret_cast<void *>(commands),
                               in.data(),
                               withSource ? src.data() : nullptr,
                               withSource ? flows.data() : nullptr,
                               uint32_t(in.size())};
    mnemo_error error{};
    const mnemo_status s = callModule(error, [&] {
        return m_module.api->edit_process_gpu(m_calls->inProcessInstance(), &input, out.data(), &error);
    });
    return fromC(s, error, "edit_process_gpu");
}

} // namespace mnemo::modules
