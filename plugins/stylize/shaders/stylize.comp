#version 450
/*
 * stylize: stylize.c's painterly look on a GPU frame, one invocation per pixel.
 *
 * The randomness is stylize.c's splitmix64 of (seed, frame index, pixel), done in 64-bit integer arithmetic on pairs
 * of 32-bit words (uvec2: x the low word, y the high word), since 64-bit integers are an optional device feature: the
 * brush offsets are the CPU's, bit for bit. The grain is stylize.c's double-precision sum in float (doubles are
 * optional too): it can land on the other side of a rounding boundary for about one sample in 100 000, by 1 LSB.
 */
layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;

// Frames: packed RGBA8, R in the low byte, rows tight. Input and output never overlap (neighbours are read).
layout(std430, set = 0, binding = 0) readonly buffer Src { uint px[]; } src;
layout(std430, set = 0, binding = 1) writeonly buffer Dst { uint px[]; } dst;
// The output as groups of four pixels (QUADS).
layout(std430, set = 0, binding = 1) writeonly buffer DstQuads { uvec4 px[]; } dstQuads;

// Four pixels an invocation where rows hold whole groups of four (width % 4 == 0): one 16-byte write instead of four,
// which a software device does lane by lane. stylize.c picks it by the frame size.
layout(constant_id = 0) const bool QUADS = false;
// A code's posterized value, (int)(code / step + 0.5) * step computed in double by stylize.c: 256 floats as 64 rows
// of a uniform buffer, since every pixel indexes it (lavapipe gathers uniform reads for all lanes at once, but reads a
// storage buffer lane by lane).
layout(std140, set = 0, binding = 2) uniform Tables { vec4 posterized[64]; } tables;

// stylize_push in stylize.c (44 bytes).
layout(push_constant) uniform Push {
    uvec2 frameKey; // mix(seed ^ mix(frame index)), computed by stylize.c
    uint width;
    uint height;
    int scatter;    // pixels
    uint span;      // 2 * scatter + 1
    float grainScale; // 2 * grain
    float inv65535;   // 1 / 65535
    float invSpan;    // 1 / span
    uint wrap16;      // 2^16 % span
    uint wrap32;      // 2^32 % span
} pc;

uvec2 add64(uvec2 a, uvec2 b) {
    uint carry;
    const uint lo = uaddCarry(a.x, b.x, carry);
    return uvec2(lo, a.y + b.y + carry);
}

// a >> n for 0 < n < 32.
uvec2 shr64(uvec2 a, uint n) { return uvec2((a.x >> n) | (a.y << (32u - n)), a.y >> n); }

// The low 64 bits of a * b.
uvec2 mul64(uvec2 a, uvec2 b) {
    uint hi, lo;
    umulExtended(a.x, b.x, hi, lo);
    return uvec2(lo, hi + a.x * b.y + a.y * b.x);
}

// stylize.c's mix(): splitmix64's finalizer.
uvec2 mix64(uvec2 z) {
    z = add64(z, uvec2(0x7F4A7C15u, 0x9E3779B9u));
    z = mul64(z ^ shr64(z, 30u), uvec2(0x1CE4E5B9u, 0xBF58476Du));
    z = mul64(z ^ shr64(z, 27u), uvec2(0x133111EBu, 0x94D049BBu));
    return z ^ shr64(z, 31u);
}

// x % span for x < 2^16, without an integer division (a software device divides lane by lane): for numbers this
// small the float quotient is off by at most one, which the remainder's range check corrects. Exact.
uint smallMod(uint x) {
    int r = int(x) - int(uint(float(x) * pc.invSpan)) * int(pc.span);
    if (r < 0) r += int(pc.span);
    if (r >= int(pc.span)) r -= int(pc.span);
    return uint(r);
}

// x % span for any 32-bit x, from its 16-bit halves (span <= 17 keeps every partial sum below 2^16).
uint mod32(uint x) { return smallMod(smallMod(x >> 16u) * pc.wrap16 + smallMod(x & 0xFFFFu)); }

// a % span for a 64-bit a (stylize.c's r % span), from its 32-bit words.
uint mod64(uvec2 a) { return smallMod(mod32(a.y) * pc.wrap32 + mod32(a.x)); }

float posterized(uint code) { return tables.posterized[code >> 2u][code & 3u]; }

// Pixel (x, y)'s brush stroke: stylize.c's paint_frame for one pixel.
uint paintPixel(uint x, uint y) {
    const uvec2 r = mix64(pc.frameKey ^ uvec2(x, y)); // frameKey ^ (y << 32 | x)
    const int sx = clamp(int(x) + int(mod64(r)) - pc.scatter, 0, int(pc.width) - 1);
    const int sy = clamp(int(y) + int(mod64(shr64(r, 16u))) - pc.scatter, 0, int(pc.height) - 1);
    const uint s = src.px[uint(sy) * pc.width + uint(sx)];
    precise float grain = (float(r.y & 0xFFFFu) * pc.inv65535 - 0.5) * pc.grainScale;
    uint outPx = s & 0xFF000000u; // alpha from the source pixel, as stylize.c
    for (uint k = 0u; k < 3u; ++k) {
        precise float v = posterized((s >> (8u * k)) & 255u) + grain + 0.5;
        outPx |= uint(clamp(int(v), 0, 255)) << (8u * k);
    }
    return outPx;
}

void main() {
    const uvec2 p = gl_GlobalInvocationID.xy;
    if (QUADS) { // p.x counts groups of four pixels along a row
        if (p.x >= pc.width / 4u || p.y >= pc.height) return;
        const uint x = 4u * p.x;
        dstQuads.px[p.y * (pc.width / 4u) + p.x] =
            uvec4(paintPixel(x, p.y), paintPixel(x + 1u, p.y), paintPixel(x + 2u, p.y), paintPixel(x + 3u, p.y));
    } else {
        if (p.x >= pc.width || p.y >= pc.height) return;
        dst.px[p.y * pc.width + p.x] = paintPixel(p.x, p.y);
    }
}
