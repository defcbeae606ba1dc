#version 450
// BinaryOp (ncnn's op codes 0 add .. 8 rdiv) over the result's `count` values: each operand is read as the result's
// shape (spread 0), one value per channel (1), one value (2) or one plane for every channel (3).
layout(local_size_x = 64) in;
layout(binding = 0) uniform samplerBuffer a; // texels: see nn_wino_product.comp
layout(binding = 1) uniform samplerBuffer b;
layout(std430, binding = 2) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push { uint count, plane, op, spreadA, spreadB; } pc;

uint at(uint spread, uint i) { return spread == 0 ? i : spread == 1 ? i / pc.plane : spread == 2 ? 0 : i % pc.plane; }

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.count) return;
    const float x = texelFetch(a, int(at(pc.spreadA, i))).x, y = texelFetch(b, int(at(pc.spreadB, i))).x;
    float r;
    switch (pc.op) {
    case 0: r = x + y; break;
    case 1: r = x - y; break;
    case 2: r = x * y; break;
    case 3: r = x / y; break;
    case 4: r = max(x, y); break;
    case 5: r = min(x, y); break;
    case 6: r = pow(x, y); break;
    case 7: r = y - x; break;
    default: r = y / x; break;
    }
    dst[i] = r;
}
