#version 450
/*
 * virtual-camera: virtual_camera.c's track() on the device, one workgroup per frame, recorded before the frame's
 * render (virtual_camera.comp) in the same command buffer. The source's flow is a device buffer the module cannot read
 * on the host (it only records; the host submits later), and correcting a frame with the motion measured up to the
 * frame before would not remove shake but add to it (each frame would be moved by its predecessor's jump). So the
 * whole estimate and the trajectory live here, and the frame is corrected for its own motion, as on the CPU.
 *
 * Steps, each virtual_camera.c's: sample the flow on the same grid (sample_flow), fit a similarity by least squares
 * (fit_similarity: means, then centred sums, reduced over the workgroup), measure each sample's residual, take their
 * median (sorted[count / 2], by a radix select: no sort is needed for one element), refit without the samples beyond
 * max(3 x median, 0.5), twice; then follow the trajectory, update the crop zoom and write the stabilized homography
 * (stabilized() after path_homography) for the render.
 *
 * Float instead of double. The state kept is the smoothed trajectory minus the actual one (all the correction
 * depends on; the C code's update of the two, subtracted, is exactly this update of their difference), so nothing
 * grows with the stream's length and rounding decays with the smoothing instead of adding up. Sines and cosines are
 * Taylor series: the angles are within the 5 degree limit, where a few terms are exact in float, and Vulkan lets sin
 * and cos err by 2^-11. Results follow the CPU path's to within float rounding of the fit, not bit for bit.
 */
layout(local_size_x = 256, local_size_y = 1, local_size_z = 1) in;
const uint N = 256u; // invocations

// The source's backward flow (mnemo_gpu_flow): read only when FLAG_ESTIMATE is set (another buffer stands in).
layout(std430, set = 0, binding = 0) readonly buffer Flow { vec2 xy[]; } flow;
// The module's state, carried from frame to frame (floats):
layout(std430, set = 0, binding = 1) coherent buffer State { float v[]; } state;
const uint OFFSET = 0u;    // 4: the smoothed trajectory minus the actual one (x, y, angle, log scale)
const uint CROP = 4u;      // the crop zoom, >= 1
const uint MATRIX = 5u;    // 9: the stabilized homography, row major, for virtual_camera.comp
const uint RESIDUALS = 16u; // one per grid sample; NONE where the flow is not finite

const uint FLAG_RESTART = 1u;  // forget the trajectory first (a new stream, a reset)
const uint FLAG_FOLLOW = 2u;   // there is a flow: advance the trajectory (by no motion unless FLAG_ESTIMATE)
const uint FLAG_ESTIMATE = 4u; // the flow has the frame's size: measure the motion from it
const float NONE = 3.0e38;     // above every residual; sorts last and passes no limit
const float MAX_ROTATION = 0.087266462599716; // 5 degrees
const float MAX_LOG_SCALE = 0.0953101798;     // log(1.1)

// motion_push in virtual_camera.c (76 bytes).
layout(push_constant) uniform Push {
    uint width;
    uint height;
    uint stepX;   // the flow grid: columns x rows samples at (stepX / 2 + i stepX, stepY / 2 + j stepY)
    uint stepY;
    uint columns;
    uint rows;
    uint flags;
    float keep;      // 1 - alpha: exp(-1 / smoothing)
    float relax;     // exp(-1 / (2 smoothing)): how the crop zoom relaxes per frame
    float stabilize;
    float path[9];   // path_homography, row major
} pc;

shared vec4 sumsA[N];
shared float sumsB[N];
shared uint histogram[N]; // the median's radix select
shared uint selected;     // the bits of the median found so far
shared uint rank;         // its rank among the residuals that share them

struct Sample {
    vec2 p; // centred position in frame t
    vec2 q; // where the flow says it was in frame t-1
    bool ok;
};

struct Fit {
    float a, b, tx, ty; // q = [a -b; b a] p + t
    float n;            // samples used
    bool ok;
};

// Sums v and w over the workgroup; every invocation gets the totals. Call from uniform control flow.
void reduce(inout vec4 v, inout float w) {
    const uint i = gl_LocalInvocationIndex;
    sumsA[i] = v;
    sumsB[i] = w;
    barrier();
    for (uint s = N / 2u; s > 0u; s >>= 1u) {
        if (i < s) {
            sumsA[i] += sumsA[i + s];
            sumsB[i] += sumsB[i + s];
        }
        barrier();
    }
    v = sumsA[0];
    w = sumsB[0];
    barrier(); // everyone has read the totals before the next reduction writes
}

