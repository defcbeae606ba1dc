#version 450
/*
 * reference-world: a seeded procedural landscape, ray-marched once per pixel.
 *
 * The scene is rolling hills (value noise), a ring of hazy mountains far away, and one landmark per cell of a square
 * grid: a hash of (seed, cell) picks its position inside the cell, shape, colour, size and yaw, so every place looks
 * the same whenever it is revisited. Every frame is a pure function of (seed, parameters, camera, size).
 *
 * Speed matters more than physical accuracy: this runs on lavapipe (CPU) too. The march therefore
 *  - jumps through empty space with analytic bounds (hills never rise above HILL_TOP, landmarks live in a cylinder),
 *  - visits landmark cells one by one and only evaluates the landmark of the cell the sample is in, clamping steps to
 *    the cell wall so a neighbour's landmark is never skipped,
 *  - evaluates two noise octaves while marching and adds detail only for the final normal and colour.
 * Lighting is computed in linear light, tone-mapped, then sRGB-encoded into an RGBA8 UNORM image.
 */
layout(local_size_x = 8, local_size_y = 8, local_size_z = 1) in;

layout(set = 0, binding = 0, rgba8) uniform writeonly image2D uFrame;

// 128 bytes: the minimum push-constant size every Vulkan device supports. Filled by reference_world.cpp.
layout(push_constant) uniform Push {
    vec4 camRight;   // c2w column 0: camera +x in world space
    vec4 camDown;    // c2w column 1: camera +y (OpenCV: down)
    vec4 camForward; // c2w column 2: camera +z
    vec4 camPos;     // c2w column 3: camera centre (w unused)
    vec4 intrinsics; // fx, fy, cx, cy in pixels
    uvec4 frame;     // width, height, seed (folded to 32 bits), quality (0 fast, 1 balanced, 2 high)
    vec4 sun;        // xyz: unit vector towards the sun; w: fog density at ground level
    vec4 world;      // x: landmark spacing; yzw: reserved
} pc;

// ---- scene constants ----
const float HILL_TOP = 0.60;     // hills are 0.40*n1 + 0.18*n2 with |n| <= 1, so they never rise above this
const float HILL_SLOPE = 0.12;   // max |grad hills|: 0.109 measured over 36M samples of this noise
const float MTN_START = 250.0;   // mountains begin at this distance from the origin...
const float MTN_FULL = 340.0;    // ...and reach full height here
const float MTN_TOP = 52.0;      // above every mountain
const float MTN_SLOPE = 1.0;     // typical (not worst-case) mountain slope: small errors there are hidden by haze
const float LM_BASE = -1.0;      // landmarks start below the lowest ground so they always look planted
const float LM_TOP = 7.4;        // above every landmark
const float LM_RADIUS = 2.6;     // every landmark fits in this vertical cylinder around its centre
const float LM_MARGIN = 1.5;     // the cylinder keeps this gap to its cell's walls
const float CLEAR_RADIUS = 6.0;  // no landmark near the origin, where every walk starts
const float FOG_FALLOFF = 0.06;  // fog density halves every ~11.5 units of height: far peaks stay visible
const float CLOUD_HEIGHT = 220.0;
const float TMAX = 700.0;

const int HIT_NONE = 0;
const int HIT_TERRAIN = 1;
const int HIT_LANDMARK = 2;

const int SHAPE_COUNT = 7;
const int PALETTE_SIZE = 10;
// Saturated hues that stay distinct from each other and from grass, sky and haze (linear RGB).
const vec3 PALETTE[PALETTE_SIZE] = vec3[](
    vec3(0.78, 0.05, 0.04),  // red
    vec3(0.95, 0.32, 0.02),  // orange
    vec3(0.95, 0.74, 0.04),  // yellow
    vec3(0.02, 0.45, 0.40),  // teal
    vec3(0.05, 0.55, 0.85),  // sky blue
    vec3(0.03, 0.08, 0.60),  // deep blue
    vec3(0.35, 0.06, 0.62),  // violet
    vec3(0.80, 0.05, 0.45),  // magenta
    vec3(0.92, 0.90, 0.86),  // white
    vec3(0.06, 0.06, 0.07)); // black

// ---- hashing and noise ----

