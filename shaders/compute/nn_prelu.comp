#version 450
// PReLU (and leaky ReLU with one slope): x < 0 ? x * slope[channel] : x. One invocation per value.
layout(local_size_x = 64) in;
layout(binding = 0) uniform samplerBuffer srcTexels; // texels: see nn_wino_product.comp
#define src(i) texelFetch(srcTexels, int(i)).x
layout(binding = 1) uniform samplerBuffer slopesTexels;
#define slopes(i) texelFetch(slopesTexels, int(i)).x
layout(std430, binding = 2) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push { uint count, plane, slopeCount; } pc;

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.count) return;
    const float slope = slopes(pc.slopeCount > 1 ? i / pc.plane : 0);
    const float v = src(i);
    dst[i] = v < 0.0 ? v * slope : v;
}
