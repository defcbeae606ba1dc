#version 450
// RIFE's backward warp (the CPU reference's cpu::warp): each value sampled bilinearly at (x + flow0, y + flow1), the
// four neighbours clamped into the image before the weights are taken.
layout(local_size_x = 64) in;
layout(binding = 0) uniform samplerBuffer imageTexels; // texels: see nn_wino_product.comp
#define image(i) texelFetch(imageTexels, int(i)).x
layout(binding = 1) uniform samplerBuffer flowTexels;
#define flow(i) texelFetch(flowTexels, int(i)).x
layout(std430, binding = 2) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push { int count, h, w; } pc;

void main() {
    const int i = int(gl_GlobalInvocationID.x);
    if (i >= pc.count) return;
    const int plane = pc.h * pc.w, p = i % plane, c = i / plane, x = p % pc.w, y = p / pc.w;
    const float sx = float(x) + flow(p), sy = float(y) + flow(plane + p);
    const int fx = int(floor(sx)), fy = int(floor(sy));
    const int x0 = clamp(fx, 0, pc.w - 1), x1 = clamp(fx + 1, 0, pc.w - 1);
    const int y0 = clamp(fy, 0, pc.h - 1), y1 = clamp(fy + 1, 0, pc.h - 1);
    const float alpha = sx - float(x0), beta = sy - float(y0);
    const int base = c * plane;
    const float top = image(base + y0 * pc.w + x0) * (1.0 - alpha) + image(base + y0 * pc.w + x1) * alpha;
    const float bottom = image(base + y1 * pc.w + x0) * (1.0 - alpha) + image(base + y1 * pc.w + x1) * alpha;
    dst[i] = top * (1.0 - beta) + bottom * beta;
}
