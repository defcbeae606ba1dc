#version 450
// Deconvolution (ncnn semantics, as CpuConvolution.cpp) as a gather: each output value sums the input values whose
// scattered kernel reaches it. Weights [outputs][inputs][kernelH][kernelW]; the padding is cut, the bias added, an
// activation fused (0 none, 1 ReLU, 2 leaky).
layout(local_size_x = 8, local_size_y = 8, local_size_z = 1) in;
layout(binding = 0) uniform samplerBuffer srcTexels; // read as texels: see nn_wino_product.comp
#define src(i) texelFetch(srcTexels, (i)).x
layout(binding = 1) uniform samplerBuffer weightTexels;
#define weights(i) texelFetch(weightTexels, (i)).x
layout(binding = 2) uniform samplerBuffer biasTexels;
#define bias(i) texelFetch(biasTexels, (i)).x
layout(std430, binding = 3) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push {
    int inC, inH, inW, outC, outH, outW;
    int kernelW, kernelH, strideW, strideH, dilationW, dilationH, padLeft, padTop;
    int hasBias, activation;
    float slope;
} pc;

void main() {
    const int x = int(gl_GlobalInvocationID.x), y = int(gl_GlobalInvocationID.y), o = int(gl_GlobalInvocationID.z);
    if (x >= pc.outW || y >= pc.outH || o >= pc.outC) return;
    const int fy = y + pc.padTop, fx = x + pc.padLeft; // in the full (uncut) output
    float sum = pc.hasBias != 0 ? bias(o) : 0.0;
    const int kk = pc.kernelW * pc.kernelH;
    for (int ky = 0; ky < pc.kernelH; ++ky) {
        const int ty = fy - ky * pc.dilationH;
        if (ty < 0 || ty % pc.strideH != 0 || ty / pc.strideH >= pc.inH) continue;
        for (int kx = 0; kx < pc.kernelW; ++kx) {
            const int tx = fx - kx * pc.dilationW;
            if (tx < 0 || tx % pc.strideW != 0 || tx / pc.strideW >= pc.inW) continue;
            for (int c = 0; c < pc.inC; ++c) {
                sum += src((c * pc.inH + ty / pc.strideH) * pc.inW + tx / pc.strideW) *
                       weights((o * pc.inC + c) * kk + ky * pc.kernelW + kx);
            }
        }
    }
    if (pc.activation == 1) sum = max(sum, 0.0);
    else if (pc.activation == 2 && sum < 0.0) sum *= pc.slope;
    dst[(o * pc.outH + y) * pc.outW + x] = sum;
}
