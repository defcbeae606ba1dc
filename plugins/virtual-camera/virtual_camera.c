/*
 * virtual-camera: a camera moved over the source. Pan, zoom, roll and a perspective tilt make one homography per
 * frame from output pixels to source pixels; the source is sampled bilinearly. A camera path (docs/camera-path.md)
 * animates the parameters frame by frame; the host sets them before each frame.
 *
 * Geometry (pixel centres at integer coordinates, c = ((W-1)/2, (H-1)/2), f = W, the virtual pinhole's focal length):
 * an output pixel o is the ray (o - c, f * zoom) of a camera turned by roll (about its axis), tilt_y (down) and
 * tilt_x (right); the ray meets the source's image plane at c + f * (X/Z, Y/Z), and the pan shifts that by
 * (pan_x * W, pan_y * H). Without tilt this is "scale by 1/zoom and rotate by roll about the centre, then shift".
 * Identity parameters copy the frame unchanged; integer shifts sample exactly at pixel centres.
 * Colours are interpolated on the sRGB-encoded values as stored (no linearisation): exact where samples land on
 * pixel centres, and within a code value or two of a linear-light blend elsewhere, which a resampler tolerates.
 * Outside the source, `edge` either repeats the border pixels (clamp) or paints opaque black.
 *
 * Stabilization (stabilize > 0) follows the source's motion (edit_process_with_source): per frame, a similarity
 * (shift, rotation, scale) is fitted by least squares to a grid of the source's backward flow vectors, refitted once
 * without the outliers; the motions add up to the camera's trajectory, which is smoothed causally by an exponential
 * average with time constant `smoothing` frames. The frame is resampled by (smoothed - actual) x stabilize, so the
 * view follows the smooth trajectory instead of the shaky one; the correction is limited (12.5% of the frame's side,
 * 5 degrees, 10% of scale), the smoothed trajectory kept within that limit of the actual one. A zoom then keeps the
 * corrected crop inside the frame: the least zoom that holds the corrected frame's corners inside, which rises at
 * once and relaxes with time constant 2 x smoothing, so it does not breathe with every shake. That zoom multiplies the
 * path's own: a view inside the frame stays inside once stabilized. A stream's first frame (no flow) starts a new
 * trajectory; reset clears it.
 *
 * On a host with a Vulkan device the same runs on GPU frames (edit_process_gpu): shaders/virtual_camera.comp resamples
 * through the homography this file computes (in double, pushed as pairs of floats and applied in double-float
 * arithmetic: within 1 LSB of the CPU path; the identity path is an exact copy), and, when the host passes the
 * source's flow, shaders/virtual_camera_motion.comp does track() on the device first, in the same command buffer: the
 * flow never comes to the host, and the frame is corrected for its own motion with no frame of delay. That trajectory
 * stays in a private device buffer, apart from the CPU path's; its float arithmetic follows the CPU path's double to
 * within rounding, not bit for bit. The CPU path is the reference.
 */
#include "vk_edit.h"

#include <mnemo/module.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t k_render_spv[] =
#include "shaders/virtual_camera.comp.inc"
    ;
static const uint32_t k_motion_spv[] =
#include "shaders/virtual_camera_motion.comp.inc"
    ;

/* The shaders' push constants: virtual_camera.comp's Push and virtual_camera_motion.comp's Push. */
typedef struct render_push {
    uint32_t width, height, mode, edge;
    float m[18]; /* RENDER_PUSH: the homography, row major, each entry as a pair of floats (to_pairs) */
} render_push;

typedef struct motion_push {
    uint32_t width, height, step_x, step_y, columns, rows, flags;
    float keep, relax, stabilize;
    float path[9]; /* path_homography, row major */
} motion_push;

_Static_assert(sizeof(render_push) == 88, "virtual_camera.comp's push constants are 88 bytes");
_Static_assert(sizeof(motion_push) == 76, "virtual_camera_motion.comp's push constants are 76 bytes");

enum { RENDER_COPY, RENDER_PUSH, RENDER_STATE };                     /* virtual_camera.comp's modes */
enum { MOTION_RESTART = 1, MOTION_FOLLOW = 2, MOTION_ESTIMATE = 4 }; /* virtual_camera_motion.comp's flags */
#define STATE_RESIDUALS 16 /* floats of state before the residuals (virtual_camera_motion.comp's RESIDUALS) */

#define PI 3.14159265358979323846
#define DEGREES (PI / 180.0)

/* Correction limits: beyond them the smoothed trajectory is pulled along with the actual one. */
#define MAX_SHIFT_FRACTION 0.125
#define MAX_ROTATION (5.0 * DEGREES)
#define MAX_LOG_SCALE 0.0953101798 /* log(1.1) */

