// Convolution on Vulkan compute (shaders/compute/nn_conv2d.comp).
#include "mnemo/nn/VulkanOps.hpp"

#include "mnemo/gpu/ComputePipeline.hpp"

#include <cstring>

namespace mnemo::nn::vulkan {
namespace {

const uint32_t kConv2dSpv[] =
#include "compute/nn_conv2d.comp.inc"
    ;

struct Push {
    int32_t inC, inH, inW, outC, outH, outW;
    int32_t kernelW, kernelH, strideW, strideH, dilationW, dilationH, padLeft, padTop;
    int32_t hasBias, activation;
    float slope;
};

Result<gpu::GpuBuffer> upload(gpu::VulkanContext &ctx, const std::vector<float> &values) {
    const VkDeviceSize bytes = std::max<VkDeviceSize>(4, values.size() * sizeof(float));
    auto buffer =
        gpu::GpuBuffer::create(ctx, bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, gpu::MemoryLocation::HostVisible);
    if (buffer.ok() && !values.empty()) std::memcpy(buffer->mapped(), values.data(), values.size() * sizeof(float));
    return buffer;
}

} // namespace

Result<Tensor> convolution(gpu::VulkanContext &ctx, const Tensor &in, const std::vector<float> &weights,
                           const std::vector<float> &bias, const cpu::ConvParams &p) {
    if (p.activation > 2)
        return Status(StatusCode::Unsupported, "convolution: activation " + std::to_string(p.activation));
    // The output's shape as the reference computes it; a mistake gets the reference's message.
    const int spanW = p.dilationW * (p.kernelW - 1) + 1, spanH = p.dilationH * (p.kernelH - 1) + 1;
    const int outW = (in.w + p.padLeft + p.padRight - spanW) / p.strideW + 1;
    const int outH = (in.h + p.padTop + p.padBottom - spanH) / p.strideH + 1;
    const size_t expected = size_t(p.outputs) * size_t(in.c) * size_t(p.kernelW) * size_t(p.kernelH);
    if (outW <= 0 || outH <= 0 || weights.size() != expected || (!bias.empty() && bias.size() != size_t(p.outputs))) {
        return cpu::convolution(in, weights, bias, p).status(); // the reference's message for the same mistake
    }
    auto pipeline = gpu::ComputePipeline::create(
        ctx,
        {"nn_conv2d", kConv2dSpv, std::vector<VkDescriptorType>(4, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER), sizeof(Push)});
    if (!pipeline.ok()) return pipeline.status();
    Tensor out(p.outputs, outH, outW);
    auto src = upload(ctx, in.data), w = upload(ctx, weights), b = upload(ctx, bias), dst = upload(ctx, out.data);
    for (auto *r : {&src, &w, &b, &dst}) {
        if (!r->ok()) return r->status();
    }
    pipeline->bindBuffer(0, src.value());
    pipeline->bindBuffer(1, w.value());
    pipeline->bindBuffer(2, b.value());
    pipeline->bindBuffer(3, dst.value());
    const Push push{in.c,
                    in.h,
                    in.w,
                    p.outputs,
                    outH,
                    outW,
                    p.kernelW,
                    p.kernelH,
                    p.strideW,
                    p.strideH,
                    p.dilationW,
                    p.dilationH,
                    p.padLeft,
                    p.padTop,
                    bias.empty() ? 0 : 1,
                    p.activation,
                    p.activationParams.empty() ? 0.f : p.activationParams[0]};
    Status s = ctx.submitAndWait([&](VkCommandBuffer cmd) {
        pipeline->recordDispatch(cmd, &push, uint32_t(outW + 7) / 8, uint32_t(outH + 7) / 8, uint32_t(p.outputs));
        VkMemoryBarrier host{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
        host.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
        host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
        vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &host, 0,
                             nullptr, 0, nullptr);
    });
    if (!s.ok()) return s.withContext("running the convolution kernel");
    std::memcpy(out.data.data(), dst->mapped(), out.data.size() * sizeof(float));
    return out;
}

} // namespace mnemo::nn::vulkan
