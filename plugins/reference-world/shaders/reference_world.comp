#version 450
/*
 * reference-world: a seeded procedural landscape, ray-marched once per pixel.
 *
 * The scene: rolling hills (two octaves of value noise), one landmark per cell of a square grid (a hash of seed and
 * cell picks its position in the cell, shape, colour, size and yaw, so a place looks the same whenever it is
 * revisited), a ring of hazy mountains on the horizon, sky with clouds and sun. Every frame is a pure function of
 * (seed, parameters, camera, frame size).
 *
 * Written for lavapipe (llvmpipe) first. It runs 8 pixels per SIMD vector and does not branch on `if`: both sides
 * of every condition execute under a lane mask, and a loop runs until its slowest lane is done. So the cost is
 * (all straight-line code, taken or not) + (iterations of the slowest lane) x (loop body). Hence:
 *  - two march loops, each with a small body: the hills (two noise octaves per step) and the landmarks;
 *  - landmarks are found by walking the grid cells along the ray (one hash per cell) to the next bounding
 *    cylinder, entered analytically; only inside it is the SDF evaluated, and the SDF is one parametric shape for
 *    all eight kinds (a switch over shapes would evaluate every case). Each landmark keeps a margin to its cell's
 *    walls, so stepping from wall to wall never skips a neighbour;
 *  - analytic bounds instead of steps where possible: nothing to find above the hill tops or the tallest landmark,
 *    and the distant mountains are a skyline on a ring, intersected once per pixel instead of marched;
 *  - the quality level is a specialization constant, so a level's pipeline holds only the code it runs;
 *  - no pow() or trigonometry per pixel.
 * Lighting is linear; the result is tone-mapped and sRGB-encoded into an RGBA8 UNORM image.
 */
layout(local_size_x = 8, local_size_y = 8, local_size_z = 1) in;

layout(set = 0, binding = 0, rgba8) uniform writeonly image2D uFrame;

// 0 fast, 1 balanced, 2 high. A specialization constant, so each level's pipeline contains only its own code.
layout(constant_id = 0) const uint QUALITY = 1u;

// 128 bytes: the minimum push-constant size every Vulkan device supports. Filled by reference_world.cpp.
layout(push_constant) uniform Push {
    vec4 camRight;   // c2w column 0: camera +x in world space
    vec4 camDown;    // c2w column 1: camera +y (OpenCV: down)
    vec4 camForward; // c2w column 2: camera +z
    vec4 camPos;     // c2w column 3: camera centre (w unused)
    vec4 intrinsics; // fx, fy, cx, cy in pixels
    uvec4 frame;     // width, height, seed (folded to 32 bits), reserved
    vec4 sun;        // xyz: unit vector towards the sun; w: fog density at ground level
    vec4 world;      // x: landmark spacing; yzw: reserved
} pc;

// ---- scene constants ----
const float HILL_TOP = 0.60;    // hills are 0.40*n1 + 0.18*n2 with |n| <= 1, so they never rise above this
const float HILL_SLOPE = 0.12;  // bound on |grad hills|: the largest of 36M samples of this noise was 0.109
const float LM_BASE = -1.0;     // landmarks start below the lowest ground so they always look planted
const float LM_TOP = 7.4;       // above every landmark
const float LM_RADIUS = 2.6;    // every landmark fits in this vertical cylinder around its centre
const float LM_MARGIN = 1.5;    // the cylinder keeps this gap to its cell's walls
const float CLEAR_RADIUS = 6.0; // no landmark near the origin, where every walk starts
const float RING_RADIUS = 420.0; // the mountain skyline stands on this circle around the origin
const float FOG_FALLOFF = 0.10; // fog density halves every ~7 units of height: landmark tops and peaks stay clear
const float CLOUD_HEIGHT = 220.0;
const float NONE = 1e5;         // "no such surface" distance for disabled landmark parts

const int HIT_SKY = 0;
const int HIT_TERRAIN = 1;
const int HIT_LANDMARK = 2;
const int HIT_MOUNTAIN = 3;

const int SHAPE_COUNT = 8;
const int LANDMARK_CELLS = QUALITY == 0u ? 12 : (QUALITY == 1u ? 16 : 24); // cells one walk may cross
const int PALETTE_SIZE = 10;

// Saturated hues that stay distinct from each other and from grass, sky and haze (linear RGB). A chain of selects:
// cheaper on llvmpipe than indexing a constant array.
vec3 paletteColour(int i) {
    return i == 0 ? vec3(0.75, 0.04, 0.03)   // red
         : i == 1 ? vec3(0.95, 0.30, 0.02)   // orange
         : i == 2 ? vec3(0.95, 0.72, 0.04)   // yellow
         : i == 3 ? vec3(0.01, 0.40, 0.34)   // teal
         : i == 4 ? vec3(0.04, 0.50, 0.85)   // sky blue
         : i == 5 ? vec3(0.03, 0.07, 0.55)   // deep blue
         : i == 6 ? vec3(0.32, 0.05, 0.60)   // violet
         : i == 7 ? vec3(0.80, 0.04, 0.42)   // magenta
         : i == 8 ? vec3(0.90, 0.88, 0.84)   // white
                  : vec3(0.05, 0.05, 0.06);  // black
}

