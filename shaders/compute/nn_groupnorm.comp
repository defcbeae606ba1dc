#version 450
// GroupNorm and InstanceNorm (cpu::groupNorm): one workgroup per group of channels. Its 256 invocations sum the
// group's values, then their squared deviations from the mean (two passes, as the reference does: no cancellation),
// each reduced in shared memory; then each value is normalised and, with `affine`, scaled and shifted per channel.
layout(local_size_x = 256) in;
layout(binding = 0) uniform samplerBuffer srcTexels; // texels: see nn_wino_product.comp
#define src(i) texelFetch(srcTexels, int(i)).x
layout(binding = 1) uniform samplerBuffer paramsTexels;
#define params(i) texelFetch(paramsTexels, int(i)).x // gamma[channels], then beta[channels]
layout(std430, binding = 2) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push {
    uint channels, plane, groups, affine;
    float eps;
} pc;

shared float partial[256];

// The sum over the workgroup of each invocation's `value`.
float reduce(float value) {
    const uint i = gl_LocalInvocationID.x;
    partial[i] = value;
    barrier();
    for (uint half_ = 128u; half_ > 0u; half_ >>= 1) {
        if (i < half_) partial[i] += partial[i + half_];
        barrier();
    }
    const float total = partial[0];
    barrier();
    return total;
}

void main() {
    const uint i = gl_LocalInvocationID.x, group = gl_WorkGroupID.x;
    const uint span = pc.plane * (pc.channels / pc.groups), first = group * span;
    float sum = 0.0;
    for (uint k = i; k < span; k += 256u) sum += src(first + k);
    const float mean = reduce(sum) / float(span);
    float squares = 0.0;
    for (uint k = i; k < span; k += 256u) {
        const float d = src(first + k) - mean;
        squares += d * d;
    }
    const float scale = inversesqrt(reduce(squares) / float(span) + pc.eps);
    for (uint k = i; k < span; k += 256u) {
        const uint c = (first + k) / pc.plane;
        const float v = (src(first + k) - mean) * scale;
        dst[first + k] = pc.affine != 0u ? v * params(c) + params(pc.channels + c) : v;
    }
}
