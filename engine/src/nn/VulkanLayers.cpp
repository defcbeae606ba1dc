// One layer's Vulkan step: output shape, buffers, push constants and the kernel (shaders/compute/nn_*.comp).
#include "VulkanLayers.hpp"

#include "mnemo/nn/CpuReference.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mnemo::nn::vulkan::detail {
namespace {

const uint32_t kConvSpv[] =
#include "compute/nn_conv2d.comp.inc"
    ;
const uint32_t kConv3x3Spv[] =
#include "compute/nn_conv3x3.comp.inc"
    ;
const uint32_t kConv3x3HalfSpv[] =
#include "compute/nn_conv3x3_f16.comp.inc"
    ;
const uint32_t kConv3x3Stride2Spv[] =
#include "compute/nn_conv3x3s2.comp.inc"
    ;
const uint32_t kCropSpv[] =
#include "compute/nn_crop.comp.inc"
    ;
const uint32_t kWarpSpv[] =
#include "compute/nn_warp.comp.inc"
    ;
const uint32_t kConcatSpv[] =
#include "compute/nn_concat.comp.inc"
    ;
const uint32_t kEltwiseSpv[] =
#include "compute/nn_eltwise.comp.inc"
    ;
const uint32_t kSigmoidSpv[] =
#include "compute/nn_sigmoid.comp.inc"
    ;
const uint32_t kDeconv4x4s2Spv[] =
#include "compute/nn_deconv4x4s2.comp.inc"
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
const uint32_t kGroupNormSpv[] =
#include "compute/nn_groupnorm.comp.inc"
    ;
const uint32_t kWinoInputSpv[] =
#include "compute/nn_wino_input.comp.inc"
    ;
const uint32_t kWinoProductSpv[] =
#include "compute/nn_wino_product.comp.inc"
    ;
const uint32_t kWinoOutputSpv[] =
#include "compute/nn_wino_output.comp.inc"
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

// Texel formats of the buffers shaders read as `samplerBuffer` (texelFetch) instead of storage buffers: lavapipe
// fetches texels for its 8 lanes at once where it loads a storage buffer lane by lane, a branch each (measured: the
// Winograd product step 7-10x faster on tiny-world's layers).
constexpr VkFormat kFloatTexels = VK_FORMAT_R32_SFLOAT;
constexpr VkFormat kVec4Texels = VK_FORMAT_R32G32B32A32_SFLOAT;
constexpr VkFormat kHalfQuadTexels = VK_FORMAT_R32G32_UINT; // four fp16 values in two words

VkDeviceSize texelBytes(VkFormat format) {
    return format == kVec4Texels ? 16 : format == kHalfQuadTexels ? 8 : 4;
}

// A binding may not be larger than the device reads through one descriptor: a texel view holds at most
// maxTexelBufferElements texels (lavapipe and most GPUs: 128 M), a storage buffer maxStorageBufferRange bytes
// (lavapipe: 128 MB). OutOfMemory, as for an allocation, so that a caller with tiles tries smaller ones.
Status checkBindingSizes(gpu::VulkanContext &ctx, const char *name, const std::vector<BufferPtr> &buffers,
                         const std::vector<VkFormat> &texels) {
    VkPhysicalDeviceProperties device;
    vkGetPhysicalDeviceProperties(ctx.physicalDevice(), &device);
    for (size_t i = 0; i < buffers.size(); ++i) {
        const bool texel = texels[i] != VK_FORMAT_UNDEFINED;
        const VkDeviceSize count = texel ? buffers[i]->size() / texelBytes(texels[i]) : buffers[i]->size();
        const VkDeviceSize limit =
            texel ? VkDeviceSize(device.limits.maxTexelBufferElements) : device.limits.maxStorageBufferRange;
        if (count > limit) {
            const std::string unit = texel ? " texels" : " bytes";
            return Status(StatusCode::OutOfMemory, std::string("'") + name + "' binds " + std::to_string(count) +
                                                       unit + "; " + device.deviceName + " binds at most " +
                                                       std::to_string(limit) + unit + " (run a smaller tile)");
        }
    }
    return {};
}

// A step running `spirv` over `buffers` (binding = index), the last of which is the output: storage buffers, except
// those with a format in `texels` (read as texel buffers of that format, through a view).
Result<Step> makeStep(gpu::VulkanContext &ctx, const char *name, std::span<const uint32_t> spirv,
                      std::vector<BufferPtr> buffers, std::vector<uint8_t> push, std::vector<VkFormat> texels = {}) {
    texels.resize(buffers.size(), VK_FORMAT_UNDEFINED);
    if (Status s = checkBindingSizes(ctx, name, buffers, texels); !s.ok()) return s;
    std::vector<VkDescriptorType> types;
    for (VkFormat f : texels)
        types.push_back(f == VK_FORMAT_UNDEFINED ? VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
                                                 : VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER);
    auto pipeline = gpu::ComputePipeline::create(ctx, {name, spirv, types, uint32_t(push.size())});
    if (!pipeline.ok()) return pipeline.status();
    Step step;
    step.kernel = name;
    step.pipeline = std::move(pipeline.value());
    for (size_t i = 0; i < buffers.size(); ++i) {
        if (texels[i] == VK_FORMAT_UNDEFINED) {
            step.pipeline.bindBuffer(uint32_t(i), *buffers[i]);
        } else if (Status s = step.pipeline.bindTexelBuffer(uint32_t(i), *buffers[i], texels[i]); !s.ok()) {
            return s.withContext(std::string("binding the inputs of '") + name + "'");
        }
    }
    step.keep = std::move(buffers);
    step.push = std::move(push);
    return step;
}

// IEEE fp16 bits of a float, rounded to nearest even (subnormals, overflow to infinity, NaN kept).
uint32_t toHalf(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    const uint32_t sign = (x >> 16) & 0x8000u, absx = x & 0x7FFFFFFFu;
    if (absx >= 0x7F800000u) return sign | 0x7C00u | (absx > 0x7F800000u ? 0x200u : 0u);
    if (absx >= 0x477FF000u) return sign | 0x7C00u; // 65520 and above round to infinity
    if (absx >= 0x38800000u) return sign | ((absx + 0x0FFFu + ((absx >> 13) & 1u) - (112u << 23)) >> 13);
    if (absx < 0x33000000u) return sign; // below half the smallest subnormal
    const uint32_t mant = (absx & 0x7FFFFFu) | 0x800000u, shift = 126u - (absx >> 23);
    const uint32_t kept = mant >> shift, rest = mant & ((1u << shift) - 1u), halfway = 1u << (shift - 1);
    return sign | (kept + (rest > halfway || (rest == halfway && (kept & 1u)) ? 1u : 0u));
}

float fromHalf(uint32_t h) {
    const uint32_t sign = (h & 0x8000u) << 16, exponent = (h >> 10) & 0x1Fu, mantissa = h & 0x3FFu;
    float magnitude = exponent == 0    ? std::ldexp(float(mantissa), -24)
                      : exponent == 31 ? (mantissa ? NAN : INFINITY)
                                       : std::ldexp(float(mantissa | 0x400u), int(exponent) - 25);
    uint32_t bits;
    std::memcpy(&bits, &magnitude, 4);
    bits |= sign;
    std::memcpy(&magnitude, &bits, 4);
    return magnitude;
}

// Whether every value survives fp16 storage exactly (weights read from fp16 in the .bin do).
bool exactInHalf(const std::vector<float> &values) {
    return std::all_of(values.begin(), values.end(), [](float v) { return fromHalf(toHalf(v)) == v; });
}

// fp32 values stored as fp16 (round to nearest even), two to a 32-bit word.
Result<BufferPtr> uploadHalves(gpu::VulkanContext &ctx, const std::vector<float> &values) {
    std::vector<float> words((values.size() + 1) / 2);
    for (size_t i = 0; i < values.size(); ++i) {
        const uint32_t half = toHalf(values[i]);
        uint32_t word;
        std::memcpy(&word, &words[i / 2], 4);
        word = i % 2 ? (word & 0xFFFFu) | (half << 16) : (word & 0xFFFF0000u) | half;
        std::memcpy(&words[i / 2], &word, 4);
    }
    return upload(ctx, words);
}

struct Conv3x3Push {
    int32_t inC, inH, inW, outC, outH, outW, padLeft, padTop;
};

constexpr int kConv3x3Outputs = 4; // output channels per invocation (nn_conv3x3.comp): packOutputQuads' vec4
constexpr int kConv3x3Pixels = 4;  // pixels in a row per invocation
// Its workgroup, 32 x 1 invocations (128 x 1 pixels): on lavapipe short, wide groups ran about 14 % faster than 8 x 8
// (16 x 2 and 64 x 1 measured the same as 32 x 1).
constexpr uint32_t kConv3x3GroupX = 32, kConv3x3GroupY = 1;

// A 3x3 convolution with this stride both ways and no dilation.
bool is3x3(const cpu::ConvParams &p, int stride) {
    return p.kernelW == 3 && p.kernelH == 3 && p.strideW == stride && p.strideH == stride && p.dilationW == 1 &&
           p.dilationH == 1;
}

bool isPlain3x3(const cpu::ConvParams &p) {
    return is3x3(p, 1);
}

// A 3x3 convolution with stride 2 (a U-Net's or RIFE's downsampling): nn_conv3x3s2.comp, fp32 weights.
bool isStride2x3x3(const cpu::ConvParams &p) {
    return is3x3(p, 2);
}

// Weights [outputs][inputs][taps] as the fast kernels read them (nn_conv3x3, nn_deconv4x4s2): for each group of four
// outputs and each input, a vec4 (the four outputs) per tap; zeros past the last output.
std::vector<float> packOutputQuads(const std::vector<float> &weights, int outputs, int inputs, int taps) {
    const int groups = (outputs + 3) / 4;
    std::vector<float> packed(size_t(groups) * size_t(inputs) * size_t(taps) * 4, 0.f);
    size_t i = 0;
    for (int g = 0; g < groups; ++g)
        for (int c = 0; c < inputs; ++c)
            for (int t = 0; t < taps; ++t)
                for (int j = 0; j < 4; ++j, ++i) {
                    const int o = g * 4 + j;
                    if (o < outputs) packed[i] = weights[(size_t(o) * inputs + c) * size_t(taps) + size_t(t)];
                }
    return packed;
}

// nn_conv3x3.comp's Params: the bias, then the slope applied to each output channel's negative values: the fused
// activation (none 1, ReLU 0, leaky ReLU its slope) or a following PReLU's slopes (one for all, or one per channel).
std::vector<float> biasAndSlopes(const cpu::ConvParams &p, const std::vector<float> &bias, int outputs,
                                 const std::vector<float> *prelu) {
    const float activationSlope = p.activation == 1   ? 0.f
                                  : p.activation == 2 ? (p.activationParams.empty() ? 0.f : p.activationParams[0])
                                                      : 1.f;
    std::vector<float> params(size_t(outputs) * 2, 0.f);
    for (int o = 0; o < outputs; ++o) {
        params[size_t(o)] = bias.empty() ? 0.f : bias[size_t(o)];
        float slope = activationSlope;
        if (prelu && !prelu->empty()) slope = prelu->size() == 1 ? (*prelu)[0] : (*prelu)[size_t(o)];
        params[size_t(outputs + o)] = slope;
    }
    return params;
}

Result<Step> conv3x3Step(gpu::VulkanContext &ctx, const cpu::ConvParams &p, const std::vector<float> &weights,
                         const std::vector<float> &bias, const std::vector<float> *prelu, const DeviceTensor &in,
                         const DeviceTensor &out, bool halfWeights) {
    const std::vector<float> packed = packOutputQuads(weights, out.c, in.c, 9);
    const bool stride2 = isStride2x3x3(p);
    // fp16 storage where it loses nothing (half the bytes each tap reads); stride 2 has an fp32 kernel only
    const bool half = halfWeights && !stride2 && exactInHalf(packed);
    auto w = half ? uploadHalves(ctx, packed) : upload(ctx, packed);
    auto b = upload(ctx, biasAndSlopes(p, bias, out.c, prelu));
    if (!w.ok() || !b.ok()) return !w.ok() ? w.status() : b.status();
    const Conv3x3Push push{in.c, in.h, in.w, out.c, out.h, out.w, p.padLeft, p.padTop};
    const char *kernel = stride2 ? "nn_conv3x3s2" : half ? "nn_conv3x3_f16" : "nn_conv3x3";
    const std::span<const uint32_t> spirv = stride2 ? std::span<const uint32_t>(kConv3x3Stride2Spv)
                                            : half  ? std::span<const uint32_t>(kConv3x3HalfSpv)
                                                    : std::span<const uint32_t>(kConv3x3Spv);
    auto step = makeStep(ctx, kernel, spirv,
                         {in.buffer, w.value(), b.value(), out.buffer}, bytesOf(push),
                         {kFloatTexels, half ? kHalfQuadTexels : kVec4Texels, kFloatTexels});
    if (step.ok()) {
        step->groups[0] = groupsOf(size_t(out.w), kConv3x3GroupX * kConv3x3Pixels);
        step->groups[1] = groupsOf(size_t(out.h), kConv3x3GroupY);
        step->groups[2] = groupsOf(size_t(out.c), kConv3x3Outputs);
    }
    return step;
}

// Winograd's transformed weights U = G g G^T per output and input, laid out [element][input][output group of 4] as
// the product step reads them (zeros past the last output).
std::vector<float> winogradWeights(const std::vector<float> &weights, int outputs, int inputs) {
    const int groups = (outputs + 3) / 4;
    std::vector<float> u(size_t(16) * size_t(inputs) * size_t(groups) * 4, 0.f);
    for (int o = 0; o < outputs; ++o) {
        for (int c = 0; c < inputs; ++c) {
            const float *g = &weights[(size_t(o) * size_t(inputs) + size_t(c)) * 9];
            float gg[4][3]; // G g
            for (int k = 0; k < 3; ++k) {
                gg[0][k] = g[k];
                gg[1][k] = 0.5f * (g[k] + g[3 + k] + g[6 + k]);
                gg[2][k] = 0.5f * (g[k] - g[3 + k] + g[6 + k]);
                gg[3][k] = g[6 + k];
            }
            for (int i = 0; i < 4; ++i) {
                const float row[4] = {gg[i][0], 0.5f * (gg[i][0] + gg[i][1] + gg[i][2]),
                                      0.5f * (gg[i][0] - gg[i][1] + gg[i][2]), gg[i][2]};
                for (int j = 0; j < 4; ++j) {
                    const size_t e = size_t(i * 4 + j);
                    u[((e * size_t(inputs) + size_t(c)) * size_t(groups) + size_t(o / 4)) * 4 + size_t(o % 4)] = row[j];
                }
            }
        }
    }
    return u;
}

// A scratch buffer of at least `floats`, shared with the other steps unless it must grow.
Result<BufferPtr> scratchOf(gpu::VulkanContext &ctx, BufferPtr &shared, size_t floats) {
    if (!shared || shared->size() < floats * sizeof(float)) {
        auto made = deviceBuffer(ctx, floats);
        if (!made.ok()) return made.status();
        shared = made.value();
    }
    return shared;
}

struct WinoInputPush {
    int32_t inC, inH, inW, tilesX, tilesY, tilesPadded, padLeft, padTop;
};
struct WinoProductPush {
    int32_t inC, groups, tilesPadded;
};
struct WinoOutputPush {
    int32_t outC, outH, outW, tilesX, tilesY, tilesPadded, groups;
};

// The 3x3 convolution as Winograd F(2x2, 3x3): input transform, 16 products over the channels, output transform
// with bias and activation (nn_wino_*.comp).
Result<std::vector<Step>> winogradSteps(gpu::VulkanContext &ctx, const cpu::ConvParams &p,
                                        const std::vector<float> &weights, const std::vector<float> &bias,
                                        const std::vector<float> *prelu, const DeviceTensor &in,
                                        const DeviceTensor &out, Scratch &scratch) {
    const int tilesX = (out.w + 1) / 2, tilesY = (out.h + 1) / 2, tiles = (tilesX * tilesY + 3) / 4 * 4;
    const int groups = (out.c + 3) / 4;
    auto u = upload(ctx, winogradWeights(weights, out.c, in.c));
    auto b = upload(ctx, biasAndSlopes(p, bias, out.c, prelu));
    auto v = scratchOf(ctx, scratch.transformed, size_t(16) * size_t(in.c) * size_t(tiles));
    auto m = scratchOf(ctx, scratch.products, size_t(16) * size_t(groups) * 4 * size_t(tiles));
    for (const Result<BufferPtr> *r : {&u, &b, &v, &m})
        if (!r->ok()) return r->status();
    const WinoInputPush inputPush{in.c, in.h, in.w, tilesX, tilesY, tiles, p.padLeft, p.padTop};
    const WinoProductPush productPush{in.c, groups, tiles};
    const WinoOutputPush outputPush{out.c, out.h, out.w, tilesX, tilesY, tiles, groups};
    auto transform =
        makeStep(ctx, "nn_wino_input", kWinoInputSpv, {in.buffer, v.value()}, bytesOf(inputPush), {kFloatTexels});
    auto product = makeStep(ctx, "nn_wino_product", kWinoProductSpv, {v.value(), u.value(), m.value()},
                            bytesOf(productPush), {kVec4Texels, kVec4Texels});
    auto output = makeStep(ctx, "nn_wino_output", kWinoOutputSpv, {m.value(), b.value(), out.buffer},
                           bytesOf(outputPush), {kVec4Texels, kFloatTexels});
    for (const Result<Step> *r : {&transform, &product, &output})
        if (!r->ok()) return r->status();
    transform->groups[0] = groupsOf(size_t(tiles), 32);
    transform->groups[1] = uint32_t(in.c);
    product->groups[0] = groupsOf(size_t(tiles / 4), 32);
    product->groups[1] = uint32_t(groups);
    product->groups[2] = 16;
    output->groups[0] = groupsOf(size_t(tilesX) * size_t(tilesY), 32);
    output->groups[1] = uint32_t(groups);
    std::vector<Step> steps;
    steps.push_back(std::move(transform.value()));
    steps.push_back(std::move(product.value()));
    steps.push_back(std::move(output.value()));
    return steps;
}

bool isPlain4x4s2(const cpu::ConvParams &p) {
    return p.kernelW == 4 && p.kernelH == 4 && p.strideW == 2 && p.strideH == 2 && p.dilationW == 1 &&
           p.dilationH == 1 && p.outputPadRight == 0 && p.outputPadBottom == 0;
}

Result<Step> deconv4x4s2Step(gpu::VulkanContext &ctx, const cpu::ConvParams &p, const std::vector<float> &weights,
                             const std::vector<float> &bias, const DeviceTensor &in, const DeviceTensor &out) {
    auto w = upload(ctx, packOutputQuads(weights, out.c, in.c, 16));
    auto b = upload(ctx, biasAndSlopes(p, bias, out.c, nullptr));
    if (!w.ok() || !b.ok()) return !w.ok() ? w.status() : b.status();
    const Conv3x3Push push{in.c, in.h, in.w, out.c, out.h, out.w, p.padLeft, p.padTop};
    auto step =
        makeStep(ctx, "nn_deconv4x4s2", kDeconv4x4s2Spv, {in.buffer, w.value(), b.value(), out.buffer}, bytesOf(push),
                 {kFloatTexels, kVec4Texels, kFloatTexels});
    if (step.ok()) { // one invocation per 2x2 block of the full output: blocks 0..inW by 0..inH
        step->groups[0] = groupsOf(size_t(in.w) + 1, 16);
        step->groups[1] = groupsOf(size_t(in.h) + 1, 2);
        step->groups[2] = groupsOf(size_t(out.c), 4);
    }
    return step;
}

// The one step of a (de)convolution whose output `out` is allocated: the kernel that fits its shape.
Result<Step> convolutionStep(gpu::VulkanContext &ctx, const cpu::ConvParams &p, bool deconv,
                             const std::vector<float> &weights, const std::vector<float> &bias,
                             const std::vector<float> *prelu, const DeviceTensor &in, const DeviceTensor &out,
                             bool halfWeights);

// A convolution's or deconvolution's steps, its output allocated here: Winograd for a plain 3x3 on many channels
// (kWinogradMinChannels: three steps), else one step.
Result<std::vector<Step>> convolutionSteps(gpu::VulkanContext &ctx, const Layer &l, const DeviceTensor &in,
                                           DeviceTensor &out, const std::vector<float> *prelu, bool halfWeights,
                                           Scratch &scratch) {
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
    auto o = deviceBuffer(ctx, size_t(shape.c * shape.h * shape.w));
    if (!o.ok()) return o.status();
    out = {o.value(), shape.c, shape.h, shape.w};
    if (!deconv && isPlain3x3(p) && in.c >= kWinogradMinChannels && out.c >= kWinogradMinChannels) {
        return winogradSteps(ctx, p, weights, bias, prelu, in, out, scratch);
    }
    auto step = convolutionStep(ctx, p, deconv, weights, bias, prelu, in, out, halfWeights);
    if (!step.ok()) return step.status();
    std::vector<Step> steps;
    steps.push_back(std::move(step.value()));
    return steps;
}

Result<Step> convolutionStep(gpu::VulkanContext &ctx, const cpu::ConvParams &p, bool deconv,
                             const std::vector<float> &weights, const std::vector<float> &bias,
                             const std::vector<float> *prelu, const DeviceTensor &in, const DeviceTensor &out,
                             bool halfWeights) {
    if (!deconv && (isPlain3x3(p) || isStride2x3x3(p)))
        return conv3x3Step(ctx, p, weights, bias, prelu, in, out, halfWeights);
    if (deconv && isPlain4x4s2(p) && !prelu) return deconv4x4s2Step(ctx, p, weights, bias, in, out);
    if (prelu) return Status(StatusCode::Internal, "a PReLU fused into a convolution that is not 3x3");
    auto w = upload(ctx, weights), b = upload(ctx, bias);
    if (!w.ok() || !b.ok()) return !w.ok() ? w.status() : b.status();
    const ConvPush push{in.c,
                        in.h,
                        in.w,
                        out.c,
                        out.h,
                        out.w,
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
                         {in.buffer, w.value(), b.value(), out.buffer}, bytesOf(push),
                         {kFloatTexels, kFloatTexels, kFloatTexels});
    if (step.ok()) { // the convolution kernel computes eight output channels per invocation
        step->groups[0] = groupsOf(size_t(out.w), 8);
        step->groups[1] = groupsOf(size_t(out.h), 8);
        step->groups[2] = deconv ? uint32_t(out.c) : groupsOf(size_t(out.c), 8);
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
    auto step = makeStep(ctx, "nn_prelu", kPreluSpv, {in.buffer, s.value(), out.buffer}, bytesOf(push),
                         {kFloatTexels, kFloatTexels});
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
    auto step = makeStep(ctx, "nn_pixelshuffle", kShuffleSpv, {in.buffer, out.buffer}, bytesOf(push), {kFloatTexels});
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
    auto step = makeStep(ctx, "nn_interp", kInterpSpv, {in.buffer, out.buffer}, bytesOf(push), {kFloatTexels});
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
    const cpu::BinaryShape shape = cpu::binaryShape(a.c, a.h, a.w, b.c, b.h, b.w);
    if (!shape.ok) return Status(StatusCode::InvalidArgument, "BinaryOp: shapes that do not broadcast");
    auto spread = [](cpu::Spread s) {
        return uint32_t(s == cpu::Spread::Same         ? 0
                        : s == cpu::Spread::PerChannel ? 1
                        : s == cpu::Spread::Scalar     ? 2
                                                       : 3);
    };
    auto o = deviceBuffer(ctx, size_t(shape.c) * size_t(shape.h) * size_t(shape.w));
    if (!o.ok()) return o.status();
    out = {o.value(), shape.c, shape.h, shape.w};
    const uint32_t push[5] = {uint32_t(out.count()), uint32_t(out.h * out.w), uint32_t(l.params.i(0, 0)),
                              spread(shape.a), spread(shape.b)};
    auto step = makeStep(ctx, "nn_binary", kBinarySpv, {a.buffer, b.buffer, out.buffer}, bytesOf(push),
                         {kFloatTexels, kFloatTexels});
    if (step.ok()) step->groups[0] = groupsOf(out.count(), 64);
    return step;
}

// The output tensor of a step and its buffer.
Result<DeviceTensor> outputOf(gpu::VulkanContext &ctx, int c, int h, int w) {
    auto o = deviceBuffer(ctx, size_t(c) * size_t(h) * size_t(w));
    if (!o.ok()) return o.status();
    return DeviceTensor{o.value(), c, h, w};
}

Result<Step> cropStep(gpu::VulkanContext &ctx, const Layer &l, const DeviceTensor &in, DeviceTensor &out) {
    const cpu::CropRange r = cpu::cropRange(in.c, in.h, in.w, l.params.ints(9), l.params.ints(10), l.params.ints(11));
    if (!r.error.empty()) return Status(StatusCode::InvalidArgument, r.error);
    auto o = outputOf(ctx, r.c, r.h, r.w);
    if (!o.ok()) return o.status();
    out = o.value();
    const uint32_t push[8] = {uint32_t(out.count()), uint32_t(r.h),  uint32_t(r.w),  uint32_t(in.h),
                              uint32_t(in.w),        uint32_t(r.c0), uint32_t(r.y0), uint32_t(r.x0)};
    auto step = makeStep(ctx, "nn_crop", kCropSpv, {in.buffer, out.buffer}, bytesOf(push), {kFloatTexels});
    if (step.ok()) step->groups[0] = groupsOf(out.count(), 64);
    return step;
}

Result<Step> warpStep(gpu::VulkanContext &ctx, const std::vector<DeviceTensor> &in, DeviceTensor &out) {
    if (in.size() != 2 || in[1].c != 2 || in[1].h != in[0].h || in[1].w != in[0].w) {
        return Status(StatusCode::InvalidArgument, "rife.Warp needs an image and a 2-channel flow of its size");
    }
    auto o = outputOf(ctx, in[0].c, in[0].h, in[0].w);
    if (!o.ok()) return o.status();
    out = o.value();
    const int32_t push[3] = {int32_t(out.count()), out.h, out.w};
    auto step = makeStep(ctx, "nn_warp", kWarpSpv, {in[0].buffer, in[1].buffer, out.buffer}, bytesOf(push),
                         {kFloatTexels, kFloatTexels});
    if (step.ok()) step->groups[0] = groupsOf(out.count(), 64);
    return step;
}

Result<Step> concatStep(gpu::VulkanContext &ctx, const Layer &l, const std::vector<DeviceTensor> &in,
                        DeviceTensor &out) {
    if (l.params.i(0, 0) != 0) return Status(StatusCode::Unsupported, "Concat: only along channels");
    if (in.size() > 4) return Status(StatusCode::Unsupported, "Concat of more than four inputs");
    int channels = 0;
    uint32_t ends[4] = {0, 0, 0, 0}; // where each input's values end in the output
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i].h != in[0].h || in[i].w != in[0].w) {
            return Status(StatusCode::InvalidArgument, "Concat: different sizes");
        }
        channels += in[i].c;
        ends[i] = uint32_t(size_t(channels) * size_t(in[0].h) * size_t(in[0].w));
    }
    auto o = outputOf(ctx, channels, in[0].h, in[0].w);
    if (!o.ok()) return o.status();
    out = o.value();
    for (size_t i = in.size(); i < 4; ++i)
        ends[i] = uint32_t(out.count());
    std::vector<BufferPtr> buffers;
    for (size_t i = 0; i < 4; ++i)
        buffers.push_back(in[i < in.size() ? i : 0].buffer);
    buffers.push_back(out.buffer);
    const uint32_t push[5] = {uint32_t(out.count()), uint32_t(out.h * out.w), ends[0], ends[1], ends[2]};
    auto step = makeStep(ctx, "nn_concat", kConcatSpv, std::move(buffers), bytesOf(push),
                         std::vector<VkFormat>(4, kFloatTexels));
    if (step.ok()) step->groups[0] = groupsOf(out.count(), 64);
    return step;
}