// ---- hashing and noise ----

// Seed-derived salts, set once per invocation so the per-step hashes stay cheap.
uint gSaltHillA, gSaltHillB, gSaltLandmark, gSaltDetail, gSaltCloud, gSaltRidge;

uint mix32(uint h) {
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    h *= 0x846ca68bu;
    h ^= h >> 16;
    return h;
}

void initSalts() {
    uint s = mix32(pc.frame.z ^ 0x9e3779b9u);
    gSaltHillA = mix32(s + 1u);
    gSaltHillB = mix32(s + 2u);
    gSaltLandmark = mix32(s + 3u);
    gSaltDetail = mix32(s + 4u);
    gSaltCloud = mix32(s + 5u);
    gSaltRidge = mix32(s + 6u);
}

uint cellHash(ivec2 c, uint salt) { return mix32((uint(c.x) * 0x8da6b343u) ^ (uint(c.y) * 0xd8163841u) ^ salt); }

// Values in [0, 1] at the four lattice corners around cell c: the per-axis products are shared by the corners.
vec4 latticeCorners(ivec2 c, uint salt) {
    uint x0 = uint(c.x) * 0x8da6b343u, y0 = (uint(c.y) * 0xd8163841u) ^ salt;
    uint x1 = x0 + 0x8da6b343u, y1 = (uint(c.y + 1) * 0xd8163841u) ^ salt;
    uvec4 h = uvec4(x0 ^ y0, x1 ^ y0, x0 ^ y1, x1 ^ y1);
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    h *= 0x846ca68bu;
    h ^= h >> 16;
    return vec4(h >> 8) * (1.0 / 16777215.0);
}

// Value noise in [-1, 1] with a quintic fade.
float noise(vec2 p, uint salt) {
    vec2 i = floor(p);
    vec2 f = p - i;
    vec2 u = f * f * f * (f * (f * 6.0 - 15.0) + 10.0);
    vec4 v = latticeCorners(ivec2(i), salt);
    return 2.0 * mix(mix(v.x, v.y, u.x), mix(v.z, v.w, u.x), u.y) - 1.0;
}

// Same noise plus its analytic gradient: (value, d/dx, d/dy).
vec3 noiseGrad(vec2 p, uint salt) {
    vec2 i = floor(p);
    vec2 f = p - i;
    vec2 u = f * f * f * (f * (f * 6.0 - 15.0) + 10.0);
    vec2 du = 30.0 * f * f * (f * (f - 2.0) + 1.0);
    vec4 v = latticeCorners(ivec2(i), salt);
    float k1 = v.y - v.x, k2 = v.z - v.x, k3 = v.x - v.y - v.z + v.w;
    return vec3(2.0 * (v.x + k1 * u.x + k2 * u.y + k3 * u.x * u.y) - 1.0,
                2.0 * du * vec2(k1 + k3 * u.y, k2 + k3 * u.x));
}

// Periodic 1-D value noise in [-1, 1]: `period` lattice cells around the circle, x in cells.
float ringNoise(float x, float period, uint salt) {
    float i = floor(x);
    float f = x - i;
    float u = f * f * (3.0 - 2.0 * f);
    uint a = uint(mod(i, period)), b = uint(mod(i + 1.0, period));
    return 2.0 * mix(float(mix32(a ^ salt) >> 8), float(mix32(b ^ salt) >> 8), u) * (1.0 / 16777215.0) - 1.0;
}

// ---- terrain ----

float hills(vec2 xz) {
    return 0.40 * noise(xz * (1.0 / 26.0), gSaltHillA) + 0.18 * noise(xz * (1.0 / 11.0), gSaltHillB);
}

// ---- landmarks ----

// One landmark, as the parameters of a single parametric shape: a tapered prism with rounded corners (fully
// rounded: a cylinder or cone), plus one "feature" that is either added (a ball, a standing ring) or cut out (a
// round-topped doorway). The eight kinds are settings of these parameters, so the SDF costs the same whatever the
// kind: llvmpipe would evaluate every case of a switch.
struct Landmark {
    vec2 centre;     // world xz
    vec2 axis;       // unit vector: the landmark's local x axis in world xz (its yaw)
    vec3 body;       // half-width x, half-width z, top y (the prism starts at LM_BASE)
    float taper;     // section scale at the top (0: a point)
    float rounding;  // corner radius of the section at the base
    float invHeight; // 1 / (top - LM_BASE)
    float lean;      // 1 / sqrt(1 + slope^2) of the sides: turns the section distance into a bound
    vec4 feature;    // centre y, major radius, minor radius (-NONE: none), z scale (0: infinite along z)
    bool cut;        // the feature is cut out of the body instead of added
    int colour;      // palette index
    bool present;    // false inside the clear area around the origin
};

