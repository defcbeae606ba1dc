#version 450
// Winograd F(2x2, 3x3), step 3 of 3: each tile's 2x2 outputs Y = A^T M A for 4 output channels at once (M's vec4s),
// then the bias and the activation as a slope per output channel for negative values (nn_conv3x3's Params: 1 none,
// 0 ReLU, a constant leaky ReLU, per channel a fused PReLU). Outputs past the edge (odd sizes) are not written.
layout(local_size_x = 32, local_size_y = 1, local_size_z = 1) in;

layout(binding = 0) uniform samplerBuffer m; // [e][output group][tile] vec4s; texels: see nn_wino_product.comp
layout(binding = 1) uniform samplerBuffer params; // bias[outC], then slope[outC]
layout(std430, binding = 2) writeonly buffer Output { float dst[]; };

layout(push_constant) uniform Push {
    int outC, outH, outW;
    int tilesX, tilesY, tilesPadded, groups;
} pc;

void store(vec4 s, int o0, int x, int y) {
    if (x >= pc.outW || y >= pc.outH) return;
    for (int i = 0; i < 4 && o0 + i < pc.outC; ++i) {
        float value = s[i] + texelFetch(params, o0 + i).x;
        if (value < 0.0) value *= texelFetch(params, pc.outC + o0 + i).x;
        dst[((o0 + i) * pc.outH + y) * pc.outW + x] = value;
    }
}

void main() {
    const int t = int(gl_GlobalInvocationID.x), group = int(gl_GlobalInvocationID.y);
    if (t >= pc.tilesX * pc.tilesY || group >= pc.groups) return;
    const int stride = pc.groups * pc.tilesPadded, at = group * pc.tilesPadded + t;
#define M(e) texelFetch(m, (e) * stride + at)
    // A^T M: the sums of rows 0..2 and rows 1 - 2 - 3, column by column.
    const vec4 a0 = M(0) + M(4) + M(8), a1 = M(1) + M(5) + M(9), a2 = M(2) + M(6) + M(10), a3 = M(3) + M(7) + M(11);
    const vec4 b0 = M(4) - M(8) - M(12), b1 = M(5) - M(9) - M(13), b2 = M(6) - M(10) - M(14),
               b3 = M(7) - M(11) - M(15);
#undef M
    const int x = (t % pc.tilesX) * 2, y = (t / pc.tilesX) * 2, o0 = group * 4;
    store(a0 + a1 + a2, o0, x, y);
    store(a1 - a2 - a3, o0, x + 1, y);
    store(b0 + b1 + b2, o0, x, y + 1);
    store(b1 - b2 - b3, o0, x + 1, y + 1);
}