/* A similarity in centred coordinates: shift (pixels), rotation (radians), log of the scale. */
typedef struct motion {
    double x, y, angle, log_scale;
} motion;

typedef struct mat3 {
    double m[9]; /* row major */
} mat3;

typedef struct virtual_camera {
    uint32_t width, height;
    double pan_x, pan_y, zoom, roll, tilt_x, tilt_y, stabilize, smoothing, edge;
    int tracking;       /* a trajectory is under way (a frame with a known predecessor was seen) */
    motion trajectory;  /* the source camera's accumulated motion since the stream began */
    motion smoothed;    /* its causal exponential average */
    double crop_zoom;   /* keeps the corrected crop inside the frame; >= 1 */
    float *samples;     /* flow samples: px, py, qx, qy per sample */
    float *residuals;   /* one per sample, and a scratch copy for the median */
    uint32_t sample_capacity;
    /* GPU path: gpu is NULL when the host has no Vulkan device. gpu_state holds the GPU path's trajectory, apart from
     * the CPU path's (a host may switch paths; each keeps its own history), and the residuals of its fit. */
    vk_edit *gpu;
    vk_edit_pipeline *gpu_render, *gpu_motion;
    vk_edit_buffer *gpu_state;
    int gpu_tracking; /* as `tracking`, for the trajectory on the device */
} virtual_camera;

static const char *const k_edges[] = {"clamp", "black"};

#define FLOAT_PARAM(name, label, description, lo, hi, initial) \
    {sizeof(mnemo_param_desc), name, label, description, MNEMO_PARAM_FLOAT, lo, hi, initial, NULL, 0, 0}

static const mnemo_param_desc k_params[] = {
    FLOAT_PARAM("pan_x", "Pan X", "Shift of the view as a fraction of the frame width; + moves it right", -1, 1, 0),
    FLOAT_PARAM("pan_y", "Pan Y", "Shift of the view as a fraction of the frame height; + moves it down", -1, 1, 0),
    FLOAT_PARAM("zoom", "Zoom", "Magnification: 1 shows the whole frame, 2 half of it twice as large", 0.25, 8, 1),
    FLOAT_PARAM("roll", "Roll", "Degrees the camera turns about its axis; + clockwise (the picture turns the other way)",
                -180, 180, 0),
    FLOAT_PARAM("tilt_x", "Tilt X", "Perspective: degrees the camera turns right (+) or left", -60, 60, 0),
    FLOAT_PARAM("tilt_y", "Tilt Y", "Perspective: degrees the camera turns down (+) or up", -60, 60, 0),
    FLOAT_PARAM("stabilize", "Stabilize", "How much of the source's shake to remove (0: none, 1: all it can)", 0, 1, 0),
    FLOAT_PARAM("smoothing", "Smoothing", "Time constant of the smoothed camera motion, in frames", 1, 120, 15),
    {sizeof(mnemo_param_desc), "edge", "Edge", "Outside the source: repeat its border pixels, or black",
     MNEMO_PARAM_ENUM, 0, 1, 0, k_edges, 2, 0},
};

#define PARAM_COUNT (sizeof k_params / sizeof k_params[0])

static const mnemo_module_info k_info = {
    sizeof(mnemo_module_info), "virtual-camera", "Virtual Camera", "1.0.0",
    "A camera path over the source: keyframed pan, zoom, roll and perspective tilt, with optional stabilization.",
    MNEMO_MODULE_KIND_EDIT, 1, k_params, (uint32_t)PARAM_COUNT, 0,
};

static const mnemo_module_info *describe(void) { return &k_info; }

/* ---- parameters and lifetime ---- */

static mnemo_status set_param(void *instance, const mnemo_param_value *value, mnemo_error *error) {
    virtual_camera *vc = (virtual_camera *)instance;
    double *fields[] = {&vc->pan_x, &vc->pan_y,     &vc->zoom,      &vc->roll, &vc->tilt_x,
                        &vc->tilt_y, &vc->stabilize, &vc->smoothing, &vc->edge};
    for (uint32_t i = 0; i < PARAM_COUNT; ++i) {
        const mnemo_param_desc *d = &k_params[i];
        if (strcmp(value->name, d->name) != 0) continue;
        const int whole = d->type != MNEMO_PARAM_ENUM || value->value == floor(value->value);
        if (!(value->value >= d->min_value && value->value <= d->max_value) || !whole) {
            snprintf(error->message, sizeof error->message, "virtual-camera: %s must be %s within [%g, %g], not %g",
                     d->name, d->type == MNEMO_PARAM_ENUM ? "a whole number" : "a number", d->min_value,
                     d->max_value, value->value);
            return MNEMO_ERR_INVALID_ARGUMENT;
        }
        *fields[i] = value->value;
        return MNEMO_OK;
    }
    snprintf(error->message, sizeof error->message, "virtual-camera has no parameter '%s'", value->name);
    return MNEMO_ERR_INVALID_ARGUMENT;
}