ivec2 cellOf(vec2 xz) { return ivec2(floor(xz * (1.0 / pc.world.x))); }

// Where the landmark of a cell stands (xz), and whether it exists: the cheap part of landmarkOf, all that the
// walk from cell to cell needs.
vec2 landmarkCentre(ivec2 cell, uint h0, out bool present) {
    float spacing = pc.world.x;
    float jitter = 0.5 * spacing - LM_RADIUS - LM_MARGIN; // keeps the cylinder inside the cell with the margin
    vec2 c = (vec2(cell) + 0.5) * spacing + (vec2(h0 & 0xffffu, h0 >> 16) * (2.0 / 65535.0) - 1.0) * jitter;
    present = length(c) > CLEAR_RADIUS + LM_RADIUS;
    return c;
}

// A cell's landmark comes from three hashes: h0 places it, h1 = mix32(h0 ^ H1_KEY) picks kind, height, size and
// colour, h2 = mix32(h1 ^ H2_KEY) its yaw.
const uint H1_KEY = 0x68e31da4u;
const uint H2_KEY = 0xb5297a4du;
int landmarkShape(uint h1) { return int(h1 % uint(SHAPE_COUNT)); }
float landmarkHeight(uint h1) { return 2.0 + 5.0 * float((h1 >> 8) & 0xffu) / 255.0; } // top above y = 0
float landmarkSize(uint h1) { return float((h1 >> 16) & 0xffu) / 255.0; }          // within the kind's range

// Radius and top of a landmark's bounding cylinder, from its kind and size only, so the cell walk can skip rays
// that pass a slim landmark or fly over a short one without building the whole shape. Each radius range bounds
// the shape's extent in xz over its size range (see landmarkOf).
vec2 landmarkBound(uint h1) {
    int shape = landmarkShape(h1);
    vec2 r = shape == 0 ? vec2(1.30, 2.07)  // orb: plinth diagonal
           : shape == 1 ? vec2(0.85, 1.56)  // tower
           : shape == 2 ? vec2(1.84, 2.54)  // ring
           : shape == 3 ? vec2(0.60, 0.85)  // pillar: its ball
           : shape == 4 ? vec2(1.20, 2.20)  // cone
           : shape == 5 ? vec2(1.46, 2.24)  // arch
           : shape == 6 ? vec2(1.56, 2.48)  // pyramid
                        : vec2(0.64, 1.07); // obelisk
    float h = landmarkHeight(h1);
    return vec2(mix(r.x, r.y, landmarkSize(h1)) + 0.02, shape == 2 ? max(h, 2.7) : h);
}

Landmark landmarkOf(ivec2 cell) {
    uint h0 = cellHash(cell, gSaltLandmark);
    uint h1 = mix32(h0 ^ H1_KEY);
    uint h2 = mix32(h1 ^ H2_KEY);
    Landmark l;
    l.centre = landmarkCentre(cell, h0, l.present);
    l.axis = normalize(vec2(h2 & 0xffu, (h2 >> 8) & 0xffu) - 127.5); // a yaw without trigonometry
    int shape = landmarkShape(h1);
    l.colour = int((h1 >> 24) % uint(PALETTE_SIZE));
    float h = landmarkHeight(h1);
    float k = landmarkSize(h1);

    l.taper = 1.0;
    l.rounding = 0.05;
    l.feature = vec4(0.0, 0.0, -NONE, 1.0);
    l.cut = false;
    if (shape == 0) { // orb on a plinth
        float r = min(mix(0.8, 1.4, k), 0.5 * (h - 0.4));
        float w = 0.9 * r + 0.2;
        l.body = vec3(w, w, h - 2.0 * r);
        l.feature = vec4(h - r, 0.0, r, 1.0);
    } else if (shape == 1) { // tower
        float w = mix(0.6, 1.1, k);
        l.body = vec3(w, w, h);
        l.taper = 0.8;
    } else if (shape == 2) { // ring standing on a small base
        float r = 0.34;
        float R = clamp(0.5 * (h - 0.2) - r, 0.9, mix(1.5, 2.2, k));
        l.body = vec3(0.7, 0.5, 0.45);
        l.feature = vec4(0.2 + r + R, R, r, 1.0);
    } else if (shape == 3) { // pillar with a ball on top
        float r = mix(0.3, 0.55, k), b = r + 0.3;
        l.body = vec3(r, r, h - 2.0 * b + 0.2);
        l.rounding = r;
        l.feature = vec4(h - b, 0.0, b, 1.0);
    } else if (shape == 4) { // cone
        float r = mix(1.2, 2.2, k);
        l.body = vec3(r, r, h);
        l.taper = 0.0;
        l.rounding = r;
    } else if (shape == 5) { // arch: a wall with a round-topped doorway
        float w = mix(1.4, 2.2, k);
        float r = min(w - 0.55, 0.5 * (h - 0.9));
        l.body = vec3(w, 0.42, h);
        l.feature = vec4(h - 0.6 - r, 0.0, r, 0.0);
        l.cut = true;
    } else if (shape == 6) { // pyramid
        float w = mix(1.1, 1.75, k);
        l.body = vec3(w, w, h);
        l.taper = 0.0;
        l.rounding = 0.0;
    } else { // obelisk
        float w = mix(0.45, 0.75, k);
        l.body = vec3(w, w, h);
        l.taper = 0.25;
        l.rounding = 0.03;
    }
    l.invHeight = 1.0 / (l.body.z - LM_BASE);
    float slope = l.body.x * (1.0 - l.taper) * l.invHeight;
    l.lean = inversesqrt(1.0 + slope * slope);
    return l;
}

