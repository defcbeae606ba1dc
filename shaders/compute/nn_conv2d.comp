#version 450
// The neural runtime's convolution (ncnn semantics, as the CPU reference in engine/src/nn/CpuConvolution.cpp), zero
// padding, bias, a fused activation (0 none, 1 ReLU, 2 leaky ReLU); fp32, weights [outputs][inputs][kH][kW].
// Each invocation computes eight output channels of one pixel, so every input value read serves eight outputs; a
// window wholly inside the input skips the bounds checks.
layout(local_size_x = 8, local_size_y = 8, local_size_z = 1) in;

layout(binding = 0) uniform samplerBuffer srcTexels; // read as texels: see nn_wino_product.comp
#define src(i) texelFetch(srcTexels, (i)).x
layout(binding = 1) uniform samplerBuffer weightTexels;
#define weights(i) texelFetch(weightTexels, (i)).x
layout(binding = 2) uniform samplerBuffer biasTexels;
#define bias(i) texelFetch(biasTexels, (i)).x
layout(std430, binding = 3) writeonly buffer Output { float dst[]; };

layout(push_constant) uniform Push {
    int inC, inH, inW;
    int outC, outH, outW;
    int kernelW, kernelH, strideW, strideH, dilationW, dilationH, padLeft, padTop;
    int hasBias, activation;
    float slope;
} pc;

void main() {
    const int x = int(gl_GlobalInvocationID.x), y = int(gl_GlobalInvocationID.y), o0 = int(gl_GlobalInvocationID.z) * 8;
    if (x >= pc.outW || y >= pc.outH || o0 >= pc.outC) return;
    const int outputs = min(8, pc.outC - o0);
    const int kk = pc.kernelW * pc.kernelH, plane = pc.inH * pc.inW, perOutput = pc.inC * kk;
    vec4 sum = vec4(0.0), sum2 = vec4(0.0);
    const int y0 = y * pc.strideH - pc.padTop, x0 = x * pc.strideW - pc.padLeft;
    const bool inside = y0 >= 0 && x0 >= 0 && y0 + (pc.kernelH - 1) * pc.dilationH < pc.inH &&
                        x0 + (pc.kernelW - 1) * pc.dilationW < pc.inW;
    // Weights of the outputs past the last one are read from output 0's: in range, and their sums are not written.
    int w[8];
    for (int i = 0; i < 8; ++i) w[i] = (outputs > i ? i : 0) * perOutput;
    int wBase = o0 * perOutput;
    for (int c = 0; c < pc.inC; ++c) {
        const int cBase = c * plane;
        for (int ky = 0; ky < pc.kernelH; ++ky) {
            const int sy = y0 + ky * pc.dilationH;
            if (!inside && (sy < 0 || sy >= pc.inH)) continue;
            const int row = cBase + sy * pc.inW;
            const int wRow = wBase + ky * pc.kernelW;
            for (int kx = 0; kx < pc.kernelW; ++kx) {
                const int sx = x0 + kx * pc.dilationW;
                if (!inside && (sx < 0 || sx >= pc.inW)) continue;
                const float v = src(row + sx);
                const int k = wRow + kx;
                sum += v * vec4(weights(k), weights(k + w[1]), weights(k + w[2]), weights(k + w[3]));
                sum2 += v * vec4(weights(k + w[4]), weights(k + w[5]), weights(k + w[6]), weights(k + w[7]));
            }
        }
        wBase += kk;
    }
    for (int i = 0; i < outputs; ++i) {
        float s = (i < 4 ? sum[i] : sum2[i - 4]) + (pc.hasBias != 0 ? bias(o0 + i) : 0.0);
        if (pc.activation == 1) s = max(s, 0.0);
        else if (pc.activation == 2 && s < 0.0) s *= pc.slope;
        dst[((o0 + i) * pc.outH + y) * pc.outW + x] = s;
    }
}