static void forget_trajectory(virtual_camera *vc) {
    const motion still = {0, 0, 0, 0};
    vc->tracking = 0;
    vc->trajectory = still;
    vc->smoothed = still;
    vc->crop_zoom = 1;
}

/* Flow is sampled on a grid of about 48 x 27 points: plenty for four unknowns, cheap at any frame size. */
static uint32_t grid_step_x(uint32_t width) { return width / 48 > 1 ? width / 48 : 1; }
static uint32_t grid_step_y(uint32_t height) { return height / 27 > 1 ? height / 27 : 1; }

/* Grid samples along a side of `size` pixels, `step` apart from step / 2: what sample_flow's loops visit. */
static uint32_t grid_count(uint32_t size, uint32_t step) { return (size - step / 2 + step - 1) / step; }

static void destroy(void *instance) {
    virtual_camera *vc = (virtual_camera *)instance;
    if (!vc) return;
    vk_edit_destroy(vc->gpu); /* the host has waited for the work recorded with it */
    free(vc->samples);
    free(vc->residuals);
    free(vc);
}

static virtual_camera *allocate(uint32_t width, uint32_t height) {
    virtual_camera *vc = (virtual_camera *)calloc(1, sizeof *vc);
    if (!vc) return NULL;
    vc->sample_capacity = (width / grid_step_x(width) + 1) * (height / grid_step_y(height) + 1);
    vc->samples = (float *)malloc(sizeof(float) * 4 * vc->sample_capacity);
    vc->residuals = (float *)malloc(sizeof(float) * 2 * vc->sample_capacity);
    if (!vc->samples || !vc->residuals) {
        destroy(vc);
        return NULL;
    }
    return vc;
}

/* The GPU path's pipelines and state when the host offers a Vulkan device; a failure fails create. */
static mnemo_status gpu_init(virtual_camera *vc, const mnemo_host_services *host, mnemo_error *error) {
    mnemo_status st = vk_edit_create(host, k_info.id, &vc->gpu, error);
    if (st != MNEMO_OK || !vc->gpu) return st;
    st = vk_edit_pipeline_create(vc->gpu, k_render_spv, sizeof k_render_spv, 3, 0, sizeof(render_push), &vc->gpu_render,
                                 error);
    if (st == MNEMO_OK) {
        st = vk_edit_pipeline_create(vc->gpu, k_motion_spv, sizeof k_motion_spv, 2, 0, sizeof(motion_push),
                                     &vc->gpu_motion, error);
    }
    const uint64_t samples = (uint64_t)grid_count(vc->width, grid_step_x(vc->width)) *
                             grid_count(vc->height, grid_step_y(vc->height));
    if (st == MNEMO_OK) {
        st = vk_edit_buffer_create(vc->gpu, (STATE_RESIDUALS + samples) * sizeof(float), VK_EDIT_MEMORY_DEVICE,
                                   &vc->gpu_state, error);
    }
    return st;
}

