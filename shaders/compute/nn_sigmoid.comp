#version 450
// Sigmoid, 1 / (1 + exp(-x)) (the CPU reference's cpu::sigmoid). One invocation per value.
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer Input { float src[]; };
layout(std430, binding = 1) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push { uint count; } pc;

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.count) return;
    dst[i] = 1.0 / (1.0 + exp(-src[i]));
}