Result<Step> eltwiseStep(gpu::VulkanContext &ctx, const Layer &l, const std::vector<DeviceTensor> &in,
                         DeviceTensor &out) {
    if (in.size() != 2) return Status(StatusCode::Unsupported, "Eltwise of other than two inputs");
    if (in[1].c != in[0].c || in[1].h != in[0].h || in[1].w != in[0].w) {
        return Status(StatusCode::InvalidArgument, "Eltwise: inputs of different shapes");
    }
    const int op = l.params.i(0, 0); // ncnn: 0 product by default
    if (op < 0 || op > 2) return Status(StatusCode::Unsupported, "Eltwise: operation " + std::to_string(op));
    const std::vector<float> k = l.params.floats(1);
    auto o = outputOf(ctx, in[0].c, in[0].h, in[0].w);
    if (!o.ok()) return o.status();
    out = o.value();
    struct EltwisePush {
        uint32_t count, op;
        float ca, cb;
    };
    const EltwisePush push{uint32_t(out.count()), uint32_t(op), k.size() > 0 ? k[0] : 1.f, k.size() > 1 ? k[1] : 1.f};
    auto step = makeStep(ctx, "nn_eltwise", kEltwiseSpv, {in[0].buffer, in[1].buffer, out.buffer}, bytesOf(push),
                         {kFloatTexels, kFloatTexels});
    if (step.ok()) step->groups[0] = groupsOf(out.count(), 64);
    return step;
}

