// Runs an ncnn model on Vulkan compute: tensors stay on the device, one command buffer for the whole graph.
#include "mnemo/nn/VulkanOps.hpp"

#include "VulkanLayers.hpp"

#include "mnemo/gpu/GpuTimer.hpp"

#include <chrono>
#include <algorithm>
#include <cstring>
#include <set>

namespace mnemo::nn::vulkan {
namespace {

using detail::DeviceTensor;
using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// Every dispatch's writes visible to the next one's reads (and, at the end, to the host).
void barrier(VkCommandBuffer cmd, VkAccessFlags dstAccess, VkPipelineStageFlags dstStage) {
    VkMemoryBarrier b{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    b.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    b.dstAccessMask = dstAccess;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, dstStage, 0, 1, &b, 0, nullptr, 0, nullptr);
}

// How many layers read each blob.
std::map<std::string, int> readers(const NcnnModel &model) {
    std::map<std::string, int> count;
    for (const Layer &l : model.layers)
        for (const std::string &name : l.inputs)
            ++count[name];
    return count;
}

// The tensors a layer reads, or which one nothing made.
Result<std::vector<DeviceTensor>> inputsOf(const Layer &l, const std::map<std::string, DeviceTensor> &blobs) {
    std::vector<DeviceTensor> in;
    for (const std::string &name : l.inputs) {
        auto it = blobs.find(name);
        if (it == blobs.end())
            return Status(StatusCode::InvalidArgument,
                          "layer '" + l.name + "' reads '" + name + "', which nothing made");
        in.push_back(it->second);
    }
    if (in.empty()) return Status(StatusCode::InvalidArgument, "layer '" + l.name + "' has no input");
    return in;
}

// Multiply-adds of a convolution or deconvolution between tensors of these shapes; 0 for other layers.
double macsOf(const Layer &l, const DeviceTensor &in, const DeviceTensor &out) {
    if (l.type != "Convolution" && l.type != "Deconvolution") return 0;
    const cpu::ConvParams p = cpu::ConvParams::from(l.params);
    const double perPixel = double(p.outputs) * in.c * p.kernelW * p.kernelH;
    return perPixel * (l.type == "Deconvolution" ? double(in.h) * in.w : double(out.h) * out.w);
}

// The steps of every layer, in order; `blobs` ends with every tensor the graph makes. A PReLU that alone reads a 3x3
// convolution's output runs inside it (that output, not kept, cannot be one of `outputs`). `macs` adds up the
// convolutions' multiply-adds.
Result<std::vector<detail::Step>> prepareSteps(gpu::VulkanContext &ctx, const NcnnModel &model,
                                               std::map<std::string, DeviceTensor> &blobs,
                                               const std::vector<std::string> &outputs, bool halfWeights,
                                               double &macs) {
    std::vector<detail::Step> steps;
    detail::Scratch scratch;
    const std::map<std::string, int> readCount = readers(model);
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const Layer &l = model.layers[i];
        if (l.type == "Input") continue;
        auto in = inputsOf(l, blobs);
        if (!in.ok()) return in.status();
        if (l.type == "Split") { // the same buffer under each name: nothing to run
            for (const std::string &t : l.outputs)
                blobs[t] = in.value()[0];
            continue;
        }
        if (l.outputs.size() != 1) return Status(StatusCode::Unsupported, "layer '" + l.name + "': several outputs");
        const Layer *next = i + 1 < model.layers.size() ? &model.layers[i + 1] : nullptr;
        const bool fuse = next && detail::canFusePrelu(l, *next) && readCount.at(l.outputs[0]) == 1 &&
                          std::find(outputs.begin(), outputs.end(), l.outputs[0]) == outputs.end();
        DeviceTensor out;
        auto built = detail::buildSteps(ctx, l, in.value(), out, fuse ? next : nullptr, halfWeights, scratch);
        if (!built.ok())
            return Status(built.status().code(), "layer '" + l.name + "' (" + l.type + "): " + built.message());
        const double layerMacs = macsOf(l, in.value()[0], out);
        macs += layerMacs;
        built.value().front().macs = layerMacs; // on the first: a batch is cut before the layer, not inside it
        for (detail::Step &step : built.value())
            step.layer = fuse ? l.name + "+" + next->name : l.name;
        if (fuse)
            ++i, blobs[next->outputs[0]] = out;
        else
            blobs[l.outputs[0]] = out;
        for (detail::Step &step : built.value())
            steps.push_back(std::move(step));
    }
    return steps;
}

} // namespace

