/*
 * temporal-stabilizer: StreamV2V's idea in pixel space. Each edited frame is blended with the previous OUTPUT warped
 * along the optical flow of the SOURCE, so an edit that re-rolls its look every frame (per-frame diffusion, the
 * stylize module) holds still where the picture holds still and moves where the picture moves.
 *
 * Where the flow is unreliable the edited frame is kept as it is: a pixel is trusted when the source frame t and the
 * source frame t-1 sampled where the flow says it came from agree (photometric check, max channel difference under
 * `tolerance`), and when that position lies inside the frame. Strength is the previous output's weight.
 * It asks the host for the source and its flow (edit_process_with_source); the first frame of a stream passes through.
 *
 * On a host with a Vulkan device the same runs on GPU frames (edit_process_gpu, shaders/temporal_stabilizer.comp),
 * with the previous output and source kept in private device buffers; the CPU path stays the reference.
 */
#include "vk_edit.h"

#include <mnemo/module.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t k_stabilizer_spv[] =
#include "shaders/temporal_stabilizer.comp.inc"
    ;

/* The shader's push constants (temporal_stabilizer.comp's Push). */
typedef struct stabilizer_push {
    uint32_t width, height, follow;
    float strength, tolerance;
} stabilizer_push;

enum { STATE_OUTPUT, STATE_SOURCE };

typedef struct stabilizer {
    uint32_t width, height;
    double strength, tolerance;
    uint8_t *previous;       /* the last output frame, RGBA; valid when has_previous */
    uint8_t *previousSource; /* the source frame it was made from, for the photometric check */
    int has_previous;
    /* GPU path: gpu is NULL when the host has no Vulkan device. The previous output and source live on the device,
     * double-buffered: the shader reads gpu_state[gpu_slot] (at neighbouring pixels) while it writes the other. */
    vk_edit *gpu;
    vk_edit_pipeline *gpu_pipeline;
    vk_edit_buffer *gpu_state[2][2]; /* [slot][STATE_OUTPUT or STATE_SOURCE] */
    int gpu_slot;
    int gpu_has_previous; /* apart from has_previous: a host may switch paths, and each keeps its own history */
} stabilizer;

static const mnemo_param_desc k_params[] = {
    {sizeof(mnemo_param_desc), "strength", "Strength", "Weight of the previous output, warped along the source's motion",
     MNEMO_PARAM_FLOAT, 0, 0.95, 0.7, NULL, 0, 0},
    {sizeof(mnemo_param_desc), "tolerance", "Flow tolerance",
     "Largest source colour difference (0-255) along the flow still trusted", MNEMO_PARAM_FLOAT, 1, 255, 24, NULL, 0,
     0},
};

static const mnemo_module_info k_info = {
    sizeof(mnemo_module_info), "temporal-stabilizer", "Temporal Stabilizer", "1.0.0",
    "Blends each edited frame with the previous output warped by the source's optical flow (StreamV2V's idea).",
    MNEMO_MODULE_KIND_EDIT, 1, k_params, 2, 0,
};

static const mnemo_module_info *describe(void) { return &k_info; }

static mnemo_status set_param(void *instance, const mnemo_param_value *value, mnemo_error *error) {
    stabilizer *s = (stabilizer *)instance;
    double *fields[] = {&s->strength, &s->tolerance};
    for (uint32_t i = 0; i < k_info.param_count; ++i) {
        const mnemo_param_desc *d = &k_params[i];
        if (strcmp(value->name, d->name) != 0) continue;
        if (!(value->value >= d->min_value && value->value <= d->max_value)) {
            snprintf(error->message, sizeof error->message, "temporal-stabilizer: %s must be within [%g, %g], not %g",
                     d->name, d->min_value, d->max_value, value->value);
            return MNEMO_ERR_INVALID_ARGUMENT;
        }
        *fields[i] = value->value;
        return MNEMO_OK;
    }
    snprintf(error->message, sizeof error->message, "temporal-stabilizer has no parameter '%s'", value->name);
    return MNEMO_ERR_INVALID_ARGUMENT;
}