// Sigmoid, or SiLU with `swish`.
Result<Step> sigmoidStep(gpu::VulkanContext &ctx, const DeviceTensor &in, DeviceTensor &out, bool swish) {
    auto o = outputOf(ctx, in.c, in.h, in.w);
    if (!o.ok()) return o.status();
    out = o.value();
    const uint32_t push[2] = {uint32_t(out.count()), swish ? 1u : 0u};
    auto step = makeStep(ctx, "nn_sigmoid", kSigmoidSpv, {in.buffer, out.buffer}, bytesOf(push), {kFloatTexels});
    if (step.ok()) step->groups[0] = groupsOf(out.count(), 64);
    return step;
}

struct GroupNormPush {
    uint32_t channels, plane, groups, affine;
    float eps;
};

// GroupNorm (0 groups, 2 eps, 3 affine) or InstanceNorm (1 eps, 2 affine: a group per channel), as cpu::groupNorm.
Result<Step> groupNormStep(gpu::VulkanContext &ctx, const Layer &l, const DeviceTensor &in, DeviceTensor &out) {
    const bool instance = l.type == "InstanceNorm";
    const int groups = instance ? in.c : l.params.i(0, 1);
    const float eps = l.params.f(instance ? 1 : 2, 0.001f);
    const bool affine = l.weights.size() >= 2;
    if (groups <= 0 || in.c % groups != 0) {
        return Status(StatusCode::InvalidArgument, std::to_string(in.c) + " channels do not split into " +
                                                       std::to_string(groups) + " groups");
    }
    if (affine && (l.weights[0].size() != size_t(in.c) || l.weights[1].size() != size_t(in.c))) {
        return Status(StatusCode::InvalidArgument,
                      "the scale and shift need one value per channel (" + std::to_string(in.c) + ")");
    }
    std::vector<float> params;
    if (affine) {
        params = l.weights[0];
        params.insert(params.end(), l.weights[1].begin(), l.weights[1].end());
    }
    auto p = upload(ctx, params.empty() ? std::vector<float>{0.f} : params);
    auto o = outputOf(ctx, in.c, in.h, in.w);
    if (!p.ok() || !o.ok()) return !p.ok() ? p.status() : o.status();
    out = o.value();
    const GroupNormPush push{uint32_t(in.c), uint32_t(in.h * in.w), uint32_t(groups), affine ? 1u : 0u, eps};
    auto step = makeStep(ctx, "nn_groupnorm", kGroupNormSpv, {in.buffer, p.value(), out.buffer}, bytesOf(push),
                         {kFloatTexels, kFloatTexels});
    if (step.ok()) step->groups[0] = uint32_t(groups);
    return step;
}

} // namespace