// Seed-derived salts, set once per invocation so the per-step hashes stay cheap.
uint gSaltHillA, gSaltHillB, gSaltMtnA, gSaltMtnB, gSaltLandmark, gSaltDetail, gSaltCloud;

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
    gSaltMtnA = mix32(s + 3u);
    gSaltMtnB = mix32(s + 4u);
    gSaltLandmark = mix32(s + 5u);
    gSaltDetail = mix32(s + 6u);
    gSaltCloud = mix32(s + 7u);
}

uint latticeHash(ivec2 c, uint salt) { return mix32((uint(c.x) * 0x8da6b343u) ^ (uint(c.y) * 0xd8163841u) ^ salt); }

float latticeValue(ivec2 c, uint salt) { return float(latticeHash(c, salt) >> 8) * (1.0 / 16777215.0); }

// Value noise in [-1, 1] with a quintic fade. Its gradient is at most 5.3 per lattice unit.
float noise(vec2 p, uint salt) {
    vec2 i = floor(p);
    vec2 f = p - i;
    vec2 u = f * f * f * (f * (f * 6.0 - 15.0) + 10.0);
    ivec2 c = ivec2(i);
    float a = latticeValue(c, salt);
    float b = latticeValue(c + ivec2(1, 0), salt);
    float d = latticeValue(c + ivec2(0, 1), salt);
    float e = latticeValue(c + ivec2(1, 1), salt);
    return 2.0 * mix(mix(a, b, u.x), mix(d, e, u.x), u.y) - 1.0;
}

// Same noise plus its analytic gradient: (value, d/dx, d/dy).
vec3 noiseGrad(vec2 p, uint salt) {
    vec2 i = floor(p);
    vec2 f = p - i;
    vec2 u = f * f * f * (f * (f * 6.0 - 15.0) + 10.0);
    vec2 du = 30.0 * f * f * (f * (f - 2.0) + 1.0);
    ivec2 c = ivec2(i);
    float a = latticeValue(c, salt);
    float b = latticeValue(c + ivec2(1, 0), salt);
    float d = latticeValue(c + ivec2(0, 1), salt);
    float e = latticeValue(c + ivec2(1, 1), salt);
    float k1 = b - a, k2 = d - a, k3 = a - b - d + e;
    float v = a + k1 * u.x + k2 * u.y + k3 * u.x * u.y;
    return vec3(2.0 * v - 1.0, 2.0 * du * vec2(k1 + k3 * u.y, k2 + k3 * u.x));
}

// ---- terrain ----

float hills(vec2 xz) {
    return 0.40 * noise(xz * (1.0 / 26.0), gSaltHillA) + 0.18 * noise(xz * (1.0 / 11.0), gSaltHillB);
}

float mountains(vec2 xz) {
    float ramp = smoothstep(MTN_START, MTN_FULL, length(xz));
    if (ramp <= 0.0) return 0.0;
    float ridge = 1.0 - abs(noise(xz * (1.0 / 70.0), gSaltMtnA));
    float detail = noise(xz * (1.0 / 23.0), gSaltMtnB);
    return ramp * (10.0 + 34.0 * ridge * ridge + 6.0 * detail);
}

// Height and gradient (xz) used for shading: the marched surface plus two small octaves that fade out once they
// are smaller than a pixel (footprint: world size of one pixel at the hit), so distant ground does not shimmer.
vec3 terrainShadingHeight(vec2 xz, float footprint) {
    vec3 a = noiseGrad(xz * (1.0 / 26.0), gSaltHillA);
    vec3 b = noiseGrad(xz * (1.0 / 11.0), gSaltHillB);
    vec3 h = vec3(0.40 * a.x + 0.18 * b.x, 0.40 / 26.0 * a.yz + 0.18 / 11.0 * b.yz);
    float fadeC = 1.0 - smoothstep(0.4, 1.2, footprint / 3.1);
    float fadeD = 1.0 - smoothstep(0.4, 1.2, footprint / 0.9);
    if (fadeC > 0.0) {
        vec3 c = noiseGrad(xz * (1.0 / 3.1), gSaltDetail);
        h += fadeC * vec3(0.07 * c.x, 0.07 / 3.1 * c.yz);
    }
    if (fadeD > 0.0) {
        vec3 d = noiseGrad(xz * (1.0 / 0.9), gSaltDetail ^ 0x5bd1e995u);
        h += fadeD * vec3(0.018 * d.x, 0.018 / 0.9 * d.yz);
    }
    if (length(xz) > MTN_START) {
        // Mountains are rare on screen: central differences are simpler than their analytic gradient.
        const float e = 0.25;
        float m = mountains(xz);
        h += vec3(m, (mountains(xz + vec2(e, 0.0)) - mountains(xz - vec2(e, 0.0))) / (2.0 * e),
                  (mountains(xz + vec2(0.0, e)) - mountains(xz - vec2(0.0, e))) / (2.0 * e));
    }
    return h;
}