struct Program::Graph {
    std::map<std::string, DeviceTensor> blobs;
    std::vector<detail::Step> steps;
    std::unique_ptr<gpu::GpuTimer> timer; // made at the first timed run; null where the queue has no timestamps
    bool timerTried = false;
};

Program::Program(gpu::VulkanContext &ctx) : m_ctx(ctx) {}
Program::~Program() = default;

Result<std::unique_ptr<Program>> Program::prepare(gpu::VulkanContext &ctx, const NcnnModel &model,
                                                  const std::map<std::string, Shape> &inputs,
                                                  std::vector<std::string> outputs, WeightStorage weights) {
    std::unique_ptr<Program> program(new Program(ctx));
    program->m_graph = std::make_unique<Graph>();
    program->m_path = model.path;
    auto &blobs = program->m_graph->blobs;
    for (const std::string &name : model.inputs()) {
        auto it = inputs.find(name);
        if (it == inputs.end()) return Status(StatusCode::InvalidArgument, "no shape for the input '" + name + "'");
        const Shape &shape = it->second;
        if (shape.c <= 0 || shape.h <= 0 || shape.w <= 0) {
            return Status(StatusCode::InvalidArgument, "the input '" + name + "' has an empty shape");
        }
        auto buffer = detail::deviceBuffer(ctx, size_t(shape.c) * size_t(shape.h) * size_t(shape.w));
        if (!buffer.ok()) return buffer.status();
        blobs[name] = {buffer.value(), shape.c, shape.h, shape.w};
        program->m_inputShapes[name] = shape;
    }
    program->m_outputs = outputs.empty() ? model.outputs() : std::move(outputs);
    const bool halfWeights =
        weights == WeightStorage::Fp16 || (weights == WeightStorage::Auto && !ctx.deviceInfo().software);
    auto steps = prepareSteps(ctx, model, blobs, program->m_outputs, halfWeights, program->m_macs);
    if (!steps.ok()) return steps.status();
    program->m_graph->steps = std::move(steps.value());
    for (const std::string &name : program->m_outputs) {
        if (!blobs.count(name)) return Status(StatusCode::NotFound, "the model makes no blob '" + name + "'");
    }
    std::set<const gpu::GpuBuffer *> counted; // a buffer shared by names (Split) or steps counts once
    for (const auto &[name, tensor] : blobs)
        counted.insert(tensor.buffer.get());
    for (const detail::Step &step : program->m_graph->steps) {
        for (const auto &buffer : step.keep)
            counted.insert(buffer.get());
    }
    for (const gpu::GpuBuffer *buffer : counted)
        program->m_deviceBytes += size_t(buffer->size());
    return program;
}

Result<std::map<std::string, Tensor>> Program::run(const std::map<std::string, Tensor> &inputs, RunStats *stats) {
    auto t0 = Clock::now();
    for (const auto &[name, shape] : m_inputShapes) {
        auto it = inputs.find(name);
        if (it == inputs.end()) return Status(StatusCode::InvalidArgument, "no value for the input '" + name + "'");
        const Tensor &t = it->second;
        if (t.c != shape.c || t.h != shape.h || t.w != shape.w) {
            return Status(StatusCode::InvalidArgument,
                          "the input '" + name + "' is " + std::to_string(t.c) + "x" + std::to_string(t.h) + "x" +
                              std::to_string(t.w) + "; the program was prepared for " + std::to_string(shape.c) + "x" +
                              std::to_string(shape.h) + "x" + std::to_string(shape.w));
        }
        std::memcpy(m_graph->blobs.at(name).buffer->mapped(), t.data.data(), t.data.size() * sizeof(float));
    }
    if (Status s = submitSteps(stats); !s.ok()) return s.withContext("running '" + m_path + "' on the GPU");
    if (stats) stats->gpuMs = msSince(t0);
    t0 = Clock::now();
    std::map<std::string, Tensor> out;
    for (const std::string &name : m_outputs) {
        const DeviceTensor &d = m_graph->blobs.at(name);
        Tensor t(d.c, d.h, d.w);
        std::memcpy(t.data.data(), d.buffer->mapped(), t.data.size() * sizeof(float));
        out[name] = std::move(t);
    }
    if (stats) stats->readbackMs = msSince(t0);
    return out;
}

// A span for each step, made once (timestamps cost a little, so only timed runs record them).
gpu::GpuTimer *Program::stepTimer() {
    if (!m_graph->timerTried) {
        m_graph->timerTried = true;
        auto made = gpu::GpuTimer::create(m_ctx, uint32_t(std::max<size_t>(1, m_graph->steps.size())));
        if (made.ok()) m_graph->timer = std::move(made.value());
    }
    return m_graph->timer.get();
}

