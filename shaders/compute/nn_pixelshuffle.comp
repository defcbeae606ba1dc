#version 450
// PixelShuffle (PyTorch's order, ncnn mode 0): out(c, y, x) = in(c*r*r + (y%r)*r + x%r, y/r, x/r).
layout(local_size_x = 64) in;
layout(binding = 0) uniform samplerBuffer srcTexels; // texels: see nn_wino_product.comp
#define src(i) texelFetch(srcTexels, int(i)).x
layout(std430, binding = 1) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push { uint outC, inH, inW, r; } pc;

void main() {
    const uint outW = pc.inW * pc.r, outH = pc.inH * pc.r;
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.outC * outH * outW) return;
    const uint x = i % outW, y = (i / outW) % outH, c = i / (outW * outH);
    const uint from = c * pc.r * pc.r + (y % pc.r) * pc.r + x % pc.r;
    dst[i] = src((from * pc.inH + y / pc.r) * pc.inW + x / pc.r);
}
