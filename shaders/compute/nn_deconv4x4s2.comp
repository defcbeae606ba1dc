#version 450
// The neural runtime's 4x4 deconvolution with stride 2 and dilation 1 (waifu2x's and RIFE's upsampling layers): the
// semantics of nn_deconv2d.comp, laid out for SIMD lanes. Each invocation computes four output channels of the 2x2
// block of the full (uncut) output at (2X, 2Y): every pixel of the block is reached by the same four taps of the 2x2
// input window at rows Y-1..Y, columns X-1..X (tap ky = a + 2 (Y - iy) for the block's row a), so lanes share their
// weights and nothing branches inside the channel loop (a window row or column outside the input reads a clamped
// address times 0). Weights packed by the host as [output group of 4][input][ky][kx] vec4s; Params as nn_conv3x3's:
// the bias, then a slope per output channel for negative values.
layout(local_size_x = 16, local_size_y = 2, local_size_z = 1) in;

layout(binding = 0) uniform samplerBuffer srcTexels; // texels: see nn_wino_product.comp
#define src(i) texelFetch(srcTexels, int(i)).x
layout(binding = 1) uniform samplerBuffer weightsTexels;
#define weights(i) texelFetch(weightsTexels, int(i))
layout(binding = 2) uniform samplerBuffer paramsTexels;
#define params(i) texelFetch(paramsTexels, int(i)).x // bias[outC], then slope[outC]
layout(std430, binding = 3) writeonly buffer Output { float dst[]; };

layout(push_constant) uniform Push {
    int inC, inH, inW;
    int outC, outH, outW;
    int padLeft, padTop;
} pc;

void store(vec4 s, int o0, int fx, int fy) {
    const int x = fx - pc.padLeft, y = fy - pc.padTop;
    if (x < 0 || y < 0 || x >= pc.outW || y >= pc.outH) return;
    for (int i = 0; i < 4 && o0 + i < pc.outC; ++i) {
        float value = s[i] + params(o0 + i);
        if (value < 0.0) value *= params(pc.outC + o0 + i);
        dst[((o0 + i) * pc.outH + y) * pc.outW + x] = value;
    }
}

void main() {
    const int X = int(gl_GlobalInvocationID.x), Y = int(gl_GlobalInvocationID.y);
    const int group = int(gl_WorkGroupID.z), o0 = group * 4;
    if (X > pc.inW || Y > pc.inH) return; // the full output is 2 inW + 2 wide: blocks 0..inW
    const int rowUp = clamp(Y - 1, 0, pc.inH - 1) * pc.inW, rowHere = min(Y, pc.inH - 1) * pc.inW;
    const int colLeft = clamp(X - 1, 0, pc.inW - 1), colHere = min(X, pc.inW - 1);
    const float up = Y >= 1 ? 1.0 : 0.0, here = Y < pc.inH ? 1.0 : 0.0;
    const float left = X >= 1 ? 1.0 : 0.0, right = X < pc.inW ? 1.0 : 0.0;
    vec4 s00 = vec4(0.0), s01 = vec4(0.0), s10 = vec4(0.0), s11 = vec4(0.0); // block row a, column b
    const int plane = pc.inH * pc.inW;
    int w = group * pc.inC * 16;
    for (int c = 0; c < pc.inC; ++c) {
        const int base = c * plane;
        const float vUL = src(base + rowUp + colLeft) * (up * left), vUH = src(base + rowUp + colHere) * (up * right);
        const float vHL = src(base + rowHere + colLeft) * (here * left),
                    vHH = src(base + rowHere + colHere) * (here * right);
        // Tap (ky, kx) = (a + 2 dy, b + 2 dx) for the input at (Y - dy, X - dx).
        s00 += vHH * weights(w + 0) + vHL * weights(w + 2) + vUH * weights(w + 8) + vUL * weights(w + 10);
        s01 += vHH * weights(w + 1) + vHL * weights(w + 3) + vUH * weights(w + 9) + vUL * weights(w + 11);
        s10 += vHH * weights(w + 4) + vHL * weights(w + 6) + vUH * weights(w + 12) + vUL * weights(w + 14);
        s11 += vHH * weights(w + 5) + vHL * weights(w + 7) + vUH * weights(w + 13) + vUL * weights(w + 15);
        w += 16;
    }
    store(s00, o0, 2 * X, 2 * Y);
    store(s01, o0, 2 * X + 1, 2 * Y);
    store(s10, o0, 2 * X, 2 * Y + 1);
    store(s11, o0, 2 * X + 1, 2 * Y + 1);
}