vec3 landmarkLocal(vec3 p, Landmark l) {
    vec2 o = p.xz - l.centre;
    return vec3(dot(o, l.axis), p.y, dot(o, vec2(-l.axis.y, l.axis.x)));
}

// Distance from the local point q to the rounded rectangle of half-widths e and corner radius r (2D).
float roundedRect(vec2 q, vec2 e, float r) {
    vec2 a = abs(q) - e + r;
    return length(max(a, 0.0)) + min(max(a.x, a.y), 0.0) - r;
}

// Signed distance to the landmark, or a bound of it (tapered sides, and max() where edges meet).
float landmarkSdf(vec3 p, Landmark l) {
    vec3 q = landmarkLocal(p, l);
    float scale = mix(1.0, l.taper, clamp((q.y - LM_BASE) * l.invHeight, 0.0, 1.0));
    float side = roundedRect(q.xz, l.body.xy * scale, l.rounding * scale) * l.lean;
    float d = max(side, max(LM_BASE - q.y, q.y - l.body.z));
    vec2 f = vec2(q.x, q.y - l.feature.x);
    float feature = length(vec2(length(f) - l.feature.y, q.z * l.feature.w)) - l.feature.z;
    float doorway = min(feature, max(abs(q.x) - l.feature.z, f.y)); // round top over a straight-sided opening
    return l.cut ? max(d, -doorway) : min(d, feature);
}

// Distance in xz from the landmark's base section (for the ground's contact shadow).
float landmarkBaseDistance(vec2 xz, Landmark l) {
    return roundedRect(landmarkLocal(vec3(xz.x, 0.0, xz.y), l).xz, l.body.xy, l.rounding);
}

// Forward differences from the hit point, whose distance `d` the march already knows: three evaluations.
vec3 landmarkNormal(vec3 p, float d, Landmark l) {
    const float e = 0.002;
    return normalize(vec3(landmarkSdf(p + vec3(e, 0.0, 0.0), l), landmarkSdf(p + vec3(0.0, e, 0.0), l),
                          landmarkSdf(p + vec3(0.0, 0.0, e), l)) - d);
}

// Distance along the ray from p to the wall where it leaves `cell`.
float cellExit(vec3 p, vec3 rd, ivec2 cell) {
    vec2 dir = vec2(rd.x >= 0.0 ? max(rd.x, 1e-7) : rd.x, rd.z >= 0.0 ? max(rd.z, 1e-7) : rd.z);
    vec2 wall = (vec2(cell) + step(0.0, dir)) * pc.world.x;
    vec2 t = (wall - p.xz) / dir;
    return max(min(t.x, t.y), 0.0);
}

// Ray parameters [enter, exit] inside the vertical cylinder of radius R around c (enter > exit: never inside).
vec2 cylinderSpan(vec3 ro, vec3 rd, vec2 c, float R) {
    vec2 o = ro.xz - c;
    float a = max(dot(rd.xz, rd.xz), 1e-12), b = dot(o, rd.xz), k = dot(o, o) - R * R;
    float disc = b * b - a * k;
    float s = sqrt(max(disc, 0.0));
    return disc < 0.0 ? vec2(1e9, -1e9) : vec2(-b - s, -b + s) / a;
}

// Walks the landmark cells along the ray from t until it meets a landmark's bounding cylinder (a cylinder lies
// inside its cell, so the ray cannot leave the cell first). Returns that cell's cylinder span; t is left at the
// cell where the walk stopped. Cells are left at their wall plus most of the margin: any neighbour's cylinder is at
// least the margin beyond the wall.
vec2 nextCylinder(vec3 ro, vec3 rd, inout float t, float tEnd, int maxCells, out ivec2 cell) {
    vec2 span = vec2(1e9, -1e9);
    cell = ivec2(0);
    for (int i = 0; i < maxCells && t < tEnd; ++i) {
        vec3 p = ro + rd * t;
        cell = cellOf(p.xz);
        uint h0 = cellHash(cell, gSaltLandmark);
        bool present;
        vec2 c = landmarkCentre(cell, h0, present);
        vec2 bound = landmarkBound(mix32(h0 ^ H1_KEY));
        span = present ? cylinderSpan(ro, rd, c, bound.x) : vec2(1e9, -1e9);
        // Only the part of the cylinder below the landmark's top counts.
        float tTop = (bound.y - ro.y) / rd.y;
        if (rd.y > 0.0) span.y = min(span.y, tTop);
        if (rd.y < 0.0) span.x = max(span.x, tTop);
        if (span.y > max(t, span.x)) break;
        t += cellExit(p, rd, cell) + 0.9 * LM_MARGIN;
    }
    return span;
}