static mnemo_status create(const mnemo_host_services *host, const mnemo_create_args *args, void **out,
                           mnemo_error *error) {
    if (args->width == 0 || args->height == 0) {
        snprintf(error->message, sizeof error->message, "virtual-camera: frame size %ux%u is empty", args->width,
                 args->height);
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    virtual_camera *vc = allocate(args->width, args->height);
    if (!vc) {
        snprintf(error->message, sizeof error->message, "virtual-camera: out of memory");
        return MNEMO_ERR_OUT_OF_MEMORY;
    }
    vc->width = args->width;
    vc->height = args->height;
    vc->zoom = 1;
    vc->smoothing = 15;
    forget_trajectory(vc);
    for (uint32_t i = 0; i < args->param_count; ++i) {
        const mnemo_status st = set_param(vc, &args->params[i], error);
        if (st != MNEMO_OK) {
            destroy(vc);
            return st;
        }
    }
    const mnemo_status st = gpu_init(vc, host, error);
    if (st != MNEMO_OK) {
        destroy(vc);
        return st;
    }
    *out = vc;
    return MNEMO_OK;
}

static mnemo_status reset(void *instance, const mnemo_reset_args *args, mnemo_error *error) {
    (void)args;
    (void)error;
    forget_trajectory((virtual_camera *)instance);
    ((virtual_camera *)instance)->gpu_tracking = 0; /* the device's trajectory restarts at its next frame */
    return MNEMO_OK;
}

/* ---- global motion from the source's flow ---- */

typedef struct similarity_fit {
    double a, b, tx, ty; /* q = [a -b; b a] p + t */
} similarity_fit;

/* Least squares over the samples whose residual is within `limit` (all when limit < 0); 0 when too few or degenerate.
 * Samples are (p, q): p centred in frame t, q where the flow says it was in frame t-1. */
static int fit_similarity(const virtual_camera *vc, uint32_t count, float limit, similarity_fit *fit) {
    double n = 0, mpx = 0, mpy = 0, mqx = 0, mqy = 0;
    for (uint32_t i = 0; i < count; ++i) {
        if (limit >= 0 && vc->residuals[i] > limit) continue;
        const float *s = vc->samples + 4 * i;
        n += 1, mpx += s[0], mpy += s[1], mqx += s[2], mqy += s[3];
    }
    if (n < 8) return 0;
    mpx /= n, mpy /= n, mqx /= n, mqy /= n;
    double spp = 0, sdot = 0, scross = 0;
    for (uint32_t i = 0; i < count; ++i) {
        if (limit >= 0 && vc->residuals[i] > limit) continue;
        const float *s = vc->samples + 4 * i;
        const double px = s[0] - mpx, py = s[1] - mpy, qx = s[2] - mqx, qy = s[3] - mqy;
        spp += px * px + py * py;
        sdot += px * qx + py * qy;
        scross += px * qy - py * qx;
    }
    if (spp <= 1e-9) return 0;
    fit->a = sdot / spp;
    fit->b = scross / spp;
    fit->tx = mqx - (fit->a * mpx - fit->b * mpy);
    fit->ty = mqy - (fit->b * mpx + fit->a * mpy);
    return fit->a * fit->a + fit->b * fit->b > 1e-6;
}

static int compare_floats(const void *a, const void *b) {
    const float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Distance of each sample from the fit; returns the median. */
static float measure_residuals(virtual_camera *vc, uint32_t count, const similarity_fit *fit) {
    float *sorted = vc->residuals + vc->sample_capacity;
    for (uint32_t i = 0; i < count; ++i) {
        const float *s = vc->samples + 4 * i;
        const double ex = fit->a * s[0] - fit->b * s[1] + fit->tx - s[2];
        const double ey = fit->b * s[0] + fit->a * s[1] + fit->ty - s[3];
        vc->residuals[i] = sorted[i] = (float)sqrt(ex * ex + ey * ey);
    }
    qsort(sorted, count, sizeof(float), compare_floats);
    return sorted[count / 2];
}

/* Grid samples of the flow, centred coordinates; non-finite vectors are skipped. */
static uint32_t sample_flow(virtual_camera *vc, const mnemo_flow *flow) {
    const uint32_t sx = grid_step_x(vc->width), sy = grid_step_y(vc->height);
    const double cx = (vc->width - 1) * 0.5, cy = (vc->height - 1) * 0.5;
    uint32_t count = 0;
    for (uint32_t y = sy / 2; y < vc->height && count < vc->sample_capacity; y += sy) {
        for (uint32_t x = sx / 2; x < vc->width && count < vc->sample_capacity; x += sx) {
            const float *v = flow->xy + 2 * ((size_t)y * vc->width + x);
            if (!isfinite(v[0]) || !isfinite(v[1])) continue;
            float *s = vc->samples + 4 * count++;
            s[0] = (float)(x - cx), s[1] = (float)(y - cy);
            s[2] = s[0] + v[0], s[3] = s[1] + v[1];
        }
    }
    return count;
}

/* The source's motion into this frame (frame t to frame t-1), or 0 when the flow does not tell. */
static int estimate_motion(virtual_camera *vc, const mnemo_flow *flow, motion *out) {
    if (!flow || !flow->xy || flow->width != vc->width || flow->height != vc->height) return 0;
    const uint32_t count = sample_flow(vc, flow);
    similarity_fit fit;
    if (count < 8 || !fit_similarity(vc, count, -1, &fit)) return 0;
    for (int pass = 0; pass < 2; ++pass) { /* drop what moves unlike the rest (objects, occlusions), refit */
        const float median = measure_residuals(vc, count, &fit);
        const float limit = 3 * median > 0.5f ? 3 * median : 0.5f;
        if (!fit_similarity(vc, count, limit, &fit)) return 0;
    }
    out->x = fit.tx;
    out->y = fit.ty;
    out->angle = atan2(fit.b, fit.a);
    out->log_scale = 0.5 * log(fit.a * fit.a + fit.b * fit.b);
    return 1;
}

/* ---- the trajectory and its correction ---- */

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Keeps `smoothed` within `limit` of `actual`: a pan longer than the smoothing follows with a bounded lag. */
static double within_limit(double smoothed, double actual, double limit) {
    return clampd(smoothed, actual - limit, actual + limit);
}

static void follow_trajectory(virtual_camera *vc, const motion *step) {
    const double alpha = 1 - exp(-1 / vc->smoothing);
    motion *t = &vc->trajectory, *s = &vc->smoothed;
    t->x += step->x, t->y += step->y, t->angle += step->angle, t->log_scale += step->log_scale;
    s->x = within_limit(s->x + alpha * (t->x - s->x), t->x, MAX_SHIFT_FRACTION * vc->width);
    s->y = within_limit(s->y + alpha * (t->y - s->y), t->y, MAX_SHIFT_FRACTION * vc->height);
    s->angle = within_limit(s->angle + alpha * (t->angle - s->angle), t->angle, MAX_ROTATION);
    s->log_scale = within_limit(s->log_scale + alpha * (t->log_scale - s->log_scale), t->log_scale, MAX_LOG_SCALE);
}

static motion correction(const virtual_camera *vc) {
    const motion c = {(vc->smoothed.x - vc->trajectory.x) * vc->stabilize,
                      (vc->smoothed.y - vc->trajectory.y) * vc->stabilize,
                      (vc->smoothed.angle - vc->trajectory.angle) * vc->stabilize,
                      (vc->smoothed.log_scale - vc->trajectory.log_scale) * vc->stabilize};
    return c;
}

/* The least zoom (about the centre) after which the frame, moved by `c`, still samples only inside the source: the
 * corrected frame's half extents, rotated and scaled, plus the shift, within the source's half extents. */
static double zoom_to_stay_inside(const virtual_camera *vc, const motion *c) {
    const double w = vc->width - 1.0, h = vc->height - 1.0;
    const double cosine = cos(fabs(c->angle)), sine = sin(fabs(c->angle)), scale = exp(c->log_scale);
    const double zx = scale * (w * cosine + h * sine) / (w - 2 * fabs(c->x));
    const double zy = scale * (w * sine + h * cosine) / (h - 2 * fabs(c->y));
    return zx > zy ? (zx > 1 ? zx : 1) : (zy > 1 ? zy : 1);
}

/* Advances the trajectory by this frame's motion; a frame without a predecessor starts a new one. */
static void track(virtual_camera *vc, const mnemo_flow *flow) {
    if (!flow || !flow->xy) {
        forget_trajectory(vc);
        vc->tracking = 1;
        return;
    }
    motion step = {0, 0, 0, 0};
    (void)estimate_motion(vc, flow, &step); /* unknown motion counts as none */
    if (!vc->tracking) forget_trajectory(vc);
    vc->tracking = 1;
    follow_trajectory(vc, &step);
    if (vc->width < 3 || vc->height < 3) return;
    const motion c = correction(vc);
    const double relaxed = 1 + (vc->crop_zoom - 1) * exp(-1 / (2 * vc->smoothing));
    const double needed = zoom_to_stay_inside(vc, &c);
    vc->crop_zoom = needed > relaxed ? needed : relaxed;
}

/* ---- the homography ---- */

static mat3 mat3_mul(const mat3 *a, const mat3 *b) {
    mat3 r;
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) {
            r.m[3 * i + j] = a->m[3 * i] * b->m[j] + a->m[3 * i + 1] * b->m[3 + j] + a->m[3 * i + 2] * b->m[6 + j];
        }
    }
    return r;
}

