#version 450
/*
 * color: color.c's grade and LUT on a GPU frame, one invocation per pixel.
 *
 * The CPU path is the reference, so every step is color.c's: the same tables (uploaded by color.c, indexed the same
 * way), the same float operations in the same order, and `precise` wherever a multiply feeds an add, so the compiler
 * cannot fuse them (color.c's x86-64 build does not fuse either). Divisions are table look-ups (graded, lutFrac): a
 * GPU's float division need not be correctly rounded. Rounding to a code is lroundf's, done exactly (roundHalfAway).
 * The result matches the CPU path to within 1 LSB (normally to the bit).
 */
layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;

// Frames: packed RGBA8, R in the low byte, rows tight.
layout(std430, set = 0, binding = 0) readonly buffer Src { uint px[]; } src;
layout(std430, set = 0, binding = 1) writeonly buffer Dst { uint px[]; } dst;
// color_gpu_tables in color.c: all 4-byte scalars, so std430 and C agree on the layout.
layout(std430, set = 0, binding = 2) readonly buffer Tables {
    float linear[256];  // sRGB code -> linear light
    uint encode[4097];  // linear light in [0, 1] x 4096 -> sRGB code
    uint curve[256];    // contrast on the encoded code
    float graded[256];  // code / 255.0f
    uint lutCell[256];  // a code's lattice cell and the fraction across it (color.c's lut_cell / lut_frac)
    float lutFrac[256];
} tables;
// The baked lattice: size^3 RGB triples, red fastest. Without a LUT another buffer is bound and never read.
layout(std430, set = 0, binding = 3) readonly buffer Lut { float rgb[]; } lut;

// color_push in color.c (48 bytes).
layout(push_constant) uniform Push {
    uint width;
    uint height;
    uint lutSize;        // lattice points per axis
    uint withLut;        // 0: the grade alone (no LUT, or lut_strength 0)
    vec4 gainSaturation; // xyz: exposure x white-balance gain per channel; w: saturation
    float lutStrength;
} pc;

// color.c's encode(): linear light to an sRGB code through the 4096-step table.
uint encodeLinear(float v) {
    if (!(v > 0.0)) return 0u;
    if (v >= 1.0) return 255u;
    precise float index = v * 4096.0 + 0.5;
    return tables.encode[int(index)];
}

// lroundf for v >= 0: half away from zero, exactly (v - trunc(v) is exact in float).
uint roundHalfAway(float v) {
    float t = trunc(v);
    return uint(t) + (v - t >= 0.5 ? 1u : 0u);
}

// color.c's grade_pixel: exposure, white balance and saturation on linear light, contrast on the code.
uvec3 grade(uvec3 code) {
    precise vec3 rgb = vec3(tables.linear[code.r], tables.linear[code.g], tables.linear[code.b]) * pc.gainSaturation.xyz;
    precise float y = 0.2126 * rgb.r + 0.7152 * rgb.g + 0.0722 * rgb.b;
    uvec3 graded;
    for (int k = 0; k < 3; ++k) {
        precise float v = y + (rgb[k] - y) * pc.gainSaturation.w;
        graded[k] = tables.curve[encodeLinear(v)];
    }
    return graded;
}

// color.c's sample_lut: trilinear in the lattice cell of an 8-bit code.
vec3 sampleLut(uvec3 code) {
    const uint n = pc.lutSize;
    const uint s0 = 3u, s1 = 3u * n, s2 = 3u * n * n;
    const float fr = tables.lutFrac[code.r], fg = tables.lutFrac[code.g], fb = tables.lutFrac[code.b];
    const uint p = tables.lutCell[code.r] * s0 + tables.lutCell[code.g] * s1 + tables.lutCell[code.b] * s2;
    vec3 looked;
    for (uint k = 0u; k < 3u; ++k) {
        const uint q = p + k;
        precise float c00 = lut.rgb[q] + (lut.rgb[q + s0] - lut.rgb[q]) * fr;
        precise float c10 = lut.rgb[q + s1] + (lut.rgb[q + s1 + s0] - lut.rgb[q + s1]) * fr;
        precise float c01 = lut.rgb[q + s2] + (lut.rgb[q + s2 + s0] - lut.rgb[q + s2]) * fr;
        precise float c11 = lut.rgb[q + s2 + s1] + (lut.rgb[q + s2 + s1 + s0] - lut.rgb[q + s2 + s1]) * fr;
        precise float c0 = c00 + (c10 - c00) * fg;
        precise float c1 = c01 + (c11 - c01) * fg;
        precise float v = c0 + (c1 - c0) * fb;
        looked[k] = v;
    }
    return looked;
}

// color.c's apply_lut: the look mixed with the graded pixel by lut_strength.
uvec3 applyLut(uvec3 code) {
    const vec3 looked = sampleLut(code);
    uvec3 mixed;
    for (int k = 0; k < 3; ++k) {
        const float graded = tables.graded[code[k]];
        precise float m = graded + (looked[k] - graded) * pc.lutStrength;
        precise float scaled = m * 255.0;
        mixed[k] = m <= 0.0 ? 0u : m >= 1.0 ? 255u : roundHalfAway(scaled);
    }
    return mixed;
}

void main() {
    const uvec2 p = gl_GlobalInvocationID.xy;
    if (p.x >= pc.width || p.y >= pc.height) return;
    const uint i = p.y * pc.width + p.x;
    const uint in_px = src.px[i];
    uvec3 code = grade(uvec3(in_px & 255u, (in_px >> 8) & 255u, (in_px >> 16) & 255u));
    if (pc.withLut != 0u) code = applyLut(code);
    dst.px[i] = code.r | (code.g << 8) | (code.b << 16) | (in_px & 0xFF000000u); // alpha passes through
}