// ---- landmarks ----

struct Landmark {
    vec2 centre;  // world xz
    float height; // top above y = 0: 2..7
    float size;   // 0..1, widens the shape
    float yaw;    // radians
    int shape;    // 0..SHAPE_COUNT-1
    int colour;   // palette index
    bool present; // false inside the clear area around the origin
};

ivec2 cellOf(vec2 xz) { return ivec2(floor(xz / pc.world.x)); }

Landmark landmarkOf(ivec2 cell) {
    float spacing = pc.world.x;
    float jitter = 0.5 * spacing - LM_RADIUS - LM_MARGIN; // keeps the cylinder inside the cell with the margin
    uint h0 = latticeHash(cell, gSaltLandmark);
    uint h1 = mix32(h0 ^ 0x68e31da4u);
    uint h2 = mix32(h1 ^ 0xb5297a4du);
    Landmark l;
    l.centre = (vec2(cell) + 0.5) * spacing + (vec2(h0 & 0xffffu, h0 >> 16) * (2.0 / 65535.0) - 1.0) * jitter;
    l.shape = int(h1 % uint(SHAPE_COUNT));
    l.colour = int((h1 >> 8) % uint(PALETTE_SIZE));
    l.height = 2.0 + 5.0 * float((h1 >> 16) & 0xffu) / 255.0;
    l.size = float(h2 & 0xffu) / 255.0;
    l.yaw = float((h2 >> 8) & 0xffffu) * (6.2831853 / 65536.0);
    l.present = length(l.centre) > CLEAR_RADIUS + LM_RADIUS;
    return l;
}

float sdBox(vec3 p, vec3 b) {
    vec3 q = abs(p) - b;
    return length(max(q, 0.0)) + min(max(q.x, max(q.y, q.z)), 0.0);
}

// Vertical cylinder spanning y in [y0, y1].
float sdCylinder(vec3 p, float r, float y0, float y1) {
    vec2 d = vec2(length(p.xz) - r, abs(p.y - 0.5 * (y0 + y1)) - 0.5 * (y1 - y0));
    return min(max(d.x, d.y), 0.0) + length(max(d, 0.0));
}

// A slab [y0, y1] as a box of half-width hw (x and z).
float sdSlab(vec3 p, float hw, float y0, float y1) {
    return sdBox(p - vec3(0.0, 0.5 * (y0 + y1), 0.0), vec3(hw, 0.5 * (y1 - y0), hw));
}

// Cone or pyramid with base half-width b at LM_BASE and apex at height h. `radial` is length(xz) for a cone and
// max(|x|, |z|) for a pyramid; both are 1-Lipschitz, so the result is a distance bound.
float sdSpike(float radial, float y, float b, float h) {
    float rise = h - LM_BASE;
    float side = (radial * rise + (y - h) * b) / sqrt(rise * rise + b * b);
    return max(side, LM_BASE - y);
}

