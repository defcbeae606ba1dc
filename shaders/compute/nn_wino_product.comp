#version 450
// Winograd F(2x2, 3x3), step 2 of 3: for each of the 16 elements e, M[e] = U[e] V[e] over the input channels, U the
// transformed weights. Each invocation makes 4 output channels of 4 tiles: per input channel one vec4 of V (4 tiles)
// and one vec4 of U (4 outputs), 16 multiply-adds; no arrays and no inner loops (lavapipe keeps what a loop indexes
// in memory). V and U are read as texel buffers: lavapipe fetches those for its 8 lanes at once, where it loads a
// storage buffer lane by lane. M is laid out [e][output group of 4][tile] as vec4s (the 4 outputs) for the output step.
layout(local_size_x = 32, local_size_y = 1, local_size_z = 1) in;

layout(binding = 0) uniform samplerBuffer v;                                // [e][c][tiles / 4]
layout(binding = 1) uniform samplerBuffer u;                                // [e][c][output group]
layout(std430, binding = 2) writeonly buffer Products { vec4 m[]; };        // [e][output group][tile]

layout(push_constant) uniform Push {
    int inC, groups, tilesPadded; // input channels, output groups of 4, tiles padded to a multiple of 4
} pc;

void main() {
    const int quad = int(gl_GlobalInvocationID.x), group = int(gl_GlobalInvocationID.y);
    const int e = int(gl_GlobalInvocationID.z);
    const int quads = pc.tilesPadded / 4;
    if (quad >= quads || group >= pc.groups) return;
    vec4 s0 = vec4(0.0), s1 = vec4(0.0), s2 = vec4(0.0), s3 = vec4(0.0);
    int vi = e * pc.inC * quads + quad, ui = e * pc.inC * pc.groups + group;
    for (int c = 0; c < pc.inC; ++c) {
        const vec4 tiles = texelFetch(v, vi), outs = texelFetch(u, ui);
        s0 += tiles.x * outs;
        s1 += tiles.y * outs;
        s2 += tiles.z * outs;
        s3 += tiles.w * outs;
        vi += quads;
        ui += pc.groups;
    }
    const int at = (e * pc.groups + group) * pc.tilesPadded + quad * 4;
    m[at] = s0;
    m[at + 1] = s1;
    m[at + 2] = s2;
    m[at + 3] = s3;
}
