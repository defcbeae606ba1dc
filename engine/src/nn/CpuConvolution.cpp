// Convolution and deconvolution on the CPU, as ncnn computes them (the reference for the GPU kernels).
#include "mnemo/nn/CpuReference.hpp"

#include <cmath>

namespace mnemo::nn::cpu {

ConvParams ConvParams::from(const ParamDict &d) {
    ConvParams p;
    p.outputs = d.i(0, 0);
    p.kernelW = d.i(1, 0);
    p.kernelH = d.i(11, p.kernelW);
    p.dilationW = d.i(2, 1);
    p.dilationH = d.i(12, p.dilationW);
    p.strideW = d.i(3, 1);
    p.strideH = d.i(13, p.strideW);
    p.padLeft = d.i(4, 0);
    p.padTop = d.i(14, p.padLeft);
    p.padRight = d.i(15, p.padLeft);
    p.padBottom = d.i(16, p.padTop);
    p.activation = d.i(9, 0);
    p.activationParams = d.floats(10);
    p.outputPadRight = d.i(18, 0);
    p.outputPadBottom = d.i(19, p.outputPadRight);
    return p;
}

namespace {

float activate(float v, const ConvParams &p) {
    switch (p.activation) {
    case 1: return v > 0 ? v : 0;
    case 2: return v > 0 ? v : v * (p.activationParams.empty() ? 0.f : p.activationParams[0]);
    case 3:
        return std::min(std::max(v, p.activationParams.size() > 0 ? p.activationParams[0] : -INFINITY),
                        p.activationParams.size() > 1 ? p.activationParams[1] : INFINITY);
    case 4: return 1.f / (1.f + std::exp(-v));
    default: return v;
    }
}

} // namespace

Shape convolutionShape(int c, int h, int w, const ConvParams &p) {
    (void)c;
    const int spanW = p.dilationW * (p.kernelW - 1) + 1, spanH = p.dilationH * (p.kernelH - 1) + 1;
    const int spanH2 = h + p.padTop + p.padBottom - spanH, spanW2 = w + p.padLeft + p.padRight - spanW;
    if (p.strideW <= 0 || p.strideH <= 0 || spanH2 < 0 || spanW2 < 0) return {p.outputs, 0, 0}; // smaller than it
    return {p.outputs, spanH2 / p.strideH + 1, spanW2 / p.strideW + 1};
}

Shape deconvolutionShape(int c, int h, int w, const ConvParams &p) {
    (void)c;
    const int spanW = p.dilationW * (p.kernelW - 1) + 1, spanH = p.dilationH * (p.kernelH - 1) + 1;
    return {p.outputs, (h - 1) * p.strideH + spanH + p.outputPadBottom - p.padTop - p.padBottom,
            (w - 1) * p.strideW + spanW + p.outputPadRight - p.padLeft - p.padRight};
}

Status checkConvolution(int inputs, const std::vector<float> &weights, const std::vector<float> &bias,
                        const ConvParams &p, const Shape &out, const char *what) {
    const size_t expected = size_t(p.outputs) * size_t(inputs) * size_t(p.kernelW) * size_t(p.kernelH);
    if (p.outputs <= 0 || p.kernelW <= 0 || p.kernelH <= 0 || p.strideW <= 0 || p.strideH <= 0 || p.dilationW <= 0 ||
        p.dilationH <= 0 || p.padLeft < 0 || p.padTop < 0 || p.padRight < 0 || p.padBottom < 0) {
        return Status(StatusCode::InvalidArgument,
                      std::string(what) + ": a kernel, stride, dilation or padding out of range");
    }
    if (weights.size() != expected) {
        return Status(StatusCode::InvalidArgument, std::string(what) + ": " + std::to_string(weights.size()) +
                                                       " weights, but " + std::to_string(p.outputs) + " outputs x " +
                                                       std::to_string(inputs) + " input channels x " +
                                                       std::to_string(p.kernelH) + "x" + std::to_string(p.kernelW) +
                                                       " need " + std::to_string(expected));
    }
    if (!bias.empty() && bias.size() != size_t(p.outputs)) {
        return Status(StatusCode::InvalidArgument, std::string(what) + ": the bias does not have one value per output");
    }
    if (out.h <= 0 || out.w <= 0) {
        return Status(StatusCode::InvalidArgument, std::string(what) + ": no output (the input is smaller than the "
                                                                       "kernel, or the padding cuts everything)");
    }
    return {};
}

Result<Tensor> convolution(const Tensor &in, const std::vector<float> &weights, const std::vector<float> &bias,
                           const ConvParams &p) {
    const Shape shape = convolutionShape(in.c, in.h, in.w, p);
    if (Status s = checkConvolution(in.c, weights, bias, p, shape, "convolution"); !s.ok()) return s;
    const int outW = shape.w, outH = shape.h;
    Tensor out(p.outputs, outH, outW);
    for (int o = 0; o < p.outputs; ++o) {
        const float *kernel = weights.data() + size_t(o) * size_t(in.c) * size_t(p.kernelW * p.kernelH);
        for (int y = 0; y < outH; ++y) {
            for (int x = 0; x < outW; ++x) {
                float sum = bias.empty() ? 0.f : bias[size_t(o)];
                for (int c = 0; c < in.c; ++c) {
                    const float *k = kernel + size_t(c) * size_t(p.kernelW * p.kernelH);
                    for (int ky = 0; ky < p.kernelH; ++ky) {
                        const int sy = y * p.strideH + ky * p.dilationH - p.padTop;
                        if (sy < 0 || sy >= in.h) continue; // zero padding
                        for (int kx = 0; kx < p.kernelW; ++kx) {
                            const int sx = x * p.strideW + kx * p.dilationW - p.padLeft;
                            if (sx >= 0 && sx < in.w) sum += in.at(c, sy, sx) * k[ky * p.kernelW + kx];
                        }
                    }
                }
                out.at(o, y, x) = activate(sum, p);
            }
        }
    }
    return out;
}

// Each input pixel scatters its kernel into the full output ((w - 1) * stride + span + output pad), which is then
// cut by the padding, as ncnn does.
Result<Tensor> deconvolution(const Tensor &in, const std::vector<float> &weights, const std::vector<float> &bias,
                             const ConvParams &p) {
    const Shape shape = deconvolutionShape(in.c, in.h, in.w, p);
    if (Status s = checkConvolution(in.c, weights, bias, p, shape, "deconvolution"); !s.ok()) return s;
    const int outW = shape.w, outH = shape.h;
    const int fullW = outW + p.padLeft + p.padRight, fullH = outH + p.padTop + p.padBottom;
    Tensor full(p.outputs, fullH, fullW);
    for (int o = 0; o < p.outputs; ++o) {
        float *plane = full.channel(o);
        std::fill(plane, plane + full.plane(), bias.empty() ? 0.f : bias[size_t(o)]);
        const float *kernel = weights.data() + size_t(o) * size_t(in.c) * size_t(p.kernelW * p.kernelH);
        for (int c = 0; c < in.c; ++c) {
            const float *k = kernel + size_t(c) * size_t(p.kernelW * p.kernelH);
            for (int y = 0; y < in.h; ++y) {
                for (int x = 0; x < in.w; ++x) {
                    const float v = in.at(c, y, x);
                    for (int ky = 0; ky < p.kernelH; ++ky) {
                        for (int kx = 0; kx < p.kernelW; ++kx) {
                            full.at(o, y * p.strideH + ky * p.dilationH, x * p.strideW + kx * p.dilationW) +=
                                v * k[ky * p.kernelW + kx];
                        }
                    }
                }
            }
        }
    }
    Tensor out(p.outputs, outH, outW);
    for (int o = 0; o < p.outputs; ++o) {
        for (int y = 0; y < outH; ++y) {
            for (int x = 0; x < outW; ++x)
                out.at(o, y, x) = activate(full.at(o, y + p.padTop, x + p.padLeft), p);
        }
    }
    return out;
}

} // namespace mnemo::nn::cpu
