// Runs an ncnn model on Vulkan compute: tensors stay on the device, one command buffer for the whole graph.
#include "mnemo/nn/VulkanOps.hpp"

#include "VulkanLayers.hpp"

#include <chrono>
#include <cstring>

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

// The steps of every layer, in order; `blobs` ends with every tensor the graph makes.
Result<std::vector<detail::Step>> prepare(gpu::VulkanContext &ctx, const NcnnModel &model,
                                          std::map<std::string, DeviceTensor> &blobs) {
    std::vector<detail::Step> steps;
    for (const Layer &l : model.layers) {
        if (l.type == "Input") continue;
        std::vector<DeviceTensor> in;
        for (const std::string &name : l.inputs) {
            auto it = blobs.find(name);
            if (it == blobs.end())
                return Status(StatusCode::InvalidArgument,
                              "layer '" + l.name + "' reads '" + name + "', which nothing made");
            in.push_back(it->second);
        }
        if (in.empty()) return Status(StatusCode::InvalidArgument, "layer '" + l.name + "' has no input");
        if (l.type == "Split") { // the same buffer under each name: nothing to run
            for (const std::string &t : l.outputs)
                blobs[t] = in[0];
            continue;
        }
        DeviceTensor out;
        auto step = detail::buildStep(ctx, l, in, out);
        if (!step.ok())
            return Status(step.status().code(), "layer '" + l.name + "' (" + l.type + "): " + step.message());
        if (l.outputs.size() != 1) return Status(StatusCode::Unsupported, "layer '" + l.name + "': several outputs");
        blobs[l.outputs[0]] = out;
        steps.push_back(std::move(step.value()));
    }
    return steps;
}

} // namespace

Result<std::map<std::string, Tensor>> run(gpu::VulkanContext &ctx, const NcnnModel &model,
                                          const std::map<std::string, Tensor> &inputs, std::vector<std::string> outputs,
                                          RunStats *stats) {
    auto t0 = Clock::now();
    std::map<std::string, DeviceTensor> blobs;
    for (const std::string &name : model.inputs()) {
        auto it = inputs.find(name);
        if (it == inputs.end()) return Status(StatusCode::InvalidArgument, "no value for the input '" + name + "'");
        auto buffer = detail::upload(ctx, it->second.data);
        if (!buffer.ok()) return buffer.status();
        blobs[name] = {buffer.value(), it->second.c, it->second.h, it->second.w};
    }
    auto steps = prepare(ctx, model, blobs);
    if (!steps.ok()) return steps.status();
    if (stats) stats->prepareMs = msSince(t0);
    t0 = Clock::now();
    Status s = ctx.submitAndWait([&](VkCommandBuffer cmd) {
        for (const detail::Step &step : steps.value()) {
            step.pipeline.recordDispatch(cmd, step.push.data(), step.groups[0], step.groups[1], step.groups[2]);
            barrier(cmd, VK_ACCESS_SHADER_READ_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
        }
        barrier(cmd, VK_ACCESS_HOST_READ_BIT, VK_PIPELINE_STAGE_HOST_BIT);
    });
    if (!s.ok()) return s.withContext("running '" + model.path + "' on the GPU");
    if (stats) stats->gpuMs = msSince(t0);
    t0 = Clock::now();
    if (outputs.empty()) outputs = model.outputs();
    std::map<std::string, Tensor> out;
    for (const std::string &name : outputs) {
        auto it = blobs.find(name);
        if (it == blobs.end()) return Status(StatusCode::NotFound, "the model makes no blob '" + name + "'");
        Tensor t(it->second.c, it->second.h, it->second.w);
        std::memcpy(t.data.data(), it->second.buffer->mapped(), t.data.size() * sizeof(float));
        out[name] = std::move(t);
    }
    if (stats) stats->readbackMs = msSince(t0);
    return out;
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
