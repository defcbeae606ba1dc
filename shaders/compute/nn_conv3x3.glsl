// The neural runtime's 3x3 convolution, stride 1 or 2, dilation 1 (most layers of the image networks): the semantics of
// nn_conv2d.comp (zero padding, bias) with its activation as a slope per output channel for negative values (1: none,
// 0: ReLU, a constant: leaky ReLU, per channel: a following PReLU fused in), laid out for lavapipe's SIMD lanes.
// Each invocation computes four output channels of four pixels in a row: every weight it reads serves four pixels,
// every input value up to three taps. Rows and columns are clamped into the input and multiplied by whether they are
// inside, so the channel loop has no branch; no arrays and no inner loops either (lavapipe keeps what a loop indexes
// in memory). The weights are packed by the host as [output group of 4][input][tap] vec4s (zeros past the last
// output), as fp32, or as fp16 (WEIGHTS_FP16: four halves in a uvec2) when that loses nothing: half the bytes read.
// STRIDE 2 (nn_conv3x3s2.comp): the same with stride 2, the four pixels' windows spanning nine input columns.
// Included by nn_conv3x3.comp, nn_conv3x3_f16.comp and nn_conv3x3s2.comp.
#ifndef STRIDE
#define STRIDE 1
#endif
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

// The row's input values under the four pixels' windows (zero outside), and the three each pixel after the first takes.
#if STRIDE == 1
#define COLUMNS(V)                                                                                                    \
    const float i0 = src(at + c0) * (V * m0), i1 = src(at + c1) * (V * m1), i2 = src(at + c2) * (V * m2),            \
                i3 = src(at + c3) * (V * m3), i4 = src(at + c4) * (V * m4), i5 = src(at + c5) * (V * m5);
#define WINDOW_B i1, i2, i3
#define WINDOW_C i2, i3, i4
#define WINDOW_D i3, i4, i5
#else
#define COLUMNS(V)                                                                                                    \
    const float i0 = src(at + c0) * (V * m0), i1 = src(at + c1) * (V * m1), i2 = src(at + c2) * (V * m2),            \
                i3 = src(at + c3) * (V * m3), i4 = src(at + c4) * (V * m4), i5 = src(at + c5) * (V * m5),            \
                i6 = src(at + c6) * (V * m6), i7 = src(at + c7) * (V * m7), i8 = src(at + c8) * (V * m8);
#define WINDOW_B i2, i3, i4
#define WINDOW_C i4, i5, i6
#define WINDOW_D i6, i7, i8
#endif

// One pixel's three taps of a row: its three input values against the three weights (four outputs each).
vec4 taps(float a, float b, float c, vec4 k0, vec4 k1, vec4 k2) { return a * k0 + b * k1 + c * k2; }

void main() {
    const int x = int(gl_GlobalInvocationID.x) * 4, y = int(gl_GlobalInvocationID.y);
    const int group = int(gl_WorkGroupID.z), o0 = group * 4;
    if (x >= pc.outW || y >= pc.outH) return;
    const int top = y * STRIDE - pc.padTop, left = x * STRIDE - pc.padLeft;
    const int r0 = rowOf(top), r1 = rowOf(top + 1), r2 = rowOf(top + 2);
    const float v0 = rowIn(top), v1 = rowIn(top + 1), v2 = rowIn(top + 2);
    // The input columns the four pixels' windows span: six, or nine with stride 2.
    const int c0 = colOf(left), c1 = colOf(left + 1), c2 = colOf(left + 2), c3 = colOf(left + 3),
              c4 = colOf(left + 4), c5 = colOf(left + 5);
    const float m0 = colIn(left), m1 = colIn(left + 1), m2 = colIn(left + 2), m3 = colIn(left + 3),
                m4 = colIn(left + 4), m5 = colIn(left + 5);
#if STRIDE == 2
    const int c6 = colOf(left + 6), c7 = colOf(left + 7), c8 = colOf(left + 8);
    const float m6 = colIn(left + 6), m7 = colIn(left + 7), m8 = colIn(left + 8);
#endif
    vec4 sa = vec4(0.0), sb = vec4(0.0), sc = vec4(0.0), sd = vec4(0.0);
    const int plane = pc.inH * pc.inW;
    int w = group * pc.inC * 9;
    // One row of the window: its three weights against the columns; pixel j's window starts at column STRIDE * j.
#define ROW(R, V)                                                                                                     \
    {                                                                                                                 \
        const int at = base + R;                                                                                      \
        COLUMNS(V)                                                                                                    \
        const vec4 k0 = weightsAt(w), k1 = weightsAt(w + 1), k2 = weightsAt(w + 2);                                  \
        sa += taps(i0, i1, i2, k0, k1, k2);                                                                           \
        sb += taps(WINDOW_B, k0, k1, k2);                                                                             \
        sc += taps(WINDOW_C, k0, k1, k2);                                                                             \
        sd += taps(WINDOW_D, k0, k1, k2);                                                                             \
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