Result<BufferPtr> deviceBuffer(gpu::VulkanContext &ctx, size_t floats) {
    auto buffer = gpu::GpuBuffer::create(ctx, std::max<VkDeviceSize>(4, floats * sizeof(float)),
                                         VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT,
                                         gpu::MemoryLocation::HostVisible);
    if (!buffer.ok()) return buffer.status();
    return std::make_shared<gpu::GpuBuffer>(std::move(buffer.value()));
}

Result<BufferPtr> upload(gpu::VulkanContext &ctx, const std::vector<float> &values) {
    auto buffer = deviceBuffer(ctx, values.size());
    if (buffer.ok() && !values.empty())
        std::memcpy(buffer.value()->mapped(), values.data(), values.size() * sizeof(float));
    return buffer;
}

bool canFusePrelu(const Layer &conv, const Layer &prelu) {
    if (conv.type != "Convolution" || prelu.type != "PReLU") return false;
    const cpu::ConvParams p = cpu::ConvParams::from(conv.params);
    const size_t slopes = prelu.weights.empty() ? 0 : prelu.weights[0].size();
    return isPlain3x3(p) && p.activation == 0 && prelu.inputs.size() == 1 && prelu.outputs.size() == 1 &&
           conv.outputs.size() == 1 && prelu.inputs[0] == conv.outputs[0] &&
           (slopes == 1 || slopes == size_t(p.outputs)); // the slopes the kernel can take per output channel
}

