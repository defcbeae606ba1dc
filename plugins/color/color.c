/*
 * color: exposure, white balance, saturation and contrast, an edit module on CPU frames.
 *
 * Exposure, white balance and saturation work on linear light (the sRGB curve undone through a 256-entry table and
 * redone through a 4096-entry one), as a camera would apply them; contrast works on the encoded values around mid
 * grey, as colour-grading tools present it. Alpha passes through. Deterministic: the same frame and parameters give
 * the same pixels, so a chain of it is temporally consistent by construction.
 */
#include <mnemo/module.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENCODE_STEPS 4096

typedef struct color {
    uint32_t width, height;
    double exposure, temperature, saturation, contrast;
    float linear[256];                /* sRGB code -> linear light */
    uint8_t encode[ENCODE_STEPS + 1]; /* linear light in [0, 1] -> sRGB code */
} color;

static const mnemo_param_desc k_params[] = {
    {sizeof(mnemo_param_desc), "exposure", "Exposure", "Stops of light added (+) or taken away (-)", MNEMO_PARAM_FLOAT,
     -4, 4, 0, NULL, 0, 0},
    {sizeof(mnemo_param_desc), "temperature", "Temperature", "Warmer (+) or cooler (-) white balance",
     MNEMO_PARAM_FLOAT, -1, 1, 0, NULL, 0, 0},
    {sizeof(mnemo_param_desc), "saturation", "Saturation", "0 grey, 1 unchanged, 2 twice as vivid", MNEMO_PARAM_FLOAT,
     0, 2, 1, NULL, 0, 0},
    {sizeof(mnemo_param_desc), "contrast", "Contrast", "Around mid grey: 0 flat, 1 unchanged, 2 twice as steep",
     MNEMO_PARAM_FLOAT, 0, 2, 1, NULL, 0, 0},
};

static const mnemo_module_info k_info = {
    sizeof(mnemo_module_info), "color", "Color", "1.0.0",
    "Exposure, white balance, saturation and contrast; deterministic per frame.",
    MNEMO_MODULE_KIND_EDIT, 1, k_params, 4, 0,
};

static const mnemo_module_info *describe(void) { return &k_info; }

static double srgb_to_linear(double v) { return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4); }
static double linear_to_srgb(double v) { return v <= 0.0031308 ? v * 12.92 : 1.055 * pow(v, 1.0 / 2.4) - 0.055; }

static void build_tables(color *c) {
    for (int i = 0; i < 256; ++i) c->linear[i] = (float)srgb_to_linear(i / 255.0);
    for (int i = 0; i <= ENCODE_STEPS; ++i) c->encode[i] = (uint8_t)lround(255.0 * linear_to_srgb((double)i / ENCODE_STEPS));
}

static mnemo_status set_param(void *instance, const mnemo_param_value *value, mnemo_error *error) {
    color *c = (color *)instance;
    for (uint32_t i = 0; i < k_info.param_count; ++i) {
        const mnemo_param_desc *d = &k_params[i];
        if (strcmp(value->name, d->name) != 0) continue;
        if (!(value->value >= d->min_value && value->value <= d->max_value)) {
            snprintf(error->message, sizeof error->message, "color: %s must be within [%g, %g], not %g", d->name,
                     d->min_value, d->max_value, value->value);
            return MNEMO_ERR_INVALID_ARGUMENT;
        }
        double *fields[] = {&c->exposure, &c->temperature, &c->saturation, &c->contrast};
        *fields[i] = value->value;
        return MNEMO_OK;
    }
    snprintf(error->message, sizeof error->message, "color has no parameter '%s'", value->name);
    return MNEMO_ERR_INVALID_ARGUMENT;
}

static mnemo_status create(const mnemo_host_services *host, const mnemo_create_args *args, void **out,
                           mnemo_error *error) {
    (void)host;
    if (args->width == 0 || args->height == 0) {
        snprintf(error->message, sizeof error->message, "color: frame size %ux%u is empty", args->width, args->height);
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    color *c = (color *)calloc(1, sizeof *c);
    if (!c) {
        snprintf(error->message, sizeof error->message, "color: out of memory");
        return MNEMO_ERR_OUT_OF_MEMORY;
    }
    c->width = args->width;
    c->height = args->height;
    c->saturation = 1;
    c->contrast = 1;
    build_tables(c);
    for (uint32_t i = 0; i < args->param_count; ++i) {
        mnemo_status s = set_param(c, &args->params[i], error);
        if (s != MNEMO_OK) {
            free(c);
            return s;
        }
    }
    *out = c;
    return MNEMO_OK;
}

static void destroy(void *instance) { free(instance); }

static uint8_t encode(const color *c, float linear) {
    if (!(linear > 0.0f)) return 0;
    if (linear >= 1.0f) return 255;
    return c->encode[(int)(linear * ENCODE_STEPS + 0.5f)];
}

static uint8_t apply_contrast(double contrast, uint8_t v) {
    const double out = (v / 255.0 - 0.5) * contrast + 0.5;
    return out <= 0 ? 0 : out >= 1 ? 255 : (uint8_t)lround(out * 255.0);
}

static void grade_pixel(const color *c, const uint8_t *in, uint8_t *out, const float gain[3], const uint8_t curve[256]) {
    float rgb[3];
    for (int k = 0; k < 3; ++k) rgb[k] = c->linear[in[k]] * gain[k];
    /* Rec. 709 luminance on linear light: saturation keeps brightness. */
    const float y = 0.2126f * rgb[0] + 0.7152f * rgb[1] + 0.0722f * rgb[2];
    for (int k = 0; k < 3; ++k) out[k] = curve[encode(c, y + (rgb[k] - y) * (float)c->saturation)];
    out[3] = in[3];
}

static mnemo_status edit_process(void *instance, const mnemo_frame *input, mnemo_frame *output, uint32_t count,
                                 mnemo_error *error) {
    const color *c = (const color *)instance;
    const float exposure = (float)pow(2.0, c->exposure);
    const float gain[3] = {exposure * (float)(1.0 + 0.25 * c->temperature), exposure,
                           exposure * (float)(1.0 - 0.25 * c->temperature)};
    uint8_t curve[256];
    for (int v = 0; v < 256; ++v) curve[v] = apply_contrast(c->contrast, (uint8_t)v);
    for (uint32_t f = 0; f < count; ++f) {
        const mnemo_frame *in = &input[f];
        mnemo_frame *out = &output[f];
        if (in->width != c->width || in->height != c->height || out->width != c->width || out->height != c->height) {
            snprintf(error->message, sizeof error->message, "color: frame %u is %ux%u, created for %ux%u", f,
                     in->width, in->height, c->width, c->height);
            return MNEMO_ERR_INVALID_ARGUMENT;
        }
        for (uint32_t y = 0; y < c->height; ++y) {
            const uint8_t *src = in->pixels + (size_t)y * in->stride_bytes;
            uint8_t *dst = out->pixels + (size_t)y * out->stride_bytes;
            for (uint32_t x = 0; x < c->width; ++x) grade_pixel(c, src + 4 * x, dst + 4 * x, gain, curve);
        }
    }
    return MNEMO_OK;
}

static const mnemo_module_api k_api = {
    sizeof(mnemo_module_api), MNEMO_MODULE_ABI_VERSION, describe, create, destroy, set_param, NULL, NULL, edit_process,
};

MNEMO_MODULE_EXPORT const mnemo_module_api *mnemo_module_entry(uint32_t host_abi_version) {
    return host_abi_version == MNEMO_MODULE_ABI_VERSION ? &k_api : NULL;
}
