#version 450
// Eltwise of two inputs of one shape (the CPU reference's cpu::eltwise): 0 product, 1 weighted sum, 2 max.
layout(local_size_x = 64) in;
layout(binding = 0) uniform samplerBuffer aTexels; // texels: see nn_wino_product.comp
#define a(i) texelFetch(aTexels, int(i)).x
layout(binding = 1) uniform samplerBuffer bTexels;
#define b(i) texelFetch(bTexels, int(i)).x
layout(std430, binding = 2) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push { uint count, op; float ca, cb; } pc;

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.count) return;
    const float x = a(i), y = b(i);
    dst[i] = pc.op == 0 ? x * y : pc.op == 1 ? pc.ca * x + pc.cb * y : max(x, y);
}