/* The camera's turn: roll about its axis, then tilt_y down, then tilt_x right (camera axes: x right, y down, z in). */
static mat3 camera_rotation(const virtual_camera *vc) {
    const double r = vc->roll * DEGREES, p = -vc->tilt_y * DEGREES, y = vc->tilt_x * DEGREES;
    const mat3 roll = {{cos(r), -sin(r), 0, sin(r), cos(r), 0, 0, 0, 1}};
    const mat3 pitch = {{1, 0, 0, 0, cos(p), -sin(p), 0, sin(p), cos(p)}};
    const mat3 yaw = {{cos(y), 0, sin(y), 0, 1, 0, -sin(y), 0, cos(y)}};
    const mat3 pitch_roll = mat3_mul(&pitch, &roll);
    return mat3_mul(&yaw, &pitch_roll);
}

/* Output pixel -> source pixel (homogeneous) for the path's parameters alone. */
static mat3 path_homography(const virtual_camera *vc) {
    const double cx = (vc->width - 1) * 0.5, cy = (vc->height - 1) * 0.5, f = vc->width;
    const mat3 to_ray = {{1, 0, -cx, 0, 1, -cy, 0, 0, f * vc->zoom}};
    const mat3 to_source = {{f, 0, cx + vc->pan_x * vc->width, 0, f, cy + vc->pan_y * vc->height, 0, 0, 1}};
    const mat3 rotation = camera_rotation(vc);
    const mat3 ray = mat3_mul(&rotation, &to_ray);
    return mat3_mul(&to_source, &ray);
}

