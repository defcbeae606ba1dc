/*
 * stylize: a painterly per-frame look that flickers on its own, the way per-frame diffusion edits do.
 *
 * Each output pixel takes its colour from a nearby source pixel chosen at random (brush scatter), posterized to a few
 * levels, with grain. The randomness is seeded by the frame's index and the module's seed, so a frame always looks
 * the same when rendered again, but consecutive frames scatter differently: the honest test subject for temporal
 * stabilization and for the warp-error meter.
 *
 * On a host with a Vulkan device the same look also runs on GPU frames (edit_process_gpu, shaders/stylize.comp), with
 * the same hash in 64-bit integer arithmetic: the same brush strokes and, but for a rare 1 LSB of grain, the same
 * pixels. The CPU path stays the reference.
 */
#include "vk_edit.h"

#include <mnemo/module.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t k_stylize_spv[] =
#include "shaders/stylize.comp.inc"
    ;

/* The shader's push constants (stylize.comp's Push). */
typedef struct stylize_push {
    uint32_t frame_key[2]; /* low word, high word */
    uint32_t width, height;
    int32_t scatter;
    uint32_t span;
    float grain_scale;
    float inv65535;
    /* span's constants for the shader's remainders without integer division: 1 / span, 2^16 % span, 2^32 % span */
    float inv_span;
    uint32_t wrap16, wrap32;
} stylize_push;

typedef struct stylize {
    uint32_t width, height;
    uint64_t seed;
    double levels, scatter, grain;
    /* GPU path: gpu is NULL when the host has no Vulkan device. */
    vk_edit *gpu;
    vk_edit_pipeline *gpu_pipeline;
    vk_edit_buffer *gpu_tables; /* the posterized value of each code, rewritten each call (levels may change) */
} stylize;

static const mnemo_param_desc k_params[] = {
    {sizeof(mnemo_param_desc), "levels", "Levels", "Colour levels per channel after posterizing", MNEMO_PARAM_INT, 2,
     32, 6, NULL, 0, 0},
    {sizeof(mnemo_param_desc), "scatter", "Brush scatter", "How far (pixels) a pixel may take its colour from",
     MNEMO_PARAM_INT, 0, 8, 2, NULL, 0, 0},
    {sizeof(mnemo_param_desc), "grain", "Grain", "Random grain added per pixel and frame (0-255 units)",
     MNEMO_PARAM_FLOAT, 0, 64, 12, NULL, 0, 0},
};

static const mnemo_module_info k_info = {
    sizeof(mnemo_module_info), "stylize", "Stylize", "1.0.0",
    "A painterly look re-rolled every frame (scatter, posterize, grain): flickers like per-frame diffusion edits.",
    MNEMO_MODULE_KIND_EDIT, 1, k_params, 3, 0,
};

static const mnemo_module_info *describe(void) { return &k_info; }

static mnemo_status set_param(void *instance, const mnemo_param_value *value, mnemo_error *error) {
    stylize *s = (stylize *)instance;
    double *fields[] = {&s->levels, &s->scatter, &s->grain};
    for (uint32_t i = 0; i < k_info.param_count; ++i) {
        const mnemo_param_desc *d = &k_params[i];
        if (strcmp(value->name, d->name) != 0) continue;
        if (!(value->value >= d->min_value && value->value <= d->max_value)) {
            snprintf(error->message, sizeof error->message, "stylize: %s must be within [%g, %g], not %g", d->name,
                     d->min_value, d->max_value, value->value);
            return MNEMO_ERR_INVALID_ARGUMENT;
        }
        *fields[i] = value->value;
        return MNEMO_OK;
    }
    snprintf(error->message, sizeof error->message, "stylize has no parameter '%s'", value->name);
    return MNEMO_ERR_INVALID_ARGUMENT;
}

/* Whether the shader paints four pixels an invocation (stylize.comp's QUADS): rows must hold whole groups of four. */
static uint32_t gpu_quads(const stylize *s) { return s->width % 4 == 0; }

/* The GPU path's pipeline and table when the host offers a Vulkan device; a failure fails create. */
static mnemo_status gpu_init(stylize *s, const mnemo_host_services *host, mnemo_error *error) {
    mnemo_status st = vk_edit_create(host, k_info.id, &s->gpu, error);
    if (st != MNEMO_OK || !s->gpu) return st;
    const uint32_t quads = gpu_quads(s); /* stylize.comp's QUADS */
    st = vk_edit_pipeline_create_specialized(s->gpu, k_stylize_spv, sizeof k_stylize_spv, 3, 1u << 2 /* Tables */,
                                             sizeof(stylize_push), &quads, 1, &s->gpu_pipeline, error);
    if (st != MNEMO_OK) return st;
    return vk_edit_buffer_create(s->gpu, 256 * sizeof(float), VK_EDIT_MEMORY_HOST_VISIBLE, &s->gpu_tables, error);
}

