#version 450
// Winograd F(2x2, 3x3), step 1 of 3 (the neural runtime's 3x3 convolution, stride 1, on many channels): each input
// channel's 4x4 patch under each 2x2 output tile, transformed to V = B^T d B (16 values). V is laid out for the
// product step: [element e][channel c][tile t], t padded to a multiple of 4 with zeros (the product reads 4 tiles as
// a vec4). The patch reads zeros outside the input (the layer's padding), by clamping and masking, without branches.
layout(local_size_x = 32, local_size_y = 1, local_size_z = 1) in;

layout(binding = 0) uniform samplerBuffer src; // texels: see nn_wino_product.comp
layout(std430, binding = 1) writeonly buffer Transformed { float v[]; };

layout(push_constant) uniform Push {
    int inC, inH, inW;
    int tilesX, tilesY, tilesPadded; // tiles per row and column; their count padded to a multiple of 4
    int padLeft, padTop;
} pc;

float colIn(int x) { return x >= 0 && x < pc.inW ? 1.0 : 0.0; }

// Row y of the patch: four inputs from column x on (zeros outside).
vec4 patchRow(int base, int y, int x) {
    const float inside = y >= 0 && y < pc.inH ? 1.0 : 0.0;
    const int row = base + clamp(y, 0, pc.inH - 1) * pc.inW;
    const vec4 values = vec4(texelFetch(src, row + clamp(x, 0, pc.inW - 1)).x,
                             texelFetch(src, row + clamp(x + 1, 0, pc.inW - 1)).x,
                             texelFetch(src, row + clamp(x + 2, 0, pc.inW - 1)).x,
                             texelFetch(src, row + clamp(x + 3, 0, pc.inW - 1)).x);
    return values * vec4(colIn(x), colIn(x + 1), colIn(x + 2), colIn(x + 3)) * inside;
}

// The row transform d B: (d0 - d2, d1 + d2, d2 - d1, d1 - d3).
vec4 across(vec4 d) { return vec4(d.x - d.z, d.y + d.z, d.z - d.y, d.y - d.w); }

void main() {
    const int t = int(gl_GlobalInvocationID.x), c = int(gl_GlobalInvocationID.y);
    if (t >= pc.tilesPadded || c >= pc.inC) return;
    const int stride = pc.inC * pc.tilesPadded, at = c * pc.tilesPadded + t;
    if (t >= pc.tilesX * pc.tilesY) { // padding: the product reads it, so it must be defined
        for (int e = 0; e < 16; ++e) v[e * stride + at] = 0.0;
        return;
    }
    const int y = (t / pc.tilesX) * 2 - pc.padTop, x = (t % pc.tilesX) * 2 - pc.padLeft;
    const int base = c * pc.inH * pc.inW;
    const vec4 d0 = patchRow(base, y, x), d1 = patchRow(base, y + 1, x), d2 = patchRow(base, y + 2, x),
               d3 = patchRow(base, y + 3, x);
    // B^T d (rows), then each row times B.
    const vec4 r0 = across(d0 - d2), r1 = across(d1 + d2), r2 = across(d2 - d1), r3 = across(d1 - d3);
    v[0 * stride + at] = r0.x; v[1 * stride + at] = r0.y; v[2 * stride + at] = r0.z; v[3 * stride + at] = r0.w;
    v[4 * stride + at] = r1.x; v[5 * stride + at] = r1.y; v[6 * stride + at] = r1.z; v[7 * stride + at] = r1.w;
    v[8 * stride + at] = r2.x; v[9 * stride + at] = r2.y; v[10 * stride + at] = r2.z; v[11 * stride + at] = r2.w;
    v[12 * stride + at] = r3.x; v[13 * stride + at] = r3.y; v[14 * stride + at] = r3.z; v[15 * stride + at] = r3.w;
}