Result<Step> buildStep(gpu::VulkanContext &ctx, const Layer &l, const std::vector<DeviceTensor> &in,
                       DeviceTensor &out);

Result<std::vector<Step>> buildSteps(gpu::VulkanContext &ctx, const Layer &l, const std::vector<DeviceTensor> &in,
                                     DeviceTensor &out, const Layer *fusedPrelu, bool halfWeights, Scratch &scratch) {
    if (fusedPrelu) {
        const std::vector<float> slopes = fusedPrelu->weights.empty() ? std::vector<float>{} : fusedPrelu->weights[0];
        return convolutionSteps(ctx, l, in[0], out, &slopes, halfWeights, scratch);
    }
    if (l.type == "Convolution" || l.type == "Deconvolution") {
        return convolutionSteps(ctx, l, in[0], out, nullptr, halfWeights, scratch);
    }
    auto step = buildStep(ctx, l, in, out);
    if (!step.ok()) return step.status();
    std::vector<Step> steps;
    steps.push_back(std::move(step.value()));
    return steps;
}

// Every other layer: one step.
Result<Step> buildStep(gpu::VulkanContext &ctx, const Layer &l, const std::vector<DeviceTensor> &in,
                       DeviceTensor &out) {
    if (l.type == "PReLU") return preluStep(ctx, l.weights.empty() ? std::vector<float>{} : l.weights[0], in[0], out);
    if (l.type == "ReLU") return preluStep(ctx, {l.params.f(0, 0.f)}, in[0], out);
    if (l.type == "PixelShuffle") return shuffleStep(ctx, l, in[0], out);
    if (l.type == "Interp") return interpStep(ctx, l, in[0], out);
    if (l.type == "BinaryOp") return binaryStep(ctx, l, in, out);
    if (l.type == "Crop") return cropStep(ctx, l, in[0], out);
    if (l.type == "rife.Warp") return warpStep(ctx, in, out);
    if (l.type == "Concat") return concatStep(ctx, l, in, out);
    if (l.type == "Eltwise") return eltwiseStep(ctx, l, in, out);
    if (l.type == "Sigmoid" || l.type == "Swish") return sigmoidStep(ctx, in[0], out, l.type == "Swish");
    if (l.type == "InstanceNorm" || l.type == "GroupNorm") return groupNormStep(ctx, l, in[0], out);
    return Status(StatusCode::Unsupported, "layer type '" + l.type + "' has no Vulkan kernel yet");
}

} // namespace mnemo::nn::vulkan::detail