// Signed distance (or a bound) to the landmark, p in world space.
float landmarkSdf(vec3 p, Landmark l) {
    vec2 o = p.xz - l.centre;
    float c = cos(l.yaw), s = sin(l.yaw);
    vec3 q = vec3(c * o.x - s * o.y, p.y, s * o.x + c * o.y);
    float h = l.height;
    float k = l.size;
    switch (l.shape) {
    case 0: { // orb on a plinth
        float rs = min(mix(0.8, 1.4, k), 0.5 * (h - 0.4));
        float top = h - 2.0 * rs;
        float plinth = sdSlab(q, 0.9 * rs + 0.2, LM_BASE, top);
        return min(plinth, length(q - vec3(0.0, top + rs, 0.0)) - rs);
    }
    case 1: { // square tower with a wider cap
        float w = mix(0.55, 1.05, k);
        return min(sdSlab(q, w, LM_BASE, h - 0.45), sdSlab(q, w + 0.28, h - 0.5, h));
    }
    case 2: { // ring standing on its rim, on a small base
        const float r = 0.34;
        float R = clamp(0.5 * (h - 0.2) - r, 0.9, mix(1.5, 2.2, k));
        vec3 t = q - vec3(0.0, 0.2 + r + R, 0.0);
        float ring = length(vec2(length(t.xy) - R, t.z)) - r;
        return min(ring, sdBox(q - vec3(0.0, 0.5 * (LM_BASE + 0.45), 0.0), vec3(0.7, 0.5 * (0.45 - LM_BASE), 0.5)));
    }
    case 3: { // pillar with a drum base and a capital
        float rc = mix(0.35, 0.7, k);
        float shaft = sdCylinder(q, rc, LM_BASE, h);
        float base = sdCylinder(q, rc + 0.35, LM_BASE, 0.55);
        float capital = sdCylinder(q, rc + 0.3, h - 0.35, h);
        return min(shaft, min(base, capital));
    }
    case 4: // cone
        return sdSpike(length(q.xz), q.y, mix(1.2, 2.2, k), h);
    case 5: { // arch: a wall with a round-topped doorway
        float aw = mix(1.4, 2.2, k);
        float wall = sdBox(q - vec3(0.0, 0.5 * (h + LM_BASE), 0.0), vec3(aw, 0.5 * (h - LM_BASE), 0.42));
        float ro = min(aw - 0.55, 0.5 * (h - 0.9));
        float spring = h - 0.6 - ro; // where the round top starts
        vec3 d = q - vec3(0.0, spring, 0.0);
        float door = min(length(d.xy) - ro, sdBox(q - vec3(0.0, 0.5 * (spring + LM_BASE - 1.0), 0.0),
                                                  vec3(ro, 0.5 * (spring - LM_BASE + 1.0), 1.0)));
        return max(wall, -door);
    }
    default: // square pyramid
        return sdSpike(max(abs(q.x), abs(q.z)), q.y, mix(1.1, 1.75, k), h);
    }
}

vec3 landmarkNormal(vec3 p, Landmark l) {
    // Tetrahedron technique: four evaluations instead of six.
    const vec2 e = vec2(1.0, -1.0) * 0.002;
    return normalize(e.xyy * landmarkSdf(p + e.xyy, l) + e.yyx * landmarkSdf(p + e.yyx, l) +
                     e.yxy * landmarkSdf(p + e.yxy, l) + e.xxx * landmarkSdf(p + e.xxx, l));
}

float cellExit(vec3 p, vec3 rd, ivec2 cell) {
    float spacing = pc.world.x;
    vec2 dir = vec2(rd.x >= 0.0 ? max(rd.x, 1e-7) : rd.x, rd.z >= 0.0 ? max(rd.z, 1e-7) : rd.z);
    vec2 wall = (vec2(cell) + step(0.0, dir)) * spacing;
    vec2 t = (wall - p.xz) / dir;
    return max(min(t.x, t.y), 0.0);
}

// The landmark cell a ray is crossing, computed once per cell rather than once per step. All distances are
// absolute ray parameters.
struct CellSpan {
    Landmark landmark;
    float leave;   // where the ray leaves the cell
    float enter;   // where it enters the landmark's bounding cylinder (1e9 when it never does)
    float exit;    // where it leaves that cylinder
};

CellSpan cellSpan(vec3 ro, vec3 rd, float t) {
    vec3 p = ro + rd * t;
    ivec2 cell = cellOf(p.xz);
    CellSpan c;
    c.landmark = landmarkOf(cell);
    c.leave = t + cellExit(p, rd, cell);
    c.enter = 1e9;
    c.exit = -1e9;
    if (c.landmark.present) {
        const float R = LM_RADIUS + 0.02;
        vec2 o = ro.xz - c.landmark.centre;
        float a = dot(rd.xz, rd.xz), b = dot(o, rd.xz), k = dot(o, o) - R * R;
        float disc = b * b - a * k;
        if (a > 1e-12 && disc > 0.0) {
            float s = sqrt(disc);
            c.enter = (-b - s) / a;
            c.exit = (-b + s) / a;
        } else if (k <= 0.0) { // (near-)vertical ray inside the cylinder
            c.enter = -1e9;
            c.exit = 1e9;
        }
    }
    return c;
}