/* The GPU path's pipeline and state buffers when the host offers a Vulkan device; a failure fails create. */
static mnemo_status gpu_init(stabilizer *s, const mnemo_host_services *host, mnemo_error *error) {
    mnemo_status st = vk_edit_create(host, k_info.id, &s->gpu, error);
    if (st != MNEMO_OK || !s->gpu) return st;
    st = vk_edit_pipeline_create(s->gpu, k_stabilizer_spv, sizeof k_stabilizer_spv, 8, 0, sizeof(stabilizer_push),
                                 &s->gpu_pipeline, error);
    const uint64_t bytes = (uint64_t)s->width * s->height * 4;
    for (int slot = 0; slot < 2; ++slot) {
        for (int k = 0; k < 2 && st == MNEMO_OK; ++k) {
            st = vk_edit_buffer_create(s->gpu, bytes, VK_EDIT_MEMORY_DEVICE, &s->gpu_state[slot][k], error);
        }
    }
    return st;
}

static void destroy(void *instance);

static mnemo_status create(const mnemo_host_services *host, const mnemo_create_args *args, void **out,
                           mnemo_error *error) {
    if (args->width == 0 || args->height == 0) {
        snprintf(error->message, sizeof error->message, "temporal-stabilizer: frame size %ux%u is empty", args->width,
                 args->height);
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    stabilizer *s = (stabilizer *)calloc(1, sizeof *s);
    uint8_t *previous = (uint8_t *)malloc((size_t)args->width * args->height * 4);
    uint8_t *previousSource = (uint8_t *)malloc((size_t)args->width * args->height * 4);
    if (!s || !previous || !previousSource) {
        free(s);
        free(previous);
        free(previousSource);
        snprintf(error->message, sizeof error->message, "temporal-stabilizer: out of memory");
        return MNEMO_ERR_OUT_OF_MEMORY;
    }
    s->width = args->width;
    s->height = args->height;
    s->previous = previous;
    s->previousSource = previousSource;
    s->strength = 0.7;
    s->tolerance = 24;
    for (uint32_t i = 0; i < args->param_count; ++i) {
        mnemo_status st = set_param(s, &args->params[i], error);
        if (st != MNEMO_OK) {
            free(s->previous);
            free(s->previousSource);
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
    stabilizer *s = (stabilizer *)instance;
    vk_edit_destroy(s->gpu); /* the host has waited for the work recorded with it */
    free(s->previous);
    free(s->previousSource);
    free(s);
}

static mnemo_status reset(void *instance, const mnemo_reset_args *args, mnemo_error *error) {
    (void)args;
    (void)error;
    ((stabilizer *)instance)->has_previous = 0;
    ((stabilizer *)instance)->gpu_has_previous = 0;
    return MNEMO_OK;
}

/* Bilinear sample of an RGBA image at (x, y), inside [0, w-1] x [0, h-1]. */
static void sample(const uint8_t *image, size_t stride, uint32_t w, uint32_t h, float x, float y, float out[3]) {
    const int x0 = (int)floorf(x), y0 = (int)floorf(y);
    const int x1 = x0 + 1 < (int)w ? x0 + 1 : x0, y1 = y0 + 1 < (int)h ? y0 + 1 : y0;
    const float fx = x - (float)x0, fy = y - (float)y0;
    const uint8_t *a = image + (size_t)y0 * stride + 4u * (uint32_t)x0, *b = image + (size_t)y0 * stride + 4u * (uint32_t)x1;
    const uint8_t *c = image + (size_t)y1 * stride + 4u * (uint32_t)x0, *d = image + (size_t)y1 * stride + 4u * (uint32_t)x1;
    for (int k = 0; k < 3; ++k) {
        const float top = a[k] + (b[k] - a[k]) * fx, bottom = c[k] + (d[k] - c[k]) * fx;
        out[k] = top + (bottom - top) * fy;
    }
}

/* One output pixel: the edit, or the blend with the warped previous output where the flow is trusted. */
static void stabilize_pixel(const stabilizer *s, const mnemo_frame *edit, const mnemo_frame *src, const float *flow,
                            uint32_t x, uint32_t y, uint8_t *dst) {
    const uint8_t *e = edit->pixels + (size_t)y * edit->stride_bytes + 4u * x;
    const float fx = (float)x + flow[0], fy = (float)y + flow[1];
    memcpy(dst, e, 4);
    if (!(fx >= 0 && fy >= 0 && fx <= (float)(s->width - 1) && fy <= (float)(s->height - 1))) return;
    float before[3], warped[3];
    sample(s->previousSource, (size_t)s->width * 4, s->width, s->height, fx, fy, before);
    const uint8_t *now = src->pixels + (size_t)y * src->stride_bytes + 4u * x;
    for (int k = 0; k < 3; ++k) {
        if (fabsf((float)now[k] - before[k]) > (float)s->tolerance) return;
    }
    sample(s->previous, (size_t)s->width * 4, s->width, s->height, fx, fy, warped);
    const float w = (float)s->strength;
    for (int k = 0; k < 3; ++k) dst[k] = (uint8_t)(e[k] * (1 - w) + warped[k] * w + 0.5f);
}

static void remember(stabilizer *s, const mnemo_frame *out, const mnemo_frame *src) {
    for (uint32_t y = 0; y < s->height; ++y) {
        memcpy(s->previous + (size_t)y * s->width * 4, out->pixels + (size_t)y * out->stride_bytes, s->width * 4u);
        memcpy(s->previousSource + (size_t)y * s->width * 4, src->pixels + (size_t)y * src->stride_bytes,
               s->width * 4u);
    }
    s->has_previous = 1;
}

static void stabilize_frame(stabilizer *s, const mnemo_frame *edit, const mnemo_frame *src, const mnemo_flow *flow,
                            mnemo_frame *out) {
    const int follow = s->has_previous && flow->xy && flow->width == s->width && flow->height == s->height;
    for (uint32_t y = 0; y < s->height; ++y) {
        uint8_t *dst = out->pixels + (size_t)y * out->stride_bytes;
        if (!follow) {
            memcpy(dst, edit->pixels + (size_t)y * edit->stride_bytes, s->width * 4u);
            continue;
        }
        for (uint32_t x = 0; x < s->width; ++x) {
            stabilize_pixel(s, edit, src, flow->xy + 2 * ((size_t)y * s->width + x), x, y, dst + 4u * x);
        }
    }
    remember(s, out, src);
}

static mnemo_status edit_process_with_source(void *instance, const mnemo_edit_input *input, mnemo_frame *output,
                                             mnemo_error *error) {
    stabilizer *s = (stabilizer *)instance;
    for (uint32_t f = 0; f < input->count; ++f) {
        const mnemo_frame *edit = &input->frames[f], *src = &input->source[f];
        if (edit->width != s->width || edit->height != s->height || src->width != s->width ||
            src->height != s->height || output[f].width != s->width || output[f].height != s->height) {
            snprintf(error->message, sizeof error->message, "temporal-stabilizer: frame %u is %ux%u, created for %ux%u",
                     f, edit->width, edit->height, s->width, s->height);
            return MNEMO_ERR_INVALID_ARGUMENT;
        }
        stabilize_frame(s, edit, src, &input->source_flow[f], &output[f]);
    }
    return MNEMO_OK;
}

/* Without the source there is no motion to follow: the host always calls edit_process_with_source when it is set,
 * so this only answers a host that does not know it. */
static mnemo_status edit_process(void *instance, const mnemo_frame *input, mnemo_frame *output, uint32_t count,
                                 mnemo_error *error) {
    (void)instance, (void)input, (void)output, (void)count;
    snprintf(error->message, sizeof error->message, "temporal-stabilizer needs a host that passes the source's flow");
    return MNEMO_ERR_UNSUPPORTED;
}

/* ---- the GPU path ---- */

/* Frame f's edit, source and output as bindings 0, 1 and 3, and its flow as binding 2 (with *follow = 1) when there
 * is one to follow; otherwise the edit stands in for the flow, which the shader then never reads. */
static mnemo_status gpu_frames(const stabilizer *s, const mnemo_gpu_edit_input *input, const mnemo_gpu_frame *output,
                               uint32_t f, vk_edit_range bindings[4], uint32_t *follow, mnemo_error *error) {
    const char *id = k_info.id;
    mnemo_status st = vk_edit_frame_range(id, &input->frames[f], s->width, s->height, "input", f, &bindings[0], error);
    if (st == MNEMO_OK) {
        st = vk_edit_frame_range(id, &input->source[f], s->width, s->height, "source", f, &bindings[1], error);
    }
    if (st == MNEMO_OK) st = vk_edit_frame_range(id, &output[f], s->width, s->height, "output", f, &bindings[3], error);
    if (st != MNEMO_OK) return st;
    const mnemo_gpu_flow *flow = &input->source_flow[f];
    const uint64_t bytes = (uint64_t)s->width * s->height * 8;
    /* As stabilize_frame: follow only from a previous frame, along a flow of this size. */
    *follow = s->gpu_has_previous && MNEMO_HAS_FIELD(flow, mnemo_gpu_flow, size) && flow->buffer &&
              flow->width == s->width && flow->height == s->height && flow->size >= bytes;
    bindings[2] = bindings[0];
    if (*follow) {
        bindings[2].buffer = flow->buffer;
        bindings[2].offset = flow->offset;
        bindings[2].size = bytes;
    }
    return MNEMO_OK;
}

/* Frame f, reading the state of the previous frame and writing its own into the other slot. */
static mnemo_status gpu_frame(stabilizer *s, const mnemo_gpu_edit_input *input, const mnemo_gpu_frame *output,
                              uint32_t f, mnemo_error *error) {
    vk_edit_range bindings[8];
    uint32_t follow = 0;
    mnemo_status st = gpu_frames(s, input, output, f, bindings, &follow, error);
    if (st != MNEMO_OK) return st;
    const int read = s->gpu_slot, write = 1 - s->gpu_slot;
    bindings[4] = vk_edit_buffer_range(s->gpu_state[read][STATE_OUTPUT]);
    bindings[5] = vk_edit_buffer_range(s->gpu_state[read][STATE_SOURCE]);
    bindings[6] = vk_edit_buffer_range(s->gpu_state[write][STATE_OUTPUT]);
    bindings[7] = vk_edit_buffer_range(s->gpu_state[write][STATE_SOURCE]);
    /* The previous frame's state writes (this call's or the last call's) before this frame reads it, and its reads
     * of the other slot before this frame overwrites it. */
    vk_edit_barrier(input->command_buffer, &bindings[4], 4, VK_EDIT_ACCESS_SHADER_WRITE,
                    VK_EDIT_ACCESS_SHADER_READ | VK_EDIT_ACCESS_SHADER_WRITE);
    const stabilizer_push push = {s->width, s->height, follow, (float)s->strength, (float)s->tolerance};
    st = vk_edit_dispatch(s->gpu, input->command_buffer, s->gpu_pipeline, bindings, &push,
                          vk_edit_groups(s->width, 16), vk_edit_groups(s->height, 16), error);
    if (st != MNEMO_OK) return st;
    s->gpu_slot = write;
    s->gpu_has_previous = 1;
    return MNEMO_OK;
}

static mnemo_status edit_process_gpu(void *instance, const mnemo_gpu_edit_input *input, mnemo_gpu_frame *output,
                                     mnemo_error *error) {
    stabilizer *s = (stabilizer *)instance;
    if (!s->gpu) return vk_edit_unavailable(k_info.id, error);
    if (!input || !MNEMO_HAS_FIELD(input, mnemo_gpu_edit_input, count) || !input->command_buffer ||
        (input->count > 0 && (!input->frames || !input->source || !input->source_flow || !output))) {
        snprintf(error->message, sizeof error->message,
                 "temporal-stabilizer: edit_process_gpu needs a command buffer, frames, source frames and their flow");
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    vk_edit_range bindings[4];
    uint32_t follow = 0;
    mnemo_status st = MNEMO_OK;
    for (uint32_t f = 0; f < input->count && st == MNEMO_OK; ++f) { /* all checked before anything is recorded */
        st = gpu_frames(s, input, output, f, bindings, &follow, error);
    }
    if (st == MNEMO_OK) st = vk_edit_begin(s->gpu, error);
    for (uint32_t f = 0; f < input->count && st == MNEMO_OK; ++f) st = gpu_frame(s, input, output, f, error);
    return st;
}

static const mnemo_module_api k_api = {
    sizeof(mnemo_module_api), MNEMO_MODULE_ABI_VERSION, describe, create, destroy, set_param, reset, NULL,
    edit_process, edit_process_with_source, NULL /* set_param_text */, edit_process_gpu,
};

MNEMO_MODULE_EXPORT const mnemo_module_api *mnemo_module_entry(uint32_t host_abi_version) {
    return host_abi_version == MNEMO_MODULE_ABI_VERSION ? &k_api : NULL;
}
