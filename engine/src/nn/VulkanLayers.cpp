// One layer's Vulkan step: output shape, buffers, push constants and the kernel (shaders/compute/nn_*.comp).
#include "VulkanLayers.hpp"

#include "mnemo/nn/CpuReference.hpp"

#include <cstring>

namespace mnemo::nn::vulkan::detail {
namespace {

const uint32_t kConvSpv[] =
#include "compute/nn_conv2d.comp.inc"
    ;
const uint32_t kDeconvSpv[] =
#include "compute/nn_deconv2d.comp.inc"
    ;
const uint32_t kPreluSpv[] =
#include "compute/nn_prelu.comp.inc"
    ;
const uint32_t kShuffleSpv[] =
#include "compute/nn_pixelshuffle.comp.inc"
    ;
const uint32_t kBinarySpv[] =
#include "compute/nn_binary.comp.inc"
    ;
const uint32_t kInterpSpv[] =
#include "compute/nn_interp.comp.inc"
    ;

struct ConvPush {
    int32_t inC, inH, inW, outC, outH, outW;
    int32_t kernelW, kernelH, strideW, strideH, dilationW, dilationH, padLeft, padTop;
    int32_t hasBias, activation;
    float slope;
};

template <typename T> std::vector<uint8_t> bytesOf(const T &push) {
    std::vector<uint8_t> out(sizeof(T));
    std::memcpy(out.data(), &push, sizeof(T));
    return out;
}

uint32_t groupsOf(size_t count, uint32_t size) {
    return uint32_t((count + size - 1) / size);
}

// A step running `spirv` over `buffers` (binding = index), the last of which is the output.
Result<Step> makeStep(gpu::VulkanContext &ctx, const char *name, std::span<const uint32_t> spirv,
                      std::vector<BufferPtr> buffers, std::vector<uint8_t> push) {
    auto pipeline = gpu::ComputePipeline::create(
        ctx, {name, spirv, std::vector<VkDescriptorType>(buffers.size(), VK_DESCRIPTOR_TYPE_STORAGE_BUFFER),
              uint32_t(push.size())});
    if (!pipeline.ok()) return pipeline.status();
    Step step;
    step.pipeline = std::move(pipeline.value());
    for (size_t i = 0; i < buffers.size(); ++i)
        step.pipeline.bindBuffer(uint32_t(i), *buffers[i]);
    step.keep = std::move(buffers);
    step.push = std::move(push);
    return step;
}

Result<Step> convolutionStep(gpu::VulkanContext &ctx, const Layer &l, const DeviceTensor &in, DeviceTensor &out) {
    const bool deconv = l.type == "Deconvolution";
    const cpu::ConvParams p = cpu::ConvParams::from(l.params);
    const cpu::Shape shape =
        deconv ? cpu::deconvolutionShape(in.c, in.h, in.w, p) : cpu::convolutionShape(in.c, in.h, in.w, p);
    const std::vector<float> &weights = l.weights.at(0);
    const std::vector<float> bias = l.weights.size() > 1 ? l.weights[1] : std::vector<float>{};
    if (Status s = cpu::checkConvolution(in.c, weights, bias, p, shape, deconv ? "deconvolution" : "convolution");
        !s.ok()) {
        return s;
    }
    if (p.activation > 2) return Status(StatusCode::Unsupported, "activation " + std::to_string(p.activation));
    auto w = upload(ctx, weights), b = upload(ctx, bias), o = deviceBuffer(ctx, size_t(shape.c * shape.h * shape.w));
    if (!w.ok() || !b.ok() || !o.ok()) return !w.ok() ? w.status() : !b.ok() ? b.status() : o.status();
    out = {o.value(), shape.c, shape.h, shape.w};
    const ConvPush push{in.c,
                        in.h,
                        in.w,
                        shape.c,
                        shape.h,
                        shape.w,
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
    auto step = makeStep(ctx, deconv ? "nn_deconv2d" : "nn_conv2d",
                         deconv ? std::span<const uint32_t>(kDeconvSpv) : std::span<const uint32_t>(kConvSpv),
                         {in.buffer, w.value(), b.value(), out.buffer}, bytesOf(push));
    if (step.ok()) { // the convolution kernel computes eight output channels per invocation
        step->groups[0] = groupsOf(size_t(shape.w), 8);
        step->groups[1] = groupsOf(size_t(shape.h), 8);
        step->groups[2] = deconv ? uint32_t(shape.c) : groupsOf(size_t(shape.c), 8);
    }
    return step;
}

Result<Step> preluStep(gpu::VulkanContext &ctx, const std::vector<float> &slopes, const DeviceTensor &in,
                       DeviceTensor &out) {
    auto s = upload(ctx, slopes.empty() ? std::vector<float>{0.f} : slopes);
    auto o = deviceBuffer(ctx, in.count());
    if (!s.ok() || !o.ok()) return s.ok() ? o.status() : s.status();
    out = {o.value(), in.c, in.h, in.w};
    const uint32_t push[3] = {uint32_t(in.count()), uint32_t(in.h * in.w),
                              uint32_t(std::max<size_t>(1, slopes.size()))};
    auto step = makeStep(ctx, "nn_prelu", kPreluSpv, {in.buffer, s.value(), out.buffer}, bytesOf(push));
    if (step.ok()) step->groups[0] = groupsOf(in.count(), 64);
    return step;
}

Result<Step> shuffleStep(gpu::VulkanContext &ctx, const Layer &l, const DeviceTensor &in, DeviceTensor &out) {
    const int r = l.params.i(0, 1);
    if (r <= 0 || in.c % (r * r) != 0 || l.params.i(1, 0) != 0) {
        return Status(StatusCode::InvalidArgument, "PixelShuffle: factor or mode unsupported");
    }
    auto o = deviceBuffer(ctx, in.count());
    if (!o.ok()) return o.status();
    out = {o.value(), in.c / (r * r), in.h * r, in.w * r};
    const uint32_t push[4] = {uint32_t(out.c), uint32_t(in.h), uint32_t(in.w), uint32_t(r)};
    auto step = makeStep(ctx, "nn_pixelshuffle", kShuffleSpv, {in.buffer, out.buffer}, bytesOf(push));
    if (step.ok()) step->groups[0] = groupsOf(out.count(), 64);
    return step;
}

Result<Step> interpStep(gpu::VulkanContext &ctx, const Layer &l, const DeviceTensor &in, DeviceTensor &out) {
    const ParamDict &p = l.params;
    const int type = p.i(0, 1);
    if (p.i(6, 0) != 0 || type < 1 || type > 3) return Status(StatusCode::Unsupported, "Interp: type or align_corner");
    const int outH = p.i(3, 0) > 0 ? p.i(3, 0) : int(float(in.h) * p.f(1, 1.f));
    const int outW = p.i(4, 0) > 0 ? p.i(4, 0) : int(float(in.w) * p.f(2, 1.f));
    auto o = deviceBuffer(ctx, size_t(in.c) * size_t(outH) * size_t(outW));
    if (!o.ok()) return o.status();
    out = {o.value(), in.c, outH, outW};
    struct {
        int32_t c, inH, inW, outH, outW, type;
        float hs, ws;
    } push{in.c, in.h, in.w, outH, outW, type, float(in.h) / float(outH), float(in.w) / float(outW)};
    auto step = makeStep(ctx, "nn_interp", kInterpSpv, {in.buffer, out.buffer}, bytesOf(push));
    if (step.ok()) step->groups[0] = groupsOf(out.count(), 64);
    return step;
}

Result<Step> binaryStep(gpu::VulkanContext &ctx, const Layer &l, const std::vector<DeviceTensor> &in,
                        DeviceTensor &out) {
    const DeviceTensor &a = in[0];
    DeviceTensor b = in.size() > 1 ? in[1] : DeviceTensor{};
    if (in.size() == 1) { // with_scalar: b is the parameter 2=
        auto scalar = upload(ctx, {l.params.f(2, 0.f)});
        if (!scalar.ok()) return scalar.status();
        b = {scalar.value(), 1, 1, 1};
    }
    const uint32_t mode = b.count() == a.count() && b.c == a.c ? 0
                          : (b.c == a.c && b.h * b.w == 1)     ? 1
                          : b.count() == 1                     ? 2
                                                               : 3;
    if (mode == 3) return Status(StatusCode::InvalidArgument, "BinaryOp: shapes that do not broadcast");
    auto o = deviceBuffer(ctx, a.count());
    if (!o.ok()) return o.status();
    out = {o.value(), a.c, a.h, a.w};
    const uint32_t push[4] = {uint32_t(a.count()), uint32_t(a.h * a.w), uint32_t(l.params.i(0, 0)), mode};
    auto step = makeStep(ctx, "nn_binary", kBinarySpv, {a.buffer, b.buffer, out.buffer}, bytesOf(push));
    if (step.ok()) step->groups[0] = groupsOf(a.count(), 64);
    return step;
}

} // namespace

Result<BufferPtr> deviceBuffer(gpu::VulkanContext &ctx, size_t floats) {
    auto buffer = gpu::GpuBuffer::create(ctx, std::max<VkDeviceSize>(4, floats * sizeof(float)),
                                         VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, gpu::MemoryLocation::HostVisible);
    if (!buffer.ok()) return buffer.status();
    return std::make_shared<gpu::GpuBuffer>(std::move(buffer.value()));
}

Result<BufferPtr> upload(gpu::VulkanContext &ctx, const std::vector<float> &values) {
    auto buffer = deviceBuffer(ctx, values.size());
    if (buffer.ok() && !values.empty())
        std::memcpy(buffer.value()->mapped(), values.data(), values.size() * sizeof(float));
    return buffer;
}

Result<Step> buildStep(gpu::VulkanContext &ctx, const Layer &l, const std::vector<DeviceTensor> &in,
                       DeviceTensor &out) {
    if (l.type == "Convolution" || l.type == "Deconvolution") return convolutionStep(ctx, l, in[0], out);
    if (l.type == "PReLU") return preluStep(ctx, l.weights.empty() ? std::vector<float>{} : l.weights[0], in[0], out);
    if (l.type == "ReLU") return preluStep(ctx, {l.params.f(0, 0.f)}, in[0], out);
    if (l.type == "PixelShuffle") return shuffleStep(ctx, l, in[0], out);
    if (l.type == "Interp") return interpStep(ctx, l, in[0], out);
    if (l.type == "BinaryOp") return binaryStep(ctx, l, in, out);
    return Status(StatusCode::Unsupported, "layer type '" + l.type + "' has no Vulkan kernel yet");
}

} // namespace mnemo::nn::vulkan::detail
