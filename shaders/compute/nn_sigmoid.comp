#version 450
// Sigmoid, 1 / (1 + exp(-x)) (the CPU reference's cpu::sigmoid), or with `swish` SiLU, x / (1 + exp(-x))
// (cpu::swish). One invocation per value.
layout(local_size_x = 64) in;
layout(binding = 0) uniform samplerBuffer srcTexels; // texels: see nn_wino_product.comp
#define src(i) texelFetch(srcTexels, int(i)).x
layout(std430, binding = 1) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push { uint count; uint swish; } pc;

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.count) return;
    const float x = src(i);
    dst[i] = (pc.swish != 0u ? x : 1.0) / (1.0 + exp(-x));
}
