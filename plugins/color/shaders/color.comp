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
// The same frames as groups of four pixels (QUADS).
layout(std430, set = 0, binding = 0) readonly buffer SrcQuads { uvec4 px[]; } srcQuads;
layout(std430, set = 0, binding = 1) writeonly buffer DstQuads { uvec4 px[]; } dstQuads;
// color_gpu_tables in color.c, as 16-byte rows: a uniform buffer, since every pixel indexes it (lavapipe gathers
// uniform reads for all lanes at once, but reads a storage buffer lane by lane). Floats by word, 8-bit tables packed
// four codes to a word; the *_WORD offsets are checked against color.c's struct by its static asserts.
layout(std140, set = 0, binding = 2) uniform Tables { uvec4 words[465]; } tables;
const uint LINEAR_WORD = 0u;     // float[256]: sRGB code -> linear light
const uint GRADED_WORD = 256u;   // float[256]: code / 255.0f
const uint LUT_FRAC_WORD = 512u; // float[256]: the fraction across a code's lattice cell (color.c's lut_frac)
const uint TONE_WORD = 768u;     // byte[4097]: linear light in [0, 1] x 4096 -> sRGB code -> contrast (curve[encode])
const uint LUT_CELL_WORD = 1793u; // byte[256]: a code's lattice cell (color.c's lut_cell)

uint tableWord(uint i) { return tables.words[i >> 2u][i & 3u]; }
float tableFloat(uint base, uint k) { return uintBitsToFloat(tableWord(base + k)); }
uint tableByte(uint base, uint k) { return (tableWord(base + (k >> 2u)) >> (8u * (k & 3u))) & 255u; }

// The baked lattice: size^3 RGB triples, red fastest. Without a LUT another buffer is bound and never read.
layout(std430, set = 0, binding = 3) readonly buffer Lut { float rgb[]; } lut;

// Two pipelines: the grade alone, and the grade then the LUT. A specialization constant rather than a branch on
// withLut, because a software device (lavapipe) would run the LUT's storage-buffer reads under a mask anyway.
layout(constant_id = 0) const bool WITH_LUT = false;
// Four pixels an invocation where rows hold whole groups of four (width % 4 == 0): one 16-byte read and write instead
// of four, which a software device does lane by lane. color.c picks it by the frame size.
layout(constant_id = 1) const bool QUADS = false;

// color_push in color.c (48 bytes).
layout(push_constant) uniform Push {
    uint width;
    uint height;
    uint lutSize;        // lattice points per axis
    uint withLut;        // 0: the grade alone (no LUT, or lut_strength 0); the host picks the pipeline by it
    vec4 gainSaturation; // xyz: exposure x white-balance gain per channel; w: saturation
    float lutStrength;
} pc;

// color.c's curve[encode(v)]: linear light to an sRGB code through the 4096-step table, then contrast, in one look-up
// (encode's clamps are the table's ends).
uint toneLinear(float v) {
    if (!(v > 0.0)) return tableByte(TONE_WORD, 0u);
    if (v >= 1.0) return tableByte(TONE_WORD, 4096u);
    precise float index = v * 4096.0 + 0.5;
    return tableByte(TONE_WORD, uint(index));
}

// lroundf for v >= 0: half away from zero, exactly (v - trunc(v) is exact in float).
uint roundHalfAway(float v) {
    float t = trunc(v);
    return uint(t) + (v - t >= 0.5 ? 1u : 0u);
}

// color.c's grade_pixel: exposure, white balance and saturation on linear light, contrast on the code.
uvec3 grade(uvec3 code) {
    precise vec3 rgb = vec3(tableFloat(LINEAR_WORD, code.r), tableFloat(LINEAR_WORD, code.g), tableFloat(LINEAR_WORD, code.b)) * pc.gainSaturation.xyz;
    precise float y = 0.2126 * rgb.r + 0.7152 * rgb.g + 0.0722 * rgb.b;
    uvec3 graded;
    for (int k = 0; k < 3; ++k) {
        precise float v = y + (rgb[k] - y) * pc.gainSaturation.w;
        graded[k] = toneLinear(v);
    }
    return graded;
}

// color.c's sample_lut: trilinear in the lattice cell of an 8-bit code.
vec3 sampleLut(uvec3 code) {
    const uint n = pc.lutSize;
    const uint s0 = 3u, s1 = 3u * n, s2 = 3u * n * n;
    const float fr = tableFloat(LUT_FRAC_WORD, code.r), fg = tableFloat(LUT_FRAC_WORD, code.g),
                fb = tableFloat(LUT_FRAC_WORD, code.b);
    const uint p = tableByte(LUT_CELL_WORD, code.r) * s0 + tableByte(LUT_CELL_WORD, code.g) * s1 +
                   tableByte(LUT_CELL_WORD, code.b) * s2;
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
        const float graded = tableFloat(GRADED_WORD, code[k]);
        precise float m = graded + (looked[k] - graded) * pc.lutStrength;
        precise float scaled = m * 255.0;
        mixed[k] = m <= 0.0 ? 0u : m >= 1.0 ? 255u : roundHalfAway(scaled);
    }
    return mixed;
}

uint editPixel(uint in_px) {
    uvec3 code = grade(uvec3(in_px & 255u, (in_px >> 8) & 255u, (in_px >> 16) & 255u));
    if (WITH_LUT) code = applyLut(code);
    return code.r | (code.g << 8) | (code.b << 16) | (in_px & 0xFF000000u); // alpha passes through
}

void main() {
    const uvec2 p = gl_GlobalInvocationID.xy;
    if (QUADS) { // p.x counts groups of four pixels along a row
        if (p.x >= pc.width / 4u || p.y >= pc.height) return;
        const uint q = p.y * (pc.width / 4u) + p.x;
        const uvec4 in_px = srcQuads.px[q];
        dstQuads.px[q] = uvec4(editPixel(in_px.x), editPixel(in_px.y), editPixel(in_px.z), editPixel(in_px.w));
    } else {
        if (p.x >= pc.width || p.y >= pc.height) return;
        const uint i = p.y * pc.width + p.x;
        dst.px[i] = editPixel(src.px[i]);
    }
}
