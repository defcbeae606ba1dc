#version 450
// GPU self-test: every invocation writes a hash of its index. The host recomputes the same hash and compares all
// values, so a broken driver, a wrong memory type or a lost write shows up as a mismatch count.
layout(local_size_x = 64) in;

layout(std430, binding = 0) writeonly buffer Values { uint values[]; };

layout(push_constant) uniform Push {
    uint count;
    uint seed;
} pc;

// Must match mnemo::gpu::selfTestPattern().
uint selfTestPattern(uint i, uint seed) {
    uint x = (i * 2654435761u) ^ seed;
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    return x;
}

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i < pc.count) {
        values[i] = selfTestPattern(i, pc.seed);
    }
}
