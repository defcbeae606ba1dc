/*
 * temporal-stabilizer: StreamV2V's idea in pixel space. Each edited frame is blended with the previous OUTPUT warped
 * along the optical flow of the SOURCE, so an edit that re-rolls its look every frame (per-frame diffusion, the
 * stylize module) holds still where the picture holds still and moves where the picture moves.
 *
 * Where the flow is unreliable the edited frame is kept as it is: a pixel is trusted when the source frame t and the
 * source frame t-1 sampled where the flow says it came from agree (photometric check, max channel difference under
 * `tolerance`), and when that position lies inside the frame. Strength is the previous output's weight.
 * It asks the host for the source and its flow (edit_process_with_source); the first frame of a stream passes through.
 */
#include <mnemo/module.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct stabilizer {
    uint32_t width, height;
    double strength, tolerance;
    uint8_t *previous;       /* the last output frame, RGBA; valid when has_previous */
    uint8_t *previousSource; /* the source frame it was made from, for the photometric check */
    int has_previous;
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

static mnemo_status create(const mnemo_host_services *host, const mnemo_create_args *args, void **out,
                           mnemo_error *error) {
    (void)host;
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
    *out = s;
    return MNEMO_OK;
}

static void destroy(void *instance) {
    stabilizer *s = (stabilizer *)instance;
    free(s->previous);
    free(s->previousSource);
    free(s);
}

static mnemo_status reset(void *instance, const mnemo_reset_args *args, mnemo_error *error) {
    (void)args;
    (void)error;
    ((stabilizer *)instance)->has_previous = 0;
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

static const mnemo_module_api k_api = {
    sizeof(mnemo_module_api), MNEMO_MODULE_ABI_VERSION, describe, create, destroy, set_param, reset, NULL,
    edit_process, edit_process_with_source,
};

MNEMO_MODULE_EXPORT const mnemo_module_api *mnemo_module_entry(uint32_t host_abi_version) {
    return host_abi_version == MNEMO_MODULE_ABI_VERSION ? &k_api : NULL;
}