// ---- ray marching ----
// Two loops rather than one: the hills need only noise per step, the landmarks only their cell's SDF. In one loop
// every step would pay for both (llvmpipe runs both under masks), and most steps are needed by only one of them.

// Hills: distance to the first hit, or -1. Steps are bounded by the slope; nothing is searched above the hill tops.
float marchHills(vec3 ro, vec3 rd, float tmax, int maxSteps, float pixelAngle) {
    float closing = HILL_SLOPE * length(rd.xz) - rd.y; // how fast the gap to the hills can shrink per unit t
    float t = ro.y <= HILL_TOP ? 0.0 : (rd.y < 0.0 ? (ro.y - HILL_TOP) / -rd.y : tmax);
    for (int i = 0; i < maxSteps && t < tmax; ++i) {
        vec3 p = ro + rd * t;
        float gap = p.y - hills(p.xz);
        if (gap < max(pixelAngle * t, 0.002)) return t;
        t += max(closing > 1e-6 ? gap / closing : 1e6, 0.0005 * t);
    }
    // Out of steps while heading down: the ground is close below, so call it ground rather than punch a hole of
    // sky into it.
    return rd.y < 0.0 && t < tmax ? t : -1.0;
}

// Landmarks up to tEnd: distance to the first hit, or -1, and the SDF there in `surface`. Only the slab below
// LM_TOP is searched. Two phases per round, so that the costly SDF runs only inside a bounding cylinder: walk the
// cells (cheap: one hash each) to the next cylinder, then sphere-trace that one landmark through it.
float marchLandmarks(vec3 ro, vec3 rd, float tEnd, float pixelAngle, out float surface) {
    const int rounds = QUALITY == 0u ? 2 : (QUALITY == 1u ? 3 : 4);
    const int cells = LANDMARK_CELLS;
    const int sdfSteps = QUALITY == 0u ? 16 : (QUALITY == 1u ? 24 : 40);
    float t = ro.y <= LM_TOP ? 0.0 : (rd.y < 0.0 ? (ro.y - LM_TOP) / -rd.y : tEnd);
    if (rd.y > 0.0) tEnd = min(tEnd, (LM_TOP - ro.y) / rd.y);
    surface = NONE;
    for (int round = 0; round < rounds && t < tEnd; ++round) {
        ivec2 cell;
        vec2 span = nextCylinder(ro, rd, t, tEnd, cells, cell);
        if (span.y <= max(t, span.x)) break; // ran out of cells (or of distance) without meeting a cylinder
        Landmark l = landmarkOf(cell);
        t = max(t, span.x);
        float tOut = min(span.y, tEnd);
        for (int i = 0; i < sdfSteps && t < tOut; ++i) {
            float d = landmarkSdf(ro + rd * t, l);
            if (t == 0.0 && d < 0.0) break; // the camera is inside this landmark: look out through it
            if (d < 0.5 * pixelAngle * t + 0.001) {
                surface = d;
                return t;
            }
            t += d;
        }
        t = max(t, span.y) + 0.01; // passed this landmark by: on to the next cell
    }
    return -1.0;
}

struct Hit {
    int kind;
    float t;
    float surface; // the landmark SDF at the hit point
};

Hit march(vec3 ro, vec3 rd, float tmax, float tLandmarks, float pixelAngle) {
    const int hillSteps = QUALITY == 0u ? 28 : (QUALITY == 1u ? 48 : 80);
    float tHills = marchHills(ro, rd, tmax, hillSteps, pixelAngle);
    float surface;
    float tLandmark = marchLandmarks(ro, rd, min(tHills >= 0.0 ? tHills : tmax, tLandmarks), pixelAngle, surface);
    if (tLandmark >= 0.0) return Hit(HIT_LANDMARK, tLandmark, surface);
    if (tHills >= 0.0) return Hit(HIT_TERRAIN, tHills, 0.0);
    return Hit(HIT_SKY, tmax, 0.0);
}

// Soft shadow from landmarks (hills are too gentle to shadow themselves visibly), penumbra from the closest
// approach. Only in `high`.
float landmarkShadow(vec3 ro, vec3 l) {
    float res = 1.0;
    float t = 0.05;
    float tEnd = min(60.0, max(LM_TOP - ro.y, 0.0) / max(l.y, 0.05));
    for (int round = 0; round < 2 && t < tEnd; ++round) {
        ivec2 cell;
        vec2 span = nextCylinder(ro, l, t, tEnd, 6, cell);
        if (span.y <= max(t, span.x)) break;
        Landmark lm = landmarkOf(cell);
        t = max(t, span.x);
        for (int i = 0; i < 24 && t < span.y; ++i) {
            float d = landmarkSdf(ro + l * t, lm);
            res = min(res, 8.0 * d / t);
            t += max(d, 0.04);
        }
        if (res < 0.02) break;
        t = max(t, span.y) + 0.01;
    }
    return smoothstep(0.0, 1.0, res);
}

