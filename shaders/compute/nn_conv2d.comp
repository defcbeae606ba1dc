#version 450
// The neural runtime's convolution (ncnn semantics, as the CPU reference in engine/src/nn/CpuConvolution.cpp): one
// invocation per output value, zero padding, bias, a fused activation (0 none, 1 ReLU, 2 leaky ReLU). fp32 storage;
// weights [outputs][inputs][kernelH][kernelW]. The first kernel of the Vulkan runtime: correct first, tuned later.
layout(local_size_x = 8, local_size_y = 8, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Input { float src[]; };
layout(std430, binding = 1) readonly buffer Weights { float weights[]; };
layout(std430, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, binding = 3) writeonly buffer Output { float dst[]; };

layout(push_constant) uniform Push {
    int inC, inH, inW;
    int outC, outH, outW;
    int kernelW, kernelH, strideW, strideH, dilationW, dilationH, padLeft, padTop;
    int hasBias, activation;
    float slope;
} pc;

void main() {
    const int x = int(gl_GlobalInvocationID.x), y = int(gl_GlobalInvocationID.y), o = int(gl_GlobalInvocationID.z);
    if (x >= pc.outW || y >= pc.outH || o >= pc.outC) return;
    float sum = pc.hasBias != 0 ? bias[o] : 0.0;
    const int kk = pc.kernelW * pc.kernelH;
    for (int c = 0; c < pc.inC; ++c) {
        const int k0 = (o * pc.inC + c) * kk;
        for (int ky = 0; ky < pc.kernelH; ++ky) {
            const int sy = y * pc.strideH + ky * pc.dilationH - pc.padTop;
            if (sy < 0 || sy >= pc.inH) continue;
            for (int kx = 0; kx < pc.kernelW; ++kx) {
                const int sx = x * pc.strideW + kx * pc.dilationW - pc.padLeft;
                if (sx < 0 || sx >= pc.inW) continue;
                sum += src[(c * pc.inH + sy) * pc.inW + sx] * weights[k0 + ky * pc.kernelW + kx];
            }
        }
    }
    if (pc.activation == 1) sum = max(sum, 0.0);
    else if (pc.activation == 2 && sum < 0.0) sum *= pc.slope;
    dst[(o * pc.outH + y) * pc.outW + x] = sum;
}