// The steps in submissions of about kMacsPerSubmission multiply-adds each, each waited for: the queue is the host's,
// shared with the world module and the other edits, and on a CPU implementation (lavapipe runs one submission after
// another) a whole network in one submission kept them waiting past their timeouts (a 640x360 upscale: 90 s). About
// a quarter of a second of lavapipe's work; on a GPU a whole tile is a few submissions. Each step ends with a barrier,
// which orders it before the next submission's steps too.
Status Program::submitSteps(RunStats *stats) {
    constexpr double kMacsPerSubmission = 2e9;
    // A large tile of a large network takes minutes on a CPU implementation: the default 30 s would call it hung.
    constexpr auto kRunTimeout = std::chrono::minutes(10);
    const auto &steps = m_graph->steps;
    gpu::GpuTimer *timer = stats && stats->timeSteps ? stepTimer() : nullptr;
    if (stats) stats->steps.clear();
    for (size_t first = 0; first < steps.size();) {
        size_t end = first;
        double macs = 0;
        while (end < steps.size() && (end == first || macs + steps[end].macs <= kMacsPerSubmission))
            macs += steps[end++].macs;
        const bool last = end == steps.size();
        Status s = m_ctx.submitAndWait(
            [&](VkCommandBuffer cmd) {
                if (timer) timer->reset(cmd);
                for (size_t i = first; i < end; ++i) {
                    const detail::Step &step = steps[i];
                    const std::optional<uint32_t> span = timer ? timer->begin(cmd) : std::nullopt;
                    step.pipeline.recordDispatch(cmd, step.push.data(), step.groups[0], step.groups[1],
                                                 step.groups[2]);
                    if (span) timer->end(cmd, *span);
                    // Read and written next: later layers rewrite the shared scratch buffers (write after write).
                    barrier(cmd, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
                            VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
                }
                if (last) barrier(cmd, VK_ACCESS_HOST_READ_BIT, VK_PIPELINE_STAGE_HOST_BIT);
            },
            kRunTimeout);
        if (!s.ok()) return s;
        if (timer) {
            const std::vector<double> ms = timer->read();
            for (size_t i = first; i < end && i - first < ms.size(); ++i)
                stats->steps.push_back({steps[i].layer, steps[i].kernel, ms[i - first], steps[i].macs});
        }
        first = end;
    }
    return {};
}

Result<std::map<std::string, Tensor>> run(gpu::VulkanContext &ctx, const NcnnModel &model,
                                          const std::map<std::string, Tensor> &inputs, std::vector<std::string> outputs,
                                          RunStats *stats, WeightStorage weights) {
    const auto t0 = Clock::now();
    std::map<std::string, Program::Shape> shapes;
    for (const auto &[name, t] : inputs)
        shapes[name] = {t.c, t.h, t.w};
    auto program = Program::prepare(ctx, model, shapes, std::move(outputs), weights);
    if (!program.ok()) return program.status();
    if (stats) stats->prepareMs = msSince(t0);
    return program.value()->run(inputs, stats);
}

Result<Tensor> convolution(gpu::VulkanContext &ctx, const Tensor &in, const std::vector<float> &weights,
                           const std::vector<float> &bias, const cpu::ConvParams &p) {
    NcnnModel model;
    model.path = "(one convolution)";
    Layer input, conv;
    input.type = "Input";
    input.outputs = {"in"};
    conv.type = "Convolution";
    conv.name = "conv";
    conv.inputs = {"in"};
    conv.outputs = {"out"};
    const std::pair<int, int> ids[] = {{0, p.outputs},    {1, p.kernelW},   {11, p.kernelH},   {2, p.dilationW},
                                       {12, p.dilationH}, {3, p.strideW},   {13, p.strideH},   {4, p.padLeft},
                                       {14, p.padTop},    {15, p.padRight}, {16, p.padBottom}, {9, p.activation}};
    for (auto [id, v] : ids)
        conv.params.set(id, {std::to_string(v)});
    if (!p.activationParams.empty()) conv.params.set(10, {std::to_string(p.activationParams[0])});
    conv.weights = {weights};
    if (!bias.empty()) conv.weights.push_back(bias);
    model.layers = {input, conv};
    auto out = run(ctx, model, {{"in", in}});
    if (!out.ok()) return out.status();
    return std::move(out->at("out"));
}

} // namespace mnemo::nn::vulkan
