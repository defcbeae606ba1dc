#version 450
// PReLU (and leaky ReLU with one slope): x < 0 ? x * slope[channel] : x. One invocation per value.
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer Input { float src[]; };
layout(std430, binding = 1) readonly buffer Slopes { float slopes[]; };
layout(std430, binding = 2) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push { uint count, plane, slopeCount; } pc;

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.count) return;
    const float slope = slopes[pc.slopeCount > 1 ? i / pc.plane : 0];
    const float v = src[i];
    dst[i] = v < 0.0 ? v * slope : v;
}