// ---- distant mountains: a skyline on a ring around the origin ----

// Distance along the ray to the ring (from inside it: where the ray leaves the disc), or 1e9.
float ringDistance(vec3 ro, vec3 rd) {
    float a = max(dot(rd.xz, rd.xz), 1e-12), b = dot(ro.xz, rd.xz);
    float c = dot(ro.xz, ro.xz) - RING_RADIUS * RING_RADIUS;
    float disc = b * b - a * c;
    if (disc < 0.0) return 1e9;
    float s = sqrt(disc);
    return c < 0.0 ? (-b + s) / a : ((-b - s) / a > 0.0 ? (-b - s) / a : 1e9);
}

// The skyline at the point xz of the ring: peak height, slope along the ring (height per unit of `x`), and a
// gully pattern for shading. x runs 0..48 around the circle.
vec3 skyline(vec2 xz) {
    // Angle as a fraction of the circle without atan: the pseudo-angle is monotonic, which is all noise needs.
    vec2 d = xz / (abs(xz.x) + abs(xz.y));
    float turn = (xz.y >= 0.0 ? 1.0 - d.x : 3.0 + d.x) * 0.25; // 0..1 around the circle
    float x = turn * 48.0;
    const float e = 0.05;
    float n1 = 1.0 - abs(ringNoise(x, 48.0, gSaltRidge));
    float n1b = 1.0 - abs(ringNoise(x + e, 48.0, gSaltRidge));
    float n2 = ringNoise(x * 3.0, 144.0, gSaltRidge ^ 0x1b873593u);
    float n3 = QUALITY > 0u ? ringNoise(x * 11.0, 528.0, gSaltRidge ^ 0xcc9e2d51u) : 0.0; // `fast`: smoother
    float height = 12.0 + 38.0 * n1 * n1 + 6.0 * n2 + 2.0 * n3;
    return vec3(height, 38.0 * (n1b * n1b - n1 * n1) / e, n3);
}

// ---- sky, fog and lighting (linear light; ~1 is a bright surface before tone mapping) ----

const vec3 SUN_COLOUR = vec3(1.0, 0.90, 0.76) * 1.9;
const vec3 ZENITH = vec3(0.035, 0.11, 0.34);
const vec3 HORIZON = vec3(0.34, 0.45, 0.60);

float pow8(float x) {
    x *= x;
    x *= x;
    return x * x;
}

vec3 fogColour(vec3 rd) {
    float mu = max(dot(rd, pc.sun.xyz), 0.0);
    return HORIZON + vec3(0.40, 0.26, 0.10) * 0.6 * pow8(mu); // haze glows towards the sun
}

vec3 skyColour(vec3 ro, vec3 rd) {
    float y = max(rd.y, 0.0);
    vec3 col = mix(fogColour(rd), ZENITH, sqrt(y));
    float mu = max(dot(rd, pc.sun.xyz), 0.0);
    float mu8 = pow8(mu);
    col += vec3(1.0, 0.8, 0.55) * 0.3 * pow8(mu8);
    // Clouds on a plane high above: three octaves of noise, fading into the haze towards the horizon.
    vec2 uv = (ro.xz + rd.xz * ((CLOUD_HEIGHT - ro.y) / max(rd.y, 0.01))) * (1.0 / 260.0);
    float n = 0.58 * noise(uv, gSaltCloud) + 0.29 * noise(uv * 2.1 + 3.7, gSaltCloud ^ 1u);
    if (QUALITY > 0u) n += 0.15 * noise(uv * 4.7 + 1.3, gSaltCloud ^ 2u); // `fast`: softer clouds
    float cover = smoothstep(0.02, 0.5, n) * smoothstep(0.01, 0.22, rd.y);
    vec3 cloud = mix(vec3(0.90, 0.92, 0.96), vec3(0.50, 0.55, 0.64), smoothstep(0.25, 0.75, n));
    cloud += vec3(0.4, 0.3, 0.18) * 0.6 * mu8;
    col = mix(col, cloud, cover * 0.9);
    col += vec3(1.6, 1.4, 1.1) * smoothstep(0.99975, 0.99990, mu); // the sun disc
    return col;
}

// Exponential height fog integrated along the ray (density pc.sun.w at y = 0, falling off with height).
float fogAmount(vec3 ro, vec3 rd, float t) {
    float k = FOG_FALLOFF * rd.y * t;
    float shape = abs(k) > 1e-4 ? (1.0 - exp(-k)) / k : 1.0;
    return 1.0 - exp(-pc.sun.w * exp(-FOG_FALLOFF * ro.y) * t * shape);
}

