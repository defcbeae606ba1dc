#version 450
// Crop by ranges (the CPU reference's cpu::crop): the output's value (c, y, x) is the input's (c + c0, y + y0, x + x0).
layout(local_size_x = 64) in;
layout(binding = 0) uniform samplerBuffer srcTexels; // texels: see nn_wino_product.comp
#define src(i) texelFetch(srcTexels, int(i)).x
layout(std430, binding = 1) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push { uint count, outH, outW, inH, inW, c0, y0, x0; } pc;

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.count) return;
    const uint x = i % pc.outW, y = (i / pc.outW) % pc.outH, c = i / (pc.outW * pc.outH);
    dst[i] = src(((c + pc.c0) * pc.inH + y + pc.y0) * pc.inW + x + pc.x0);
}
