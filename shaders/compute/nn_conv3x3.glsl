// The neural runtime's 3x3 convolution, stride 1, dilation 1 (most layers of the image networks): the semantics of
// nn_conv2d.comp (zero padding, bias) with its activation as a slope per output channel for negative values (1: none,
// 0: ReLU, a constant: leaky ReLU, per channel: a following PReLU fused in), laid out for lavapipe's SIMD lanes.
// Each invocation computes four output channels of four pixels in a row: every weight it reads serves four pixels,
// every input value up to three taps. Rows and columns are clamped into the input and multiplied by whether they are
// inside, so the channel loop has no branch; no arrays and no inner loops either (lavapipe keeps what a loop indexes
// in memory). The weights are packed by the host as [output group of 4][input][tap] vec4s (zeros past the last
// output), as fp32, or as fp16 (WEIGHTS_FP16: four halves in a uvec2) when that loses nothing: half the bytes read.
// Included by nn_conv3x3.comp and nn_conv3x3_f16.comp.
layout(local_size_x = 32, local_size_y = 1, local_size_z = 1) in;

// Inputs are read as texel buffers: lavapipe fetches those for its 8 lanes at once, where it loads a storage buffer
// lane by lane (nn_wino_product.comp).
layout(binding = 0) uniform samplerBuffer srcTexels;
#define src(i) texelFetch(srcTexels, (i)).x
#ifdef WEIGHTS_FP16
layout(binding = 1) uniform usamplerBuffer weights; // four fp16 values in each texel's two words
vec4 weightsAt(int i) {
    const uvec2 halves = texelFetch(weights, i).xy;
    return vec4(unpackHalf2x16(halves.x), unpackHalf2x16(halves.y));
}
#else
layout(binding = 1) uniform samplerBuffer weights;
vec4 weightsAt(int i) { return texelFetch(weights, i); }
#endif
layout(binding = 2) uniform samplerBuffer params; // bias[outC], then slope[outC]
layout(std430, binding = 3) writeonly buffer Output { float dst[]; };

layout(push_constant) uniform Push {
    int inC, inH, inW;
    int outC, outH, outW;
    int padLeft, padTop;
} pc;

int rowOf(int y) { return clamp(y, 0, pc.inH - 1) * pc.inW; }
int colOf(int x) { return clamp(x, 0, pc.inW - 1); }
float rowIn(int y) { return y >= 0 && y < pc.inH ? 1.0 : 0.0; }
float colIn(int x) { return x >= 0 && x < pc.inW ? 1.0 : 0.0; }

void store(vec4 s, int o0, int x, int y) {
    if (x >= pc.outW) return;
    for (int i = 0; i < 4 && o0 + i < pc.outC; ++i) {
        float value = s[i] + texelFetch(params, o0 + i).x;
        if (value < 0.0) value *= texelFetch(params, pc.outC + o0 + i).x;
        dst[((o0 + i) * pc.outH + y) * pc.outW + x] = value;
    }
}

void main() {
    const int x = int(gl_GlobalInvocationID.x) * 4, y = int(gl_GlobalInvocationID.y);
    const int group = int(gl_WorkGroupID.z), o0 = group * 4;
    if (x >= pc.outW || y >= pc.outH) return;
    const int top = y - pc.padTop, left = x - pc.padLeft;
    const int r0 = rowOf(top), r1 = rowOf(top + 1), r2 = rowOf(top + 2);
    const float v0 = rowIn(top), v1 = rowIn(top + 1), v2 = rowIn(top + 2);
    // The six input columns the four pixels' windows span.
    const int c0 = colOf(left), c1 = colOf(left + 1), c2 = colOf(left + 2), c3 = colOf(left + 3),
              c4 = colOf(left + 4), c5 = colOf(left + 5);
    const float m0 = colIn(left), m1 = colIn(left + 1), m2 = colIn(left + 2), m3 = colIn(left + 3),
                m4 = colIn(left + 4), m5 = colIn(left + 5);
    vec4 sa = vec4(0.0), sb = vec4(0.0), sc = vec4(0.0), sd = vec4(0.0);
    const int plane = pc.inH * pc.inW;
    int w = group * pc.inC * 9;
    // One row of the window: its three weights against the six columns.
#define ROW(R, V)                                                                                                     \
    {                                                                                                                 \
        const int at = base + R;                                                                                      \
        const float i0 = src(at + c0) * (V * m0), i1 = src(at + c1) * (V * m1), i2 = src(at + c2) * (V * m2),        \
                    i3 = src(at + c3) * (V * m3), i4 = src(at + c4) * (V * m4), i5 = src(at + c5) * (V * m5);        \
        const vec4 k0 = weightsAt(w), k1 = weightsAt(w + 1), k2 = weightsAt(w + 2);                                  \
        sa += i0 * k0 + i1 * k1 + i2 * k2;                                                                            \
        sb += i1 * k0 + i2 * k1 + i3 * k2;                                                                            \
        sc += i2 * k0 + i3 * k1 + i4 * k2;                                                                            \
        sd += i3 * k0 + i4 * k1 + i5 * k2;                                                                            \
        w += 3;                                                                                                       \
    }
    for (int c = 0; c < pc.inC; ++c) {
        const int base = c * plane;
        ROW(r0, v0) ROW(r1, v1) ROW(r2, v2)
    }
    store(sa, o0, x, y);
    store(sb, o0, x + 1, y);
    store(sc, o0, x + 2, y);
    store(sd, o0, x + 3, y);
}