/* The stabilizer's similarity after the path: zoom in by crop_zoom about the centre, turn and scale by the
 * correction, shift by it. */
static mat3 stabilized(const virtual_camera *vc, const mat3 *path) {
    const motion c = correction(vc);
    const double cx = (vc->width - 1) * 0.5, cy = (vc->height - 1) * 0.5;
    const double k = exp(c.log_scale) / vc->crop_zoom, a = k * cos(c.angle), b = k * sin(c.angle);
    const mat3 similarity = {{a, -b, cx + c.x - (a * cx - b * cy), b, a, cy + c.y - (b * cx + a * cy), 0, 0, 1}};
    return mat3_mul(&similarity, path);
}

static int path_is_identity(const virtual_camera *vc) {
    return vc->pan_x == 0 && vc->pan_y == 0 && vc->zoom == 1 && vc->roll == 0 && vc->tilt_x == 0 && vc->tilt_y == 0;
}

/* ---- resampling ---- */

static void sample(const mnemo_frame *src, double x, double y, uint8_t *dst) {
    const int x0 = (int)floor(x), y0 = (int)floor(y);
    const int x1 = x0 + 1 < (int)src->width ? x0 + 1 : x0, y1 = y0 + 1 < (int)src->height ? y0 + 1 : y0;
    const float fx = (float)(x - x0), fy = (float)(y - y0);
    const uint8_t *row0 = src->pixels + (size_t)y0 * src->stride_bytes, *row1 = src->pixels + (size_t)y1 * src->stride_bytes;
    const uint8_t *a = row0 + 4 * x0, *b = row0 + 4 * x1, *c = row1 + 4 * x0, *d = row1 + 4 * x1;
    for (int k = 0; k < 4; ++k) {
        const float top = a[k] + (b[k] - a[k]) * fx, bottom = c[k] + (d[k] - c[k]) * fx;
        dst[k] = (uint8_t)(top + (bottom - top) * fy + 0.5f);
    }
}

/* One output pixel from the source point (hx, hy, hw) in homogeneous coordinates. */
static void resample_pixel(const virtual_camera *vc, const mnemo_frame *src, double hx, double hy, double hw,
                           uint8_t *dst) {
    static const uint8_t black[4] = {0, 0, 0, 255};
    const double w = vc->width - 1.0, h = vc->height - 1.0;
    if (hw <= 1e-9) { /* the ray points behind the source's camera */
        memcpy(dst, black, 4);
        return;
    }
    const double x = hx / hw, y = hy / hw;
    if (vc->edge != 0 && (x < -0.5 || y < -0.5 || x > w + 0.5 || y > h + 0.5)) {
        memcpy(dst, black, 4);
        return;
    }
    sample(src, clampd(x, 0, w), clampd(y, 0, h), dst);
}

static void render(const virtual_camera *vc, const mnemo_frame *src, mnemo_frame *out, int stabilizing) {
    if (!stabilizing && path_is_identity(vc)) { /* a straight copy: exact, and cheap */
        for (uint32_t y = 0; y < vc->height; ++y) {
            memcpy(out->pixels + (size_t)y * out->stride_bytes, src->pixels + (size_t)y * src->stride_bytes,
                   (size_t)vc->width * 4);
        }
        return;
    }
    const mat3 path = path_homography(vc);
    const mat3 m = stabilizing ? stabilized(vc, &path) : path;
    for (uint32_t y = 0; y < vc->height; ++y) {
        uint8_t *dst = out->pixels + (size_t)y * out->stride_bytes;
        for (uint32_t x = 0; x < vc->width; ++x) {
            const double hx = m.m[0] * x + m.m[1] * y + m.m[2];
            const double hy = m.m[3] * x + m.m[4] * y + m.m[5];
            const double hw = m.m[6] * x + m.m[7] * y + m.m[8];
            resample_pixel(vc, src, hx, hy, hw, dst + 4 * (size_t)x);
        }
    }
}

/* ---- the calls ---- */

static int wrong_size(const virtual_camera *vc, const mnemo_frame *frame, uint32_t f, mnemo_error *error) {
    if (frame->width == vc->width && frame->height == vc->height && frame->format == MNEMO_PIXEL_RGBA8) return 0;
    snprintf(error->message, sizeof error->message, "virtual-camera: frame %u is %ux%u, created for %ux%u RGBA8", f,
             frame->width, frame->height, vc->width, vc->height);
    return 1;
}