bool finite(vec2 v) { return all(notEqual(floatBitsToUint(v) & 0x7F800000u, uvec2(0x7F800000u))); }

// sample_flow(): grid sample j, in centred coordinates.
Sample sampleAt(uint j) {
    const uint x = pc.stepX / 2u + (j % pc.columns) * pc.stepX, y = pc.stepY / 2u + (j / pc.columns) * pc.stepY;
    const vec2 v = flow.xy[y * pc.width + x];
    Sample s;
    s.ok = finite(v);
    s.p = vec2(float(x) - float(pc.width - 1u) * 0.5, float(y) - float(pc.height - 1u) * 0.5);
    s.q = s.p + v;
    return s;
}

bool included(uint j, Sample s, float limit) { return s.ok && (limit < 0.0 || state.v[RESIDUALS + j] <= limit); }

// fit_similarity(): least squares over the samples within `limit` (all when limit < 0). Uniform: every invocation
// returns the same fit.
Fit fitSimilarity(float limit) {
    const uint total = pc.columns * pc.rows;
    vec4 mean = vec4(0.0);
    float n = 0.0;
    for (uint j = gl_LocalInvocationIndex; j < total; j += N) {
        const Sample s = sampleAt(j);
        if (included(j, s, limit)) mean += vec4(s.p, s.q), n += 1.0;
    }
    reduce(mean, n);
    Fit f = Fit(0.0, 0.0, 0.0, 0.0, n, false);
    if (n < 8.0) return f;
    mean /= n;
    vec4 sums = vec4(0.0); // spp, sdot, scross
    float unused = 0.0;
    for (uint j = gl_LocalInvocationIndex; j < total; j += N) {
        const Sample s = sampleAt(j);
        if (!included(j, s, limit)) continue;
        const vec2 p = s.p - mean.xy, q = s.q - mean.zw;
        sums += vec4(p.x * p.x + p.y * p.y, p.x * q.x + p.y * q.y, p.x * q.y - p.y * q.x, 0.0);
    }
    reduce(sums, unused);
    if (sums.x <= 1e-9) return f;
    f.a = sums.y / sums.x;
    f.b = sums.z / sums.x;
    f.tx = mean.z - (f.a * mean.x - f.b * mean.y);
    f.ty = mean.w - (f.b * mean.x + f.a * mean.y);
    f.ok = f.a * f.a + f.b * f.b > 1e-6;
    return f;
}

// measure_residuals(): each sample's distance from the fit, into the state buffer; then their median, the element of
// rank count / 2 among the `count` finite samples (NONE ranks after all of them). A radix select finds it, the exact
// element sorted[count / 2] is: residuals are >= 0, so their bits order as they do, and a byte at a time, from the
// top, a histogram of the candidates says which byte value holds that rank. Four passes over the samples, where
// counting each one's rank would be quadratic (and past lavapipe's limit of 65535 loop iterations per invocation).
float medianResidual(Fit f, float count) {
    const uint total = pc.columns * pc.rows, i = gl_LocalInvocationIndex;
    for (uint j = i; j < total; j += N) {
        const Sample s = sampleAt(j);
        const vec2 e = vec2(f.a * s.p.x - f.b * s.p.y + f.tx - s.q.x, f.b * s.p.x + f.a * s.p.y + f.ty - s.q.y);
        state.v[RESIDUALS + j] = s.ok ? sqrt(e.x * e.x + e.y * e.y) : NONE;
    }
    if (i == 0u) {
        selected = 0u;
        rank = uint(count) / 2u;
    }
    memoryBarrierBuffer();
    barrier();
    for (int shift = 24; shift >= 0; shift -= 8) {
        const uint mask = shift == 24 ? 0u : 0xFFFFFFFFu << uint(shift + 8); // the bytes chosen so far
        const uint prefix = selected;
        histogram[i] = 0u; // N == 256: one bin each
        barrier();
        for (uint j = i; j < total; j += N) {
            const uint key = floatBitsToUint(state.v[RESIDUALS + j]);
            if ((key & mask) == prefix) atomicAdd(histogram[(key >> uint(shift)) & 255u], 1u);
        }
        barrier();
        if (i == 0u) { // the byte value whose bin holds the rank; the rank within it
            uint below = 0u, b = 0u;
            for (; b < 255u && below + histogram[b] <= rank; ++b) below += histogram[b];
            rank -= below;
            selected = prefix | (b << uint(shift));
        }
        barrier();
    }
    return uintBitsToFloat(selected);
}

