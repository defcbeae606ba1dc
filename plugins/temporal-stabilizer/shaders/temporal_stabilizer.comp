#version 450
/*
 * temporal-stabilizer: temporal_stabilizer.c on GPU frames, one invocation per pixel.
 *
 * The edited frame is blended with the previous output warped along the source's backward flow (bilinear), where the
 * previous source, warped the same way, agrees with the current source within `tolerance`. Every step is the C
 * path's, in the same float operations and order, with `precise` so no multiply and add are fused (the C build does
 * not fuse): the result matches to within 1 LSB.
 *
 * The state carried to the next frame (this output and this source) is written here too, into the other half of the
 * module's double buffer (nextOut, nextSrc): the previous frame's state is read at neighbouring pixels while this
 * runs, so it cannot be overwritten in place, and writing it here saves two copies and their barriers.
 */
layout(local_size_x = 16, local_size_y = 16, local_size_z = 1) in;

// Frames: packed RGBA8, R in the low byte, rows tight.
layout(std430, set = 0, binding = 0) readonly buffer Edit { uint px[]; } edit;
layout(std430, set = 0, binding = 1) readonly buffer Source { uint px[]; } source;
// Backward flow of the source: where pixel i came from in the previous source is its position + xy[i]. Read only when
// pc.follow != 0 (another buffer is bound for the first frame of a stream).
layout(std430, set = 0, binding = 2) readonly buffer Flow { vec2 xy[]; } flow;
layout(std430, set = 0, binding = 3) writeonly buffer Dst { uint px[]; } dst;
layout(std430, set = 0, binding = 4) readonly buffer PrevOut { uint px[]; } prevOut;
layout(std430, set = 0, binding = 5) readonly buffer PrevSrc { uint px[]; } prevSrc;
layout(std430, set = 0, binding = 6) writeonly buffer NextOut { uint px[]; } nextOut;
layout(std430, set = 0, binding = 7) writeonly buffer NextSrc { uint px[]; } nextSrc;

// stabilizer_push in temporal_stabilizer.c (20 bytes).
layout(push_constant) uniform Push {
    uint width;
    uint height;
    uint follow;     // 0: pass the edit through (first frame, after reset, no usable flow)
    float strength;  // weight of the warped previous output
    float tolerance; // largest source difference along the flow still trusted, 0-255
} pc;

vec3 rgb(uint p) { return vec3(float(p & 255u), float((p >> 8) & 255u), float((p >> 16) & 255u)); }

// temporal_stabilizer.c's sample(): bilinear between four texels a b / c d at fractions (fx, fy).
vec3 bilinear(uint a, uint b, uint c, uint d, float fx, float fy) {
    const vec3 A = rgb(a), B = rgb(b), C = rgb(c), D = rgb(d);
    precise vec3 top = A + (B - A) * fx;
    precise vec3 bottom = C + (D - C) * fx;
    precise vec3 v = top + (bottom - top) * fy;
    return v;
}

// temporal_stabilizer.c's stabilize_pixel: the edit, or its blend with the warped previous output.
uint stabilized(uint i, uint x, uint y, uint e) {
    const vec2 f = flow.xy[i];
    precise float fx = float(x) + f.x;
    precise float fy = float(y) + f.y;
    if (!(fx >= 0.0 && fy >= 0.0 && fx <= float(pc.width - 1u) && fy <= float(pc.height - 1u))) return e;
    const int x0 = int(floor(fx)), y0 = int(floor(fy));
    const int x1 = x0 + 1 < int(pc.width) ? x0 + 1 : x0, y1 = y0 + 1 < int(pc.height) ? y0 + 1 : y0;
    precise float ax = fx - float(x0);
    precise float ay = fy - float(y0);
    const uint ia = uint(y0) * pc.width + uint(x0), ib = uint(y0) * pc.width + uint(x1);
    const uint ic = uint(y1) * pc.width + uint(x0), id = uint(y1) * pc.width + uint(x1);
    const vec3 before = bilinear(prevSrc.px[ia], prevSrc.px[ib], prevSrc.px[ic], prevSrc.px[id], ax, ay);
    precise vec3 diff = abs(rgb(source.px[i]) - before);
    if (any(greaterThan(diff, vec3(pc.tolerance)))) return e;
    const vec3 warped = bilinear(prevOut.px[ia], prevOut.px[ib], prevOut.px[ic], prevOut.px[id], ax, ay);
    precise float keep = 1.0 - pc.strength;
    precise vec3 blended = rgb(e) * keep + warped * pc.strength + 0.5;
    const uvec3 q = uvec3(blended); // truncation, as the C cast to uint8_t
    return q.r | (q.g << 8) | (q.b << 16) | (e & 0xFF000000u);
}

void main() {
    const uvec2 p = gl_GlobalInvocationID.xy;
    if (p.x >= pc.width || p.y >= pc.height) return;
    const uint i = p.y * pc.width + p.x;
    const uint e = edit.px[i];
    const uint s = source.px[i];
    const uint o = pc.follow != 0u ? stabilized(i, p.x, p.y, e) : e;
    dst.px[i] = o;
    nextOut.px[i] = o;
    nextSrc.px[i] = s;
}
