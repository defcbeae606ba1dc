#version 450
// The engine's animated test pattern: a dusk sky, a scrolling perspective grid, a drifting sun, broadcast colour
// bars and the frame index as 16 binary blocks (top right) so a frame can be identified from its pixels.
// Stateless: the image depends only on (size, time, frame index).
layout(local_size_x = 8, local_size_y = 8) in;

layout(binding = 0, rgba8) uniform writeonly image2D target;

layout(push_constant) uniform Push {
    uvec2 size;
    float timeSeconds;
    uint frameIndex;
} pc;

const float kHorizon = 0.58;

vec3 sky(vec2 uv) {
    vec3 top = vec3(0.04, 0.06, 0.14);
    vec3 low = vec3(0.55, 0.32, 0.42);
    vec3 c = mix(top, low, smoothstep(0.0, kHorizon, uv.y));
    vec2 sun = vec2(0.5 + 0.28 * sin(pc.timeSeconds * 0.25), 0.34);
    float aspect = float(pc.size.x) / float(pc.size.y);
    float d = length((uv - sun) * vec2(aspect, 1.0));
    c += vec3(1.0, 0.62, 0.25) * smoothstep(0.09, 0.08, d);
    c += vec3(0.9, 0.45, 0.2) * 0.35 * exp(-d * 7.0);
    return c;
}

vec3 ground(vec2 uv) {
    float aspect = float(pc.size.x) / float(pc.size.y);
    float depth = 0.12 / max(uv.y - kHorizon, 1e-4);
    vec2 world = vec2((uv.x - 0.5) * aspect * depth * 4.0, depth * 4.0 + pc.timeSeconds * 1.5);
    vec2 cell = abs(fract(world) - 0.5);
    // Compute shaders have no fwidth(): the grid's footprint per pixel, derived analytically, anti-aliases the lines
    // and fades them out where they get denser than the pixels.
    float dy = uv.y - kHorizon;
    float pixelWidth = aspect * depth * 4.0 / float(pc.size.x) + 0.48 / (dy * dy * float(pc.size.y));
    float distanceToLine = 0.5 - max(cell.x, cell.y);
    float line = 1.0 - smoothstep(0.0, 0.02 + pixelWidth, distanceToLine);
    line = mix(line, 0.25, clamp(pixelWidth * 2.0, 0.0, 1.0));
    vec3 base = vec3(0.05, 0.03, 0.09);
    vec3 neon = vec3(0.2, 0.85, 1.0);
    float fog = exp(-depth * 0.35);
    return mix(vec3(0.55, 0.32, 0.42), base + neon * line, fog);
}

vec3 colourBars(float x) {
    const vec3 bars[8] = vec3[8](vec3(0.75), vec3(0.75, 0.75, 0.0), vec3(0.0, 0.75, 0.75), vec3(0.0, 0.75, 0.0),
                                 vec3(0.75, 0.0, 0.75), vec3(0.75, 0.0, 0.0), vec3(0.0, 0.0, 0.75), vec3(0.08));
    return bars[clamp(int(x * 8.0), 0, 7)];
}

void main() {
    uvec2 p = gl_GlobalInvocationID.xy;
    if (p.x >= pc.size.x || p.y >= pc.size.y) {
        return;
    }
    vec2 uv = (vec2(p) + 0.5) / vec2(pc.size);
    vec3 c = uv.y < kHorizon ? sky(uv) : ground(uv);
    if (uv.y > 0.93) {
        c = colourBars(uv.x);
    }
    // Frame index, most significant bit first, in a strip at the top right.
    float blockW = max(2.0, float(pc.size.x) / 64.0);
    float stripX = float(pc.size.x) - 16.0 * blockW - blockW;
    if (float(p.x) >= stripX && float(p.x) < stripX + 16.0 * blockW && float(p.y) >= blockW &&
        float(p.y) < 2.0 * blockW) {
        int bit = 15 - int((float(p.x) - stripX) / blockW);
        c = ((pc.frameIndex >> uint(bit)) & 1u) == 1u ? vec3(1.0) : vec3(0.15);
    }
    imageStore(target, ivec2(p), vec4(clamp(c, 0.0, 1.0), 1.0));
}