static mnemo_status edit_process_with_source(void *instance, const mnemo_edit_input *input, mnemo_frame *output,
                                             mnemo_error *error) {
    virtual_camera *vc = (virtual_camera *)instance;
    for (uint32_t f = 0; f < input->count; ++f) {
        if (wrong_size(vc, &input->frames[f], f, error) || wrong_size(vc, &output[f], f, error)) {
            return MNEMO_ERR_INVALID_ARGUMENT;
        }
        track(vc, input->source_flow ? &input->source_flow[f] : NULL);
        render(vc, &input->frames[f], &output[f], vc->stabilize > 0);
    }
    return MNEMO_OK;
}

/* Without the source's flow there is no shake to measure: the path alone. */
static mnemo_status edit_process(void *instance, const mnemo_frame *input, mnemo_frame *output, uint32_t count,
                                 mnemo_error *error) {
    virtual_camera *vc = (virtual_camera *)instance;
    for (uint32_t f = 0; f < count; ++f) {
        if (wrong_size(vc, &input[f], f, error) || wrong_size(vc, &output[f], f, error)) {
            return MNEMO_ERR_INVALID_ARGUMENT;
        }
        render(vc, &input[f], &output[f], 0);
    }
    return MNEMO_OK;
}

/* ---- the GPU path ---- */

static void to_floats(const mat3 *m, float out[9]) {
    for (int i = 0; i < 9; ++i) out[i] = (float)m->m[i];
}

/* Each entry as hi + lo, two floats whose sum is the double to about 48 bits: virtual_camera.comp maps in double-float
 * arithmetic, as precise as the C code's double where float alone is not (large frames, the black edge, steep
 * tilts). */
static void to_pairs(const mat3 *m, float out[18]) {
    for (int i = 0; i < 9; ++i) {
        out[2 * i] = (float)m->m[i];
        out[2 * i + 1] = (float)(m->m[i] - out[2 * i]);
    }
}

/* Frame f's input and output as bindings 0 and 1; refuses a wrong size and an output over its input (any source
 * pixel may be read for any output pixel). */
static mnemo_status gpu_frames(const virtual_camera *vc, const mnemo_gpu_edit_input *input,
                               const mnemo_gpu_frame *output, uint32_t f, vk_edit_range ranges[2], mnemo_error *error) {
    mnemo_status st = vk_edit_frame_range(k_info.id, &input->frames[f], vc->width, vc->height, "input", f, &ranges[0],
                                          error);
    if (st == MNEMO_OK) {
        st = vk_edit_frame_range(k_info.id, &output[f], vc->width, vc->height, "output", f, &ranges[1], error);
    }
    if (st == MNEMO_OK && vk_edit_overlap(ranges[0], ranges[1])) {
        snprintf(error->message, sizeof error->message, "virtual-camera: cannot work in place (it reads any pixel)");
        st = MNEMO_ERR_INVALID_ARGUMENT;
    }
    return st;
}

/* track()'s cases for frame f as virtual_camera_motion.comp's flags; the flow as *binding when there is one of the
 * frame's size to measure (otherwise the binding is left as it is and never read). */
static uint32_t gpu_flow_flags(const virtual_camera *vc, const mnemo_gpu_flow *flow, vk_edit_range *binding) {
    const uint64_t bytes = (uint64_t)vc->width * vc->height * 8;
    if (!MNEMO_HAS_FIELD(flow, mnemo_gpu_flow, size) || !flow->buffer) return MOTION_RESTART; /* a stream's first */
    uint32_t flags = MOTION_FOLLOW | (vc->gpu_tracking ? 0u : (uint32_t)MOTION_RESTART);
    if (flow->width == vc->width && flow->height == vc->height && flow->size >= bytes) {
        flags |= MOTION_ESTIMATE;
        binding->buffer = flow->buffer;
        binding->offset = flow->offset;
        binding->size = bytes;
    }
    return flags;
}

static motion_push gpu_motion_push(const virtual_camera *vc, uint32_t flags) {
    motion_push p;
    memset(&p, 0, sizeof p);
    p.width = vc->width;
    p.height = vc->height;
    p.step_x = grid_step_x(vc->width);
    p.step_y = grid_step_y(vc->height);
    p.columns = grid_count(vc->width, p.step_x);
    p.rows = grid_count(vc->height, p.step_y);
    p.flags = flags;
    p.keep = (float)exp(-1 / vc->smoothing); /* 1 - follow_trajectory's alpha */
    p.relax = (float)exp(-1 / (2 * vc->smoothing));
    p.stabilize = (float)vc->stabilize;
    const mat3 path = path_homography(vc);
    to_floats(&path, p.path);
    return p;
}