// How far the ray may advance from t without touching a landmark: the exact distance to the cylinder entry, the
// landmark's SDF inside the cylinder, or past the cell wall by most of the margin (neighbours keep that gap).
// Returns a negative value on a hit.
float landmarkClearance(vec3 ro, vec3 rd, float t, CellSpan c, float eps) {
    if (t < c.enter - 1e-3) return c.enter - t;
    if (t <= c.exit) {
        float d = landmarkSdf(ro + rd * t, c.landmark);
        return d < eps ? -1.0 : d;
    }
    return c.leave - t + 0.9 * LM_MARGIN;
}

// ---- ray marching ----

struct Hit {
    int kind;
    float t;
    Landmark landmark;
};

// Distance along the ray at which it leaves the flat-hills disc (radius MTN_START) around the origin.
float ringExit(vec3 ro, vec3 rd) {
    float a = dot(rd.xz, rd.xz);
    float b = dot(ro.xz, rd.xz);
    float c = dot(ro.xz, ro.xz) - MTN_START * MTN_START;
    if (c >= 0.0) return 0.0; // already among the mountains
    if (a < 1e-10) return 1e9;
    return (-b + sqrt(b * b - a * c)) / a;
}

Hit march(vec3 ro, vec3 rd, float tmax, float tRing, int maxSteps, float pixelAngle) {
    Hit hit;
    hit.kind = HIT_NONE;
    float horiz = length(rd.xz);
    float t = 0.0;
    CellSpan span;
    span.leave = -1.0; // forces the first lookup
    for (int i = 0; i < maxSteps && t < tmax; ++i) {
        vec3 p = ro + rd * t;
        bool inHills = t < tRing;
        float top = inHills ? HILL_TOP : MTN_TOP;
        float stepT;

        // Terrain: above every hill the gap is known without noise; below, bound by the slope.
        if (p.y > top) {
            stepT = (p.y - top) / max(-rd.y, 1e-6) + 0.01;
        } else {
            float gap = p.y - (inHills ? hills(p.xz) : hills(p.xz) + mountains(p.xz));
            if (gap < max(pixelAngle * t, 0.002)) {
                hit.kind = HIT_TERRAIN;
                hit.t = t;
                return hit;
            }
            float closing = (inHills ? HILL_SLOPE : MTN_SLOPE) * horiz - rd.y;
            stepT = closing > 1e-6 ? gap / closing : 1e6;
        }
        if (inHills) stepT = min(stepT, tRing - t + 0.01); // re-bound with the mountain limits past the ring

        // Landmarks live below LM_TOP; the span of the current cell is refreshed when the ray crosses a wall.
        if (p.y < LM_TOP) {
            if (t >= span.leave) span = cellSpan(ro, rd, t);
            float clear = landmarkClearance(ro, rd, t, span, 0.5 * pixelAngle * t + 0.001);
            if (clear < 0.0) {
                hit.kind = HIT_LANDMARK;
                hit.t = t;
                hit.landmark = span.landmark;
                return hit;
            }
            stepT = min(stepT, clear);
        } else if (rd.y < 0.0) {
            stepT = min(stepT, (p.y - LM_TOP) / -rd.y + 0.01);
        }
        t += max(stepT, 0.0005 * t);
    }
    // Out of steps while heading down: the ground is close below, so shade the point as ground rather than
    // punching a hole of sky into it.
    if (t < tmax && rd.y < 0.0) {
        hit.kind = HIT_TERRAIN;
        hit.t = t;
    }
    return hit;
}

// Soft shadow from landmarks (hills are too gentle to shadow themselves visibly). Only in `high`.
float landmarkShadow(vec3 p, vec3 l) {
    float res = 1.0;
    float t = 0.02;
    CellSpan span;
    span.leave = -1.0;
    for (int i = 0; i < 40 && t < 80.0; ++i) {
        vec3 q = p + l * t;
        if (q.y > LM_TOP) break;
        if (t >= span.leave) span = cellSpan(p, l, t);
        float clear;
        if (t < span.enter - 1e-3) {
            clear = span.enter - t;
        } else if (t <= span.exit) {
            float d = landmarkSdf(q, span.landmark);
            res = min(res, 10.0 * d / t);
            if (res < 0.01) return 0.0;
            clear = max(d, 0.03);
        } else {
            clear = span.leave - t + 0.9 * LM_MARGIN;
        }
        t += clear;
    }
    return smoothstep(0.0, 1.0, res);
}

// ---- sky, fog and lighting ----

