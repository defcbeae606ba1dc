#version 450
// Interp with ncnn's coordinates: 1 nearest (floor(y * in/out)), 2 bilinear and 3 bicubic (Keys, A = -0.75) with
// half-pixel centres, taps outside the image taking the edge's value.
layout(local_size_x = 64) in;
layout(binding = 0) uniform samplerBuffer src; // texels: see nn_wino_product.comp
layout(std430, binding = 1) writeonly buffer Output { float dst[]; };
layout(push_constant) uniform Push { int c, inH, inW, outH, outW, type; float hs, ws; } pc;

float at(int ch, int y, int x) {
    return texelFetch(src, (ch * pc.inH + clamp(y, 0, pc.inH - 1)) * pc.inW + clamp(x, 0, pc.inW - 1)).x;
}

vec4 cubic(float f) {
    const float A = -0.75;
    const float f0 = f + 1.0, f1 = f, f2 = 1.0 - f;
    vec4 w;
    w.x = A * f0 * f0 * f0 - 5.0 * A * f0 * f0 + 8.0 * A * f0 - 4.0 * A;
    w.y = (A + 2.0) * f1 * f1 * f1 - (A + 3.0) * f1 * f1 + 1.0;
    w.z = (A + 2.0) * f2 * f2 * f2 - (A + 3.0) * f2 * f2 + 1.0;
    w.w = 1.0 - w.x - w.y - w.z;
    return w;
}

void main() {
    const int i = int(gl_GlobalInvocationID.x);
    if (i >= pc.c * pc.outH * pc.outW) return;
    const int x = i % pc.outW, y = (i / pc.outW) % pc.outH, ch = i / (pc.outW * pc.outH);
    if (pc.type == 1) {
        dst[i] = at(ch, min(int(float(y) * pc.hs), pc.inH - 1), min(int(float(x) * pc.ws), pc.inW - 1));
        return;
    }
    const float fy = (float(y) + 0.5) * pc.hs - 0.5, fx = (float(x) + 0.5) * pc.ws - 0.5;
    if (pc.type == 2) {
        int sy = int(floor(fy)), sx = int(floor(fx));
        float ay = fy - float(sy), ax = fx - float(sx);
        if (sy < 0) { sy = 0; ay = 0.0; }
        if (sx < 0) { sx = 0; ax = 0.0; }
        if (sy >= pc.inH - 1) { sy = max(0, pc.inH - 2); ay = pc.inH > 1 ? 1.0 : 0.0; }
        if (sx >= pc.inW - 1) { sx = max(0, pc.inW - 2); ax = pc.inW > 1 ? 1.0 : 0.0; }
        const float top = at(ch, sy, sx) * (1.0 - ax) + at(ch, sy, sx + 1) * ax;
        const float bottom = at(ch, sy + 1, sx) * (1.0 - ax) + at(ch, sy + 1, sx + 1) * ax;
        dst[i] = top * (1.0 - ay) + bottom * ay;
        return;
    }
    const int sy = int(floor(fy)), sx = int(floor(fx));
    const vec4 wy = cubic(fy - float(sy)), wx = cubic(fx - float(sx));
    float sum = 0.0;
    for (int k = 0; k < 4; ++k) {
        const vec4 row = vec4(at(ch, sy - 1 + k, sx - 1), at(ch, sy - 1 + k, sx), at(ch, sy - 1 + k, sx + 1),
                              at(ch, sy - 1 + k, sx + 2));
        sum += wy[k] * dot(wx, row);
    }
    dst[i] = sum;
}
