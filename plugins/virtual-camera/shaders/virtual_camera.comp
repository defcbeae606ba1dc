#version 450
/*
 * virtual-camera: virtual_camera.c's render() on GPU frames, one invocation per output pixel.
 *
 * The homography (output pixel -> source pixel, homogeneous) is the C path's: path_homography, computed by the module
 * in double and pushed as pairs of floats (hi + lo), or the stabilized one virtual_camera_motion.comp left in the
 * state buffer (floats). The mapping runs in double-float arithmetic (pairs, error-free sums and products), since
 * float alone is not enough: at 1920x1080 a source position is off by about 1e-4 pixel, which flips pixels on the
 * black edge's boundary and, through a steep tilt's division, moves samples by several code values. With pairs the
 * position is the C code's double to about 1e-12 pixel. Edge handling and the bilinear sample are resample_pixel()
 * and sample() in the same float operations and order, with `precise` so no multiply and add are fused (the C build
 * does not fuse, and the pairs' arithmetic depends on it): within 1 LSB of the CPU path
 * (tests/engine/tst_edit_gpu.cpp measures it).
 * MODE_COPY is the identity path: the C path memcpy's, and so does this (no arithmetic at all).
 */
layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;

// Frames: packed RGBA8, R in the low byte, rows tight. Input and output never overlap (any pixel may be read).
layout(std430, set = 0, binding = 0) readonly buffer Src { uint px[]; } src;
layout(std430, set = 0, binding = 1) writeonly buffer Dst { uint px[]; } dst;
// The module's state (virtual_camera_motion.comp's layout): the stabilized homography at MATRIX, read in MODE_STATE.
layout(std430, set = 0, binding = 2) readonly buffer State { float v[]; } state;

const uint MODE_COPY = 0u;   // identity path, no stabilization: an exact copy
const uint MODE_PUSH = 1u;   // the path's homography, pc.m
const uint MODE_STATE = 2u;  // the stabilized homography from the state buffer
const uint MATRIX = 5u;      // virtual_camera_motion.comp's MATRIX
const uint BLACK = 0xFF000000u; // opaque black

// render_push in virtual_camera.c (88 bytes).
layout(push_constant) uniform Push {
    uint width;
    uint height;
    uint mode;
    uint edge;   // 0: clamp (repeat the border pixels), 1: black outside the source
    float m[18]; // MODE_PUSH: the homography, row major, each entry a pair (hi, lo) with hi + lo its double value
} pc;

// ---- double-float: a value is the unevaluated sum hi + lo of a vec2, |lo| <= ulp(hi) / 2 ----

vec2 quickTwoSum(float a, float b) { // |a| >= |b|
    precise float s = a + b;
    precise float e = b - (s - a);
    return vec2(s, e);
}

vec2 twoSum(float a, float b) {
    precise float s = a + b;
    precise float v = s - a;
    precise float e = (a - (s - v)) + (b - v);
    return vec2(s, e);
}

vec2 split(float a) { // Dekker: a = hi + lo, each with 12 significant bits, so their products are exact
    precise float t = 4097.0 * a;
    precise float hi = t - (t - a);
    precise float lo = a - hi;
    return vec2(hi, lo);
}

vec2 twoProd(float a, float b) {
    const vec2 x = split(a), y = split(b);
    precise float p = a * b;
    precise float e = ((x.x * y.x - p) + x.x * y.y + x.y * y.x) + x.y * y.y;
    return vec2(p, e);
}

vec2 dfAdd(vec2 a, vec2 b) {
    const vec2 s = twoSum(a.x, b.x), t = twoSum(a.y, b.y);
    precise float lo = s.y + t.x;
    const vec2 u = quickTwoSum(s.x, lo);
    precise float lo2 = u.y + t.y;
    return quickTwoSum(u.x, lo2);
}

vec2 dfMulF(vec2 a, float b) {
    const vec2 p = twoProd(a.x, b);
    precise float lo = p.y + a.y * b;
    return quickTwoSum(p.x, lo);
}