const vec3 SUN_COLOUR = vec3(1.0, 0.90, 0.76) * 2.4;
const vec3 ZENITH = vec3(0.06, 0.17, 0.46);
const vec3 HORIZON = vec3(0.56, 0.66, 0.78);

vec3 fogColour(vec3 rd) {
    float mu = max(dot(rd, pc.sun.xyz), 0.0);
    vec3 col = HORIZON;
    col += vec3(0.45, 0.30, 0.12) * pow(mu, 8.0) * 0.7; // haze glows towards the sun
    return col;
}

vec3 skyColour(vec3 ro, vec3 rd) {
    float y = max(rd.y, 0.0);
    vec3 col = mix(fogColour(rd), ZENITH, pow(y, 0.5));
    float mu = max(dot(rd, pc.sun.xyz), 0.0);
    col += vec3(1.0, 0.8, 0.55) * (0.35 * pow(mu, 64.0) + 0.9 * pow(mu, 900.0));
    // Clouds on a plane high above: a few octaves of noise, fading into the haze near the horizon.
    if (rd.y > 0.01) {
        vec2 uv = (ro.xz + rd.xz * ((CLOUD_HEIGHT - ro.y) / rd.y)) * (1.0 / 260.0);
        float n = 0.55 * noise(uv, gSaltCloud) + 0.28 * noise(uv * 2.1 + 3.7, gSaltCloud ^ 1u) +
                  0.14 * noise(uv * 4.3 + 1.3, gSaltCloud ^ 2u) + 0.07 * noise(uv * 8.9, gSaltCloud ^ 3u);
        float cover = smoothstep(0.0, 0.55, n) * smoothstep(0.01, 0.25, rd.y);
        vec3 cloud = mix(vec3(0.95, 0.96, 1.0), vec3(0.62, 0.66, 0.74), smoothstep(0.2, 0.7, n));
        cloud += vec3(0.5, 0.4, 0.25) * pow(mu, 6.0) * 0.6;
        col = mix(col, cloud, cover * 0.85);
    }
    col += vec3(1.6, 1.4, 1.1) * smoothstep(0.99975, 0.99990, dot(rd, pc.sun.xyz)); // the disc itself
    return col;
}

// Exponential height fog integrated along the ray (density pc.sun.w at y = 0, falling off with height).
float fogAmount(vec3 ro, vec3 rd, float t) {
    float k = FOG_FALLOFF * rd.y * t;
    float shape = abs(k) > 1e-4 ? (1.0 - exp(-k)) / k : 1.0;
    return 1.0 - exp(-pc.sun.w * exp(-FOG_FALLOFF * ro.y) * t * shape);
}

vec3 ambientLight(vec3 n) {
    vec3 sky = vec3(0.30, 0.40, 0.58) * (0.6 + 0.4 * n.y);
    vec3 bounce = vec3(0.12, 0.13, 0.06) * (0.5 - 0.5 * n.y);
    return sky + bounce;
}

vec3 shadeTerrain(vec3 ro, vec3 rd, float t, float pixelAngle, bool shadows) {
    vec3 p = ro + rd * t;
    float footprint = pixelAngle * t;
    vec3 hg = terrainShadingHeight(p.xz, footprint);
    p.y = hg.x;
    vec3 n = normalize(vec3(-hg.y, 1.0, -hg.z));

    // Albedo: two grasses in broad patches, drier earth in other patches and on slopes, rock and snow on mountains.
    float lush = noise(p.xz * (1.0 / 38.0), gSaltDetail ^ 0x27d4eb2du);
    float dryness = smoothstep(0.15, 0.75, noise(p.xz * (1.0 / 61.0), gSaltDetail ^ 0x165667b1u));
    vec3 grass = mix(vec3(0.085, 0.20, 0.035), vec3(0.20, 0.27, 0.06), 0.5 + 0.5 * lush);
    vec3 earth = vec3(0.30, 0.23, 0.13);
    vec3 albedo = mix(grass, earth, 0.55 * dryness + smoothstep(0.12, 0.3, 1.0 - n.y));
    if (p.y > 3.0) {
        vec3 rock = vec3(0.24, 0.22, 0.20);
        albedo = mix(albedo, rock, smoothstep(3.0, 12.0, p.y));
        albedo = mix(albedo, vec3(0.85, 0.88, 0.92), smoothstep(30.0, 36.0, p.y) * smoothstep(0.55, 0.8, n.y));
    }
    // Ground texture: grass tufts and a faint 4-unit tiling so motion reads even on flat ground. Faded once it gets
    // below the pixel size to avoid shimmering.
    float tuftFade = 1.0 - smoothstep(0.15, 0.5, footprint);
    float tileFade = 1.0 - smoothstep(0.4, 2.0, footprint);
    float tuft = noise(p.xz * 2.3, gSaltDetail ^ 0x9e3779b9u);
    vec2 tile = floor(p.xz * 0.25);
    float checker = mod(tile.x + tile.y, 2.0);
    albedo *= 1.0 + 0.22 * tuft * tuftFade + 0.07 * (checker - 0.5) * tileFade;

    // Landmarks darken the ground around their foot (own cell only; the margin keeps this seamless).
    Landmark l = landmarkOf(cellOf(p.xz));
    float occlusion = 1.0;
    if (l.present && distance(p.xz, l.centre) < LM_RADIUS + 1.5)
        occlusion = mix(0.45, 1.0, smoothstep(0.0, 1.4, landmarkSdf(p, l)));

    float sunLight = max(dot(n, pc.sun.xyz), 0.0);
    if (shadows && sunLight > 0.0) sunLight *= landmarkShadow(p + n * 0.02, pc.sun.xyz);
    return albedo * (SUN_COLOUR * sunLight + ambientLight(n) * occlusion);
}