vec3 ambientLight(vec3 n) {
    vec3 sky = vec3(0.20, 0.28, 0.42) * (0.65 + 0.35 * n.y);
    vec3 bounce = vec3(0.09, 0.10, 0.04) * (0.5 - 0.5 * n.y);
    return sky + bounce;
}

struct Surface {
    vec3 normal;
    vec3 albedo;
    float occlusion; // ambient occlusion hint
    float gloss;     // strength of the sun highlight
};

Surface terrainSurface(vec3 p, float footprint, Landmark l) {
    vec2 xz = p.xz;
    // The marched octaves plus smaller ones for the normal and the texture; these fade out as they shrink below
    // the pixel size, so the distance does not shimmer.
    vec3 a = noiseGrad(xz * (1.0 / 26.0), gSaltHillA);
    vec3 b = noiseGrad(xz * (1.0 / 11.0), gSaltHillB);
    vec3 c = vec3(0.0), d = vec3(0.0);
    float e = 0.0;
    if (QUALITY > 0u) { // `fast` does without the small octaves
        c = (1.0 - smoothstep(1.0, 3.0, footprint)) * noiseGrad(xz * (1.0 / 3.1), gSaltDetail);
        // The small octaves run on rotated axes so that their lattices do not line up into visible squares.
        vec2 r = mat2(0.8, 0.6, -0.6, 0.8) * xz;
        d = (1.0 - smoothstep(0.1, 0.35, footprint)) * noiseGrad(r * (1.0 / 0.45), gSaltDetail ^ 0x5bd1e995u);
        d.yz = d.yz * mat2(0.8, 0.6, -0.6, 0.8); // gradient back to world axes
        e = (1.0 - smoothstep(0.02, 0.07, footprint)) * noise(r.yx * (1.0 / 0.085), gSaltDetail ^ 0x2545f491u);
    }
    vec2 grad = 0.40 / 26.0 * a.yz + 0.18 / 11.0 * b.yz + 0.07 / 3.1 * c.yz + 0.012 / 0.45 * d.yz;
    Surface s;
    s.normal = normalize(vec3(-grad.x, 1.0, -grad.y));

    // Lush grass in the hollows, drier and lighter on the crests, bare earth in patches and on slopes.
    float dryness = clamp(0.5 + 0.9 * a.x - 0.6 * b.x, 0.0, 1.0);
    vec3 grass = mix(vec3(0.045, 0.15, 0.02), vec3(0.15, 0.20, 0.04), dryness);
    vec3 earth = vec3(0.22, 0.16, 0.085);
    s.albedo = mix(grass, earth, smoothstep(0.5, 0.95, 0.5 * c.x + 0.6 * dryness) * 0.75);
    s.albedo = mix(s.albedo, earth, smoothstep(0.08, 0.25, 1.0 - s.normal.y));
    // Texture: clumps (d) and blades (e) of grass, so that motion reads on flat ground.
    s.albedo *= (1.0 + 0.25 * d.x) * (1.0 + 0.2 * e);

    // Landmarks darken the ground around their foot (own cell only; the margin keeps this seamless).
    float near = l.present ? landmarkBaseDistance(xz, l) : 10.0;
    s.occlusion = mix(0.45, 1.0, smoothstep(0.0, 1.6, near));
    s.gloss = 0.0;
    return s;
}

Surface landmarkSurface(vec3 p, float d, Landmark l) {
    Surface s;
    s.normal = landmarkNormal(p, d, l);
    float ground = hills(l.centre);
    s.albedo = paletteColour(l.colour) * mix(0.6, 1.0, smoothstep(ground - 0.1, ground + 0.6, p.y)); // dusty foot
    // Undersides and the parts near the ground get less sky.
    s.occlusion = (0.5 + 0.5 * smoothstep(ground - 0.5, ground + 1.5, p.y)) * (0.75 + 0.25 * s.normal.y);
    s.gloss = 1.0;
    return s;
}

Surface mountainSurface(vec3 p, vec3 ridge) {
    // The skyline is a wall facing the origin; tilting its normal back, turning it with the slope of the ridge
    // and with a gully pattern gives the sun something to model.
    vec2 inward = -normalize(p.xz);
    vec2 along = vec2(-inward.y, inward.x);
    float rise = clamp(p.y / ridge.x, 0.0, 1.0);
    vec2 facing = inward * 0.7 + along * clamp(-0.02 * ridge.y + 0.5 * ridge.z, -0.8, 0.8);
    Surface s;
    s.normal = normalize(vec3(facing.x, 0.45 + 0.35 * (1.0 - rise), facing.y));
    float snow = smoothstep(0.80, 0.86, rise + 0.06 * ridge.z) * smoothstep(34.0, 44.0, ridge.x);
    s.albedo = mix(vec3(0.09, 0.10, 0.12), vec3(0.62, 0.66, 0.72), snow);
    s.occlusion = 0.55 + 0.45 * rise;
    s.gloss = 0.0;
    return s;
}