vec2 dfDiv(vec2 a, vec2 b) { // long division: each quotient digit's remainder is exact enough for the next
    precise float q1 = a.x / b.x;
    const vec2 r1 = dfAdd(a, -dfMulF(b, q1));
    precise float q2 = r1.x / b.x;
    const vec2 r2 = dfAdd(r1, -dfMulF(b, q2));
    precise float q3 = r2.x / b.x;
    return dfAdd(quickTwoSum(q1, q2), vec2(q3, 0.0));
}

bool dfLess(vec2 a, float b) { return a.x < b || (a.x == b && a.y < 0.0); }

// ---- the resampling ----

// A pixel's four codes as floats, exactly (unpackUnorm4x8 * 255 need not be exact).
vec4 rgba(uint p) { return vec4(float(p & 255u), float((p >> 8) & 255u), float((p >> 16) & 255u), float(p >> 24)); }

vec2 entry(uint i) {
    return pc.mode == MODE_STATE ? vec2(state.v[MATRIX + i], 0.0) : vec2(pc.m[2u * i], pc.m[2u * i + 1u]);
}

// Row r of the homography times (x, y, 1): m[3r] x + m[3r+1] y + m[3r+2], as the C code sums it.
vec2 row(uint r, float x, float y) {
    return dfAdd(dfAdd(dfMulF(entry(3u * r), x), dfMulF(entry(3u * r + 1u), y)), entry(3u * r + 2u));
}

// virtual_camera.c's clampd(v, 0, size - 1) and the sample's whole part (floor) and fraction ((float)(v - v0)).
void position(vec2 v, uint size, out int whole, out float fraction) {
    const float top = float(size - 1u);
    if (dfLess(v, 0.0)) v = vec2(0.0);
    if (!dfLess(v, top)) v = vec2(top, 0.0);
    const float f = floor(v.x);
    const float w = f == v.x && v.y < 0.0 ? f - 1.0 : f; // hi a whole number, lo below zero: just under it
    precise float r = (v.x - w) + v.y;
    whole = int(w);
    fraction = r;
}

// virtual_camera.c's sample(): bilinear between the four pixels around the position, all four channels, rounded by
// truncating v + 0.5 as the C cast to uint8_t does.
uint bilinear(int x0, float fx, int y0, float fy) {
    const int x1 = x0 + 1 < int(pc.width) ? x0 + 1 : x0, y1 = y0 + 1 < int(pc.height) ? y0 + 1 : y0;
    const vec4 a = rgba(src.px[uint(y0) * pc.width + uint(x0)]);
    const vec4 b = rgba(src.px[uint(y0) * pc.width + uint(x1)]);
    const vec4 c = rgba(src.px[uint(y1) * pc.width + uint(x0)]);
    const vec4 d = rgba(src.px[uint(y1) * pc.width + uint(x1)]);
    precise vec4 top = a + (b - a) * fx;
    precise vec4 bottom = c + (d - c) * fx;
    precise vec4 v = top + (bottom - top) * fy + 0.5;
    const uvec4 q = uvec4(v);
    return q.r | (q.g << 8) | (q.b << 16) | (q.a << 24);
}

// virtual_camera.c's resample_pixel(): output pixel (x, y) through the homography.
uint resampled(uint px, uint py) {
    const float x = float(px), y = float(py);
    const vec2 hw = row(2u, x, y);
    if (hw.x + hw.y <= 1e-9) return BLACK; // the ray points behind the source's camera
    const vec2 sx = dfDiv(row(0u, x, y), hw), sy = dfDiv(row(1u, x, y), hw);
    const float w = float(pc.width - 1u), h = float(pc.height - 1u);
    const bool outside = dfLess(sx, -0.5) || dfLess(sy, -0.5) || dfLess(-sx, -(w + 0.5)) || dfLess(-sy, -(h + 0.5));
    if (pc.edge != 0u && outside) return BLACK;
    int x0, y0;
    float fx, fy;
    position(sx, pc.width, x0, fx);
    position(sy, pc.height, y0, fy);
    return bilinear(x0, fx, y0, fy);
}

void main() {
    const uvec2 p = gl_GlobalInvocationID.xy;
    if (p.x >= pc.width || p.y >= pc.height) return;
    const uint i = p.y * pc.width + p.x;
    dst.px[i] = pc.mode == MODE_COPY ? src.px[i] : resampled(p.x, p.y);
}