static void destroy(void *instance);

static mnemo_status create(const mnemo_host_services *host, const mnemo_create_args *args, void **out,
                           mnemo_error *error) {
    if (args->width == 0 || args->height == 0) {
        snprintf(error->message, sizeof error->message, "stylize: frame size %ux%u is empty", args->width,
                 args->height);
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    stylize *s = (stylize *)calloc(1, sizeof *s);
    if (!s) {
        snprintf(error->message, sizeof error->message, "stylize: out of memory");
        return MNEMO_ERR_OUT_OF_MEMORY;
    }
    s->width = args->width;
    s->height = args->height;
    s->seed = 1;
    s->levels = 6;
    s->scatter = 2;
    s->grain = 12;
    for (uint32_t i = 0; i < args->param_count; ++i) {
        mnemo_status st = set_param(s, &args->params[i], error);
        if (st != MNEMO_OK) {
            free(s);
            return st;
        }
    }
    const mnemo_status st = gpu_init(s, host, error);
    if (st != MNEMO_OK) {
        destroy(s);
        return st;
    }
    *out = s;
    return MNEMO_OK;
}

static void destroy(void *instance) {
    stylize *s = (stylize *)instance;
    vk_edit_destroy(s->gpu); /* the host has waited for the work recorded with it */
    free(s);
}

static mnemo_status reset(void *instance, const mnemo_reset_args *args, mnemo_error *error) {
    (void)error;
    ((stylize *)instance)->seed = args->seed;
    return MNEMO_OK;
}

/* splitmix64: a good 64-bit mix of (seed, frame, pixel) with no state to carry between frames. */
static uint64_t mix(uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

static void paint_frame(const stylize *s, const mnemo_frame *in, mnemo_frame *out) {
    const int scatter = (int)s->scatter, span = 2 * scatter + 1, levels = (int)s->levels;
    const double step = 255.0 / (levels - 1);
    const uint64_t frameKey = mix(s->seed ^ mix(in->index));
    for (uint32_t y = 0; y < s->height; ++y) {
        uint8_t *dst = out->pixels + (size_t)y * out->stride_bytes;
        for (uint32_t x = 0; x < s->width; ++x) {
            const uint64_t r = mix(frameKey ^ ((uint64_t)y << 32 | x));
            const int sx = clampi((int)x + (int)(r % (uint64_t)span) - scatter, 0, (int)s->width - 1);
            const int sy = clampi((int)y + (int)((r >> 16) % (uint64_t)span) - scatter, 0, (int)s->height - 1);
            const uint8_t *src = in->pixels + (size_t)sy * in->stride_bytes + 4u * (uint32_t)sx;
            const double grain = ((double)((r >> 32) & 0xFFFF) / 65535.0 - 0.5) * 2.0 * s->grain;
            for (int k = 0; k < 3; ++k) {
                const double posterized = (int)(src[k] / step + 0.5) * step;
                dst[4 * x + k] = (uint8_t)clampi((int)(posterized + grain + 0.5), 0, 255);
            }
            dst[4 * x + 3] = src[3];
        }
    }
}

static mnemo_status edit_process(void *instance, const mnemo_frame *input, mnemo_frame *output, uint32_t count,
                                 mnemo_error *error) {
    const stylize *s = (const stylize *)instance;
    for (uint32_t f = 0; f < count; ++f) {
        if (input[f].width != s->width || input[f].height != s->height || output[f].width != s->width ||
            output[f].height != s->height) {
            snprintf(error->message, sizeof error->message, "stylize: frame %u is %ux%u, created for %ux%u", f,
                     input[f].width, input[f].height, s->width, s->height);
            return MNEMO_ERR_INVALID_ARGUMENT;
        }
        if (input[f].pixels == output[f].pixels) {
            snprintf(error->message, sizeof error->message, "stylize: cannot work in place (it reads neighbours)");
            return MNEMO_ERR_INVALID_ARGUMENT;
        }
        paint_frame(s, &input[f], &output[f]);
    }
    return MNEMO_OK;
}

/* ---- the GPU path ---- */

/* The posterized value of each code, as paint_frame computes it (in double), for the shader to add grain to. */
static mnemo_status gpu_upload(stylize *s, mnemo_error *error) {
    const double step = 255.0 / ((int)s->levels - 1);
    float posterized[256];
    for (int v = 0; v < 256; ++v) posterized[v] = (float)((int)(v / step + 0.5) * step);
    return vk_edit_buffer_write(s->gpu, s->gpu_tables, 0, posterized, sizeof posterized, error);
}

static stylize_push gpu_push(const stylize *s, uint64_t frame_index) {
    const uint64_t key = mix(s->seed ^ mix(frame_index)); /* paint_frame's frameKey */
    stylize_push push;
    memset(&push, 0, sizeof push);
    push.frame_key[0] = (uint32_t)key;
    push.frame_key[1] = (uint32_t)(key >> 32);
    push.width = s->width;
    push.height = s->height;
    push.scatter = (int32_t)s->scatter;
    push.span = 2u * (uint32_t)push.scatter + 1u;
    push.grain_scale = (float)(2.0 * s->grain);
    push.inv65535 = (float)(1.0 / 65535.0);
    push.inv_span = 1.0f / (float)push.span;
    push.wrap16 = 65536u % push.span;
    push.wrap32 = (uint32_t)((UINT64_C(1) << 32) % push.span);
    return push;
}

/* Both frames of pair f as bindings; refuses one that is not the created size and an output over its input. */
static mnemo_status gpu_frames(const stylize *s, const mnemo_gpu_edit_input *input, const mnemo_gpu_frame *output,
                               uint32_t f, vk_edit_range ranges[2], mnemo_error *error) {
    mnemo_status st = vk_edit_frame_range(k_info.id, &input->frames[f], s->width, s->height, "input", f, &ranges[0],
                                          error);
    if (st == MNEMO_OK) {
        st = vk_edit_frame_range(k_info.id, &output[f], s->width, s->height, "output", f, &ranges[1], error);
    }
    if (st == MNEMO_OK && vk_edit_overlap(ranges[0], ranges[1])) {
        snprintf(error->message, sizeof error->message, "stylize: cannot work in place (it reads neighbours)");
        st = MNEMO_ERR_INVALID_ARGUMENT;
    }
    return st;
}

/* One dispatch per frame (16x16 pixels a workgroup), each with its own frame key. */
static mnemo_status edit_process_gpu(void *instance, const mnemo_gpu_edit_input *input, mnemo_gpu_frame *output,
                                     mnemo_error *error) {
    stylize *s = (stylize *)instance;
    if (!s->gpu) return vk_edit_unavailable(k_info.id, error);
    if (!input || !MNEMO_HAS_FIELD(input, mnemo_gpu_edit_input, count) || !input->command_buffer ||
        (input->count > 0 && (!input->frames || !output))) {
        snprintf(error->message, sizeof error->message, "stylize: edit_process_gpu needs a command buffer and frames");
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    vk_edit_range bindings[3];
    mnemo_status st = MNEMO_OK;
    for (uint32_t f = 0; f < input->count && st == MNEMO_OK; ++f) st = gpu_frames(s, input, output, f, bindings, error);
    if (st == MNEMO_OK) st = vk_edit_begin(s->gpu, error);
    if (st == MNEMO_OK) st = gpu_upload(s, error);
    bindings[2] = vk_edit_buffer_range(s->gpu_tables);
    for (uint32_t f = 0; f < input->count && st == MNEMO_OK; ++f) {
        gpu_frames(s, input, output, f, bindings, error); /* checked above */
        const stylize_push push = gpu_push(s, input->frames[f].index);
        st = vk_edit_dispatch(s->gpu, input->command_buffer, s->gpu_pipeline, bindings, &push,
                              vk_edit_groups(gpu_quads(s) ? s->width / 4 : s->width, 16), vk_edit_groups(s->height, 16),
                              error);
    }
    return st;
}

static const mnemo_module_api k_api = {
    sizeof(mnemo_module_api), MNEMO_MODULE_ABI_VERSION, describe, create, destroy, set_param, reset, NULL, edit_process,
    NULL /* edit_process_with_source */, NULL /* set_param_text */, edit_process_gpu,
};

MNEMO_MODULE_EXPORT const mnemo_module_api *mnemo_module_entry(uint32_t host_abi_version) {
    return host_abi_version == MNEMO_MODULE_ABI_VERSION ? &k_api : NULL;
}
