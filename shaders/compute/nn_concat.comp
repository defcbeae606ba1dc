#version 450
// Concat along channels of up to four inputs of one plane size (the CPU reference's cpu::concatChannels): the output's
// channels are the first input's, then the second's... An input not used is bound to the first and never read.
layout(local_size_x = 64) in;
layout(binding = 0) uniform samplerBuffer aTexels; // texels: see nn_wino_product.comp
#define a(i) texelFetch(aTexels, int(i)).x
layout(binding = 1) uniform samplerBuffer bTexels;
#define b(i) texelFetch(bTexels, int(i)).x
layout(binding = 2) uniform samplerBuffer cTexels;
#define c(i) texelFetch(cTexels, int(i)).x
layout(binding = 3) uniform samplerBuffer dTexels;
#define d(i) texelFetch(dTexels, int(i)).x
layout(std430, binding = 4) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push { uint count, plane, endA, endB, endC; } pc; // the inputs' ends, in values

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.count) return;
    dst[i] = i < pc.endA ? a(i) : i < pc.endB ? b(i - pc.endA) : i < pc.endC ? c(i - pc.endB) : d(i - pc.endC);
}
