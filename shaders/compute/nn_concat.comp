#version 450
// Concat along channels of up to four inputs of one plane size (the CPU reference's cpu::concatChannels): the output's
// channels are the first input's, then the second's... An input not used is bound to the first and never read.
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer A { float a[]; };
layout(std430, binding = 1) readonly buffer B { float b[]; };
layout(std430, binding = 2) readonly buffer C { float c[]; };
layout(std430, binding = 3) readonly buffer D { float d[]; };
layout(std430, binding = 4) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push { uint count, plane, endA, endB, endC; } pc; // the inputs' ends, in values

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.count) return;
    dst[i] = i < pc.endA ? a[i] : i < pc.endB ? b[i - pc.endA] : i < pc.endC ? c[i - pc.endB] : d[i - pc.endC];
}