vec3 shadeLandmark(vec3 ro, vec3 rd, float t, Landmark l, bool shadows) {
    vec3 p = ro + rd * t;
    vec3 n = landmarkNormal(p, l);
    vec3 albedo = PALETTE[l.colour];
    // A dusty band at the foot grounds the object, a lighter band near the top makes the silhouette read.
    float ground = hills(l.centre);
    albedo *= mix(0.55, 1.0, smoothstep(ground - 0.1, ground + 0.5, p.y));
    float sunLight = max(dot(n, pc.sun.xyz), 0.0);
    if (shadows && sunLight > 0.0) sunLight *= landmarkShadow(p + n * 0.02, pc.sun.xyz);
    // Occlusion hint: crevices and undersides near the ground are darker.
    float occlusion = (0.55 + 0.45 * smoothstep(ground - 0.5, ground + 1.5, p.y)) * (0.8 + 0.2 * n.y);
    vec3 col = albedo * (SUN_COLOUR * sunLight + ambientLight(n) * occlusion);
    vec3 h = normalize(pc.sun.xyz - rd);
    col += SUN_COLOUR * 0.12 * pow(max(dot(n, h), 0.0), 40.0) * sunLight;        // glossy paint
    col += vec3(0.35, 0.45, 0.6) * 0.35 * pow(1.0 - max(dot(n, -rd), 0.0), 4.0); // sky rim
    return col;
}

// ---- output ----

vec3 toneMap(vec3 x) { // ACES fit (Narkowicz 2015)
    return clamp((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), 0.0, 1.0);
}

vec3 linearToSrgb(vec3 c) {
    return mix(c * 12.92, 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055, step(vec3(0.0031308), c));
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

    uint quality = pc.frame.w;
    int maxSteps = quality == 0u ? 40 : (quality == 1u ? 72 : 120);
    bool shadows = quality >= 2u;

    // Where the ray can stop looking: fog makes everything beyond ~8 optical depths invisible, and a ray heading
    // up leaves all geometry once it clears the landmarks (or, past the ring, the mountains).
    float tmax = min(TMAX, 8.0 / max(pc.sun.w, 1e-5));
    float tRing = ringExit(ro, rd);
    if (rd.y > 0.0) {
        float tTop = max(LM_TOP - ro.y, 0.0) / rd.y;
        tmax = min(tmax, tTop < tRing ? tTop : max(MTN_TOP - ro.y, 0.0) / rd.y);
    }

    Hit hit = march(ro, rd, tmax, tRing, maxSteps, pixelAngle);
    vec3 col;
    if (hit.kind == HIT_NONE) {
        col = skyColour(ro, rd);
    } else {
        vec3 surface = hit.kind == HIT_TERRAIN ? shadeTerrain(ro, rd, hit.t, pixelAngle, shadows)
                                               : shadeLandmark(ro, rd, hit.t, hit.landmark, shadows);
        col = mix(surface, fogColour(rd), fogAmount(ro, rd, hit.t));
    }
    imageStore(uFrame, ivec2(px), vec4(linearToSrgb(toneMap(col)), 1.0));
}