/* track() on the device for one frame: one workgroup reads the flow and the state and leaves the stabilized
 * homography in the state for the render that follows. */
static mnemo_status gpu_track(virtual_camera *vc, void *cmd, const mnemo_gpu_flow *flow, mnemo_error *error) {
    const vk_edit_range state = vk_edit_buffer_range(vc->gpu_state);
    vk_edit_range bindings[2] = {state, state}; /* the state stands in for a flow that is not read */
    const motion_push push = gpu_motion_push(vc, gpu_flow_flags(vc, flow, &bindings[0]));
    /* The state's last writes (the previous frame's, in this call or the last) before this frame reads them, and the
     * previous render's reads of the homography before it is rewritten. */
    vk_edit_barrier(cmd, &state, 1, VK_EDIT_ACCESS_SHADER_WRITE,
                    VK_EDIT_ACCESS_SHADER_READ | VK_EDIT_ACCESS_SHADER_WRITE);
    const mnemo_status st = vk_edit_dispatch(vc->gpu, cmd, vc->gpu_motion, bindings, &push, 1, 1, error);
    if (st != MNEMO_OK) return st;
    vc->gpu_tracking = 1;
    vk_edit_barrier(cmd, &state, 1, VK_EDIT_ACCESS_SHADER_WRITE, VK_EDIT_ACCESS_SHADER_READ); /* for the render */
    return MNEMO_OK;
}

/* Frame f as edit_process_with_source does it (with the source's flow) or edit_process (without): track, then render
 * by a copy, the path's homography, or the stabilized one the track left on the device. */
static mnemo_status gpu_frame(virtual_camera *vc, const mnemo_gpu_edit_input *input, const mnemo_gpu_frame *output,
                              uint32_t f, mnemo_error *error) {
    vk_edit_range bindings[3];
    mnemo_status st = gpu_frames(vc, input, output, f, bindings, error); /* checked before anything was recorded */
    bindings[2] = vk_edit_buffer_range(vc->gpu_state);
    if (st == MNEMO_OK && input->source_flow) st = gpu_track(vc, input->command_buffer, &input->source_flow[f], error);
    if (st != MNEMO_OK) return st;
    render_push push;
    memset(&push, 0, sizeof push);
    push.width = vc->width;
    push.height = vc->height;
    push.edge = vc->edge != 0;
    push.mode = input->source_flow && vc->stabilize > 0 ? RENDER_STATE
                : path_is_identity(vc)                  ? RENDER_COPY
                                                        : RENDER_PUSH;
    if (push.mode == RENDER_PUSH) {
        const mat3 path = path_homography(vc);
        to_pairs(&path, push.m);
    }
    return vk_edit_dispatch(vc->gpu, input->command_buffer, vc->gpu_render, bindings, &push,
                            vk_edit_groups(vc->width, 16), vk_edit_groups(vc->height, 16), error);
}

static mnemo_status edit_process_gpu(void *instance, const mnemo_gpu_edit_input *input, mnemo_gpu_frame *output,
                                     mnemo_error *error) {
    virtual_camera *vc = (virtual_camera *)instance;
    if (!vc->gpu) return vk_edit_unavailable(k_info.id, error);
    if (!input || !MNEMO_HAS_FIELD(input, mnemo_gpu_edit_input, count) || !input->command_buffer ||
        (input->count > 0 && (!input->frames || !output))) {
        snprintf(error->message, sizeof error->message,
                 "virtual-camera: edit_process_gpu needs a command buffer and frames");
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    vk_edit_range ranges[2];
    mnemo_status st = MNEMO_OK;
    for (uint32_t f = 0; f < input->count && st == MNEMO_OK; ++f) st = gpu_frames(vc, input, output, f, ranges, error);
    if (st == MNEMO_OK) st = vk_edit_begin(vc->gpu, error);
    for (uint32_t f = 0; f < input->count && st == MNEMO_OK; ++f) st = gpu_frame(vc, input, output, f, error);
    return st;
}

static const mnemo_module_api k_api = {
    sizeof(mnemo_module_api), MNEMO_MODULE_ABI_VERSION, describe, create, destroy, set_param, reset, NULL,
    edit_process, edit_process_with_source, NULL /* set_param_text */, edit_process_gpu,
};

MNEMO_MODULE_EXPORT const mnemo_module_api *mnemo_module_entry(uint32_t host_abi_version) {
    return host_abi_version == MNEMO_MODULE_ABI_VERSION ? &k_api : NULL;
}