// estimate_motion(): the source's motion into this frame (x, y, angle, log scale), or `false` when the flow does not
// tell. Uniform.
bool estimateMotion(out vec4 motion) {
    motion = vec4(0.0);
    Fit f = fitSimilarity(-1.0);
    const float count = f.n;
    if (!f.ok) return false;
    for (int pass = 0; pass < 2; ++pass) { // drop what moves unlike the rest (objects, occlusions), refit
        const float median = medianResidual(f, count);
        const float limit = 3.0 * median > 0.5 ? 3.0 * median : 0.5;
        memoryBarrierBuffer();
        barrier(); // every residual is written before the fit reads them
        f = fitSimilarity(limit);
        if (!f.ok) return false;
    }
    motion = vec4(f.tx, f.ty, atan(f.b, f.a), 0.5 * log(f.a * f.a + f.b * f.b));
    return true;
}

// (cos x, sin x) for |x| <= 5 degrees: the series' next terms are below float's resolution there.
vec2 cosSin(float x) {
    const float x2 = x * x;
    const float c = 1.0 - x2 / 2.0 * (1.0 - x2 / 12.0 * (1.0 - x2 / 30.0 * (1.0 - x2 / 56.0)));
    const float s = x * (1.0 - x2 / 6.0 * (1.0 - x2 / 20.0 * (1.0 - x2 / 42.0)));
    return vec2(c, s);
}

vec4 offset() { return vec4(state.v[OFFSET], state.v[OFFSET + 1u], state.v[OFFSET + 2u], state.v[OFFSET + 3u]); }

// zoom_to_stay_inside(): the least zoom after which the frame, moved by the correction c, samples only the source.
float zoomToStayInside(vec4 c) {
    const float w = float(pc.width) - 1.0, h = float(pc.height) - 1.0;
    const vec2 cs = cosSin(abs(c.z));
    const float scale = exp(c.w);
    const float zx = scale * (w * cs.x + h * cs.y) / (w - 2.0 * abs(c.x));
    const float zy = scale * (w * cs.y + h * cs.x) / (h - 2.0 * abs(c.y));
    return max(max(zx, zy), 1.0);
}

// follow_trajectory() and the crop zoom of track(), on the offset smoothed - actual: the exponential average's step
// moves it to (1 - alpha)(offset - motion), within the correction limits.
void follow(vec4 motion) {
    const vec4 limit = vec4(0.125 * float(pc.width), 0.125 * float(pc.height), MAX_ROTATION, MAX_LOG_SCALE);
    const vec4 d = clamp(pc.keep * (offset() - motion), -limit, limit);
    for (uint k = 0u; k < 4u; ++k) state.v[OFFSET + k] = d[k];
    if (pc.width < 3u || pc.height < 3u) return;
    const float relaxed = 1.0 + (state.v[CROP] - 1.0) * pc.relax;
    const float needed = zoomToStayInside(d * pc.stabilize);
    state.v[CROP] = max(needed, relaxed);
}

// stabilized(): zoom in by the crop zoom about the centre, turn and scale by the correction, shift by it; after the
// path.
void writeMatrix() {
    const vec4 c = offset() * pc.stabilize;
    const float cx = float(pc.width - 1u) * 0.5, cy = float(pc.height - 1u) * 0.5;
    const vec2 cs = cosSin(c.z) * (exp(c.w) / state.v[CROP]);
    const float a = cs.x, b = cs.y;
    const float s[9] = float[9](a, -b, cx + c.x - (a * cx - b * cy), b, a, cy + c.y - (b * cx + a * cy), 0.0, 0.0, 1.0);
    for (uint i = 0u; i < 3u; ++i) {
        for (uint j = 0u; j < 3u; ++j) {
            state.v[MATRIX + 3u * i + j] =
                s[3u * i] * pc.path[j] + s[3u * i + 1u] * pc.path[3u + j] + s[3u * i + 2u] * pc.path[6u + j];
        }
    }
}

void main() {
    vec4 motion = vec4(0.0);
    if ((pc.flags & FLAG_ESTIMATE) != 0u && !estimateMotion(motion)) motion = vec4(0.0); // unknown counts as none
    if (gl_LocalInvocationIndex != 0u) return;
    if ((pc.flags & FLAG_RESTART) != 0u) {
        for (uint k = 0u; k < 4u; ++k) state.v[OFFSET + k] = 0.0;
        state.v[CROP] = 1.0;
    }
    if ((pc.flags & FLAG_FOLLOW) != 0u) follow(motion);
    writeMatrix();
}