vec3 light(Surface s, vec3 rd, float shadow) {
    float sunLight = max(dot(s.normal, pc.sun.xyz), 0.0) * shadow;
    vec3 col = s.albedo * (SUN_COLOUR * sunLight * mix(1.0, s.occlusion, 0.5) + ambientLight(s.normal) * s.occlusion);
    vec3 hv = normalize(pc.sun.xyz - rd);
    float spec = pow8(max(dot(s.normal, hv), 0.0));
    col += SUN_COLOUR * 0.10 * s.gloss * spec * spec * sunLight; // glossy paint on landmarks
    float rim = 1.0 - max(dot(s.normal, -rd), 0.0);
    rim *= rim;
    col += vec3(0.30, 0.38, 0.5) * 0.3 * s.gloss * rim * rim * s.occlusion; // sky rim on landmarks
    return col;
}

// ---- output ----

vec3 toneMap(vec3 x) { // ACES fit (Narkowicz 2015)
    return clamp((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), 0.0, 1.0);
}

// sRGB encoding via three square roots (Taylor's fit, error < 0.3 %): far cheaper than pow() on a CPU rasterizer.
vec3 linearToSrgb(vec3 c) {
    vec3 s1 = sqrt(c), s2 = sqrt(s1), s3 = sqrt(s2);
    return clamp(0.662002687 * s1 + 0.684122060 * s2 - 0.323583601 * s3 - 0.0225411470 * c, 0.0, 1.0);
}

void main() {
    uvec2 px = gl_GlobalInvocationID.xy;
    if (px.x >= pc.frame.x || px.y >= pc.frame.y) return;
    initSalts();

    // Pixel centre -> OpenCV camera ray -> world ray.
    vec2 uv = vec2(px) + 0.5;
    vec3 dCam = vec3((uv.x - pc.intrinsics.z) / pc.intrinsics.x, (uv.y - pc.intrinsics.w) / pc.intrinsics.y, 1.0);
    vec3 rd = normalize(mat3(pc.camRight.xyz, pc.camDown.xyz, pc.camForward.xyz) * dCam);
    vec3 ro = pc.camPos.xyz;
    float pixelAngle = 1.0 / min(pc.intrinsics.x, pc.intrinsics.y);

    // Where the ray can stop looking: at the mountain ring, where fog hides everything (~8 optical depths), or,
    // heading up, once it clears the tallest landmark.
    float tRing = ringDistance(ro, rd);
    float tmax = min(tRing, 8.0 / max(pc.sun.w, 1e-5));
    if (rd.y > 0.0) tmax = min(tmax, max(LM_TOP - ro.y, 0.0) / rd.y);

    // Landmarks are searched only as far as the haze lets them show (3 optical depths at eye level) and the cell
    // walk reaches (a diagonal ray crosses up to sqrt(2) cells per spacing). They fade out completely before that
    // range, so they never pop in.
    float landmarkRange = min(3.0 / max(pc.sun.w * exp(-FOG_FALLOFF * ro.y), 1e-5),
                              float(LANDMARK_CELLS - 2) * pc.world.x * 0.7071);
    Hit hit = march(ro, rd, tmax, landmarkRange, pixelAngle);
    vec3 p = ro + rd * hit.t;

    // A ray that found nothing may still meet the mountains' skyline on the ring.
    vec3 q = ro + rd * tRing;
    vec3 ridge = skyline(q.xz);
    if (hit.kind == HIT_SKY && tRing < 1e8 && q.y < ridge.x && rd.y > -0.5) {
        hit = Hit(HIT_MOUNTAIN, tRing, 0.0);
        p = q;
    }

    // Every surface kind is shaded and the right one picked: llvmpipe executes all branches anyway.
    Landmark l = landmarkOf(cellOf(p.xz));
    Surface s = terrainSurface(p, pixelAngle * hit.t, l);
    if (hit.kind == HIT_LANDMARK) s = landmarkSurface(p, hit.surface, l);
    if (hit.kind == HIT_MOUNTAIN) s = mountainSurface(p, ridge);
    float shadow = QUALITY >= 2u ? landmarkShadow(p + s.normal * 0.03, pc.sun.xyz) : 1.0;
    vec3 col = light(s, rd, shadow);
    float fog = fogAmount(ro, rd, hit.t);
    // Artistic licence: the mountains get a thinner haze, so that their bodies read as blue silhouettes rather than
    // only their snow floating above the horizon.
    if (hit.kind == HIT_MOUNTAIN) fog = 1.0 - sqrt(1.0 - fog);
    if (hit.kind == HIT_LANDMARK) fog = max(fog, smoothstep(0.7 * landmarkRange, landmarkRange, hit.t));
    col = mix(col, fogColour(rd), fog);
    if (hit.kind == HIT_SKY) col = skyColour(ro, rd);
    // A little extra saturation makes up for what the tone curve and the haze take away.
    col = max(mix(vec3(dot(col, vec3(0.2126, 0.7152, 0.0722))), col, 1.12), 0.0);
    imageStore(uFrame, ivec2(px), vec4(linearToSrgb(toneMap(col)), 1.0));
}
