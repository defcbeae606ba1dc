#version 450
// Eltwise of two inputs of one shape (the CPU reference's cpu::eltwise): 0 product, 1 weighted sum, 2 max.
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer A { float a[]; };
layout(std430, binding = 1) readonly buffer B { float b[]; };
layout(std430, binding = 2) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push { uint count, op; float ca, cb; } pc;

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.count) return;
    const float x = a[i], y = b[i];
    dst[i] = pc.op == 0 ? x * y : pc.op == 1 ? pc.ca * x + pc.cb * y : max(x, y);
}
