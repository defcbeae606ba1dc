/*
 * color: exposure, white balance, saturation and contrast, and a 3D LUT, an edit module on CPU frames.
 *
 * Exposure, white balance and saturation work on linear light (the sRGB curve undone through a 256-entry table and
 * redone through a 4096-entry one), as a camera would apply them; contrast works on the encoded values around mid
 * grey, as colour-grading tools present it. Alpha passes through. Deterministic: the same frame and parameters give
 * the same pixels, so a chain of it is temporally consistent by construction.
 *
 * The LUT (`lut`, a .cube file or any LUT OpenColorIO reads) comes last, on the graded, display-encoded (sRGB)
 * values: that is how "look" LUTs are made and exchanged between colorists, on the picture as seen. color_lut.cpp
 * has OpenColorIO read it and bakes it into a lattice; here each pixel is a trilinear lookup in that lattice, mixed
 * with the graded pixel by `lut_strength`.
 *
 * On a host with a Vulkan device the same edit also runs on GPU frames (edit_process_gpu, shaders/color.comp): the
 * shader indexes the very tables built here, uploaded to a private buffer each call, and the lattice, uploaded once
 * per LUT change, so both paths give the same pixels (within 1 LSB). The CPU path stays the reference.
 */
#include "color_lut.h"
#include "vk_edit.h"

#include <mnemo/module.h>

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENCODE_STEPS 4096

static const uint32_t k_color_spv[] =
#include "shaders/color.comp.inc"
    ;

/* The shader's Tables uniform buffer (color.comp): floats first, then the 8-bit tables four codes to a word (little
 * endian, as every Vulkan host is), padded to whole 16-byte rows. A uniform buffer because the shader indexes it per
 * pixel (see vk_edit_pipeline_create); packed so it stays well under the 16 KiB every device must allow. */
typedef struct color_gpu_tables {
    float linear[256];
    float graded[256]; /* code / 255.0f: the shader divides nothing */
    float lut_frac[256];
    /* curve[encode[i]]: linear light in [0, 1] x ENCODE_STEPS -> the contrasted code, one look-up instead of two
     * (encode[0] is 0 and encode[ENCODE_STEPS] is 255, so the clamps of encode() land on the ends). Padded to words. */
    uint8_t tone[ENCODE_STEPS + 4];
    uint8_t lut_cell[256]; /* lattice cells fit a byte: LUTs are baked to COLOR_LUT_BAKE_SIZE points per axis */
    uint8_t pad[12];
} color_gpu_tables;

/* color.comp's word offsets (its *_WORD constants) and its block size. */
_Static_assert(offsetof(color_gpu_tables, graded) == 256 * 4, "color.comp: GRADED_WORD");
_Static_assert(offsetof(color_gpu_tables, lut_frac) == 512 * 4, "color.comp: LUT_FRAC_WORD");
_Static_assert(offsetof(color_gpu_tables, tone) == 768 * 4, "color.comp: TONE_WORD");
_Static_assert(offsetof(color_gpu_tables, lut_cell) == 1793 * 4, "color.comp: LUT_CELL_WORD");
_Static_assert(sizeof(color_gpu_tables) == 465 * 16, "color.comp: Tables holds 465 uvec4");
_Static_assert(COLOR_LUT_BAKE_SIZE <= 256, "a lattice cell is stored in a byte");

/* The shader's push constants (color.comp's Push). */
typedef struct color_push {
    uint32_t width, height, lut_size, with_lut;
    float gain[3], saturation;
    float lut_strength;
} color_push;

typedef struct color {
    uint32_t width, height;
    double exposure, temperature, saturation, contrast, lut_strength;
    float linear[256];                /* sRGB code -> linear light */
    uint8_t encode[ENCODE_STEPS + 1]; /* linear light in [0, 1] -> sRGB code */
    color_lut lut;                    /* size 0: none */
    /* Where each 8-bit code falls in the lattice: the cell's lower index and the fraction across it. */
    uint32_t lut_cell[256];
    float lut_frac[256];
    uint64_t lut_generation; /* counts LUT changes, so the GPU copy knows when it is stale */
    /* GPU path: gpu is NULL when the host has no Vulkan device. */
    vk_edit *gpu;
    vk_edit_pipeline *gpu_grade;     /* the grade alone (color.comp with WITH_LUT false) */
    vk_edit_pipeline *gpu_grade_lut; /* the grade, then the LUT */
    vk_edit_buffer *gpu_tables;  /* color_gpu_tables, rewritten each call (parameters may have changed) */
    vk_edit_buffer *gpu_lut;     /* the lattice; NULL without a LUT */
    uint64_t gpu_lut_generation; /* lut_generation of gpu_lut */
    color_gpu_tables *staging;   /* the tables on the CPU side, between calls */
} color;

/* Indices into k_params (set_param maps them onto the fields of `color` in the same order). */
enum { P_EXPOSURE, P_TEMPERATURE, P_SATURATION, P_CONTRAST, P_LUT, P_LUT_STRENGTH, P_COUNT };

static const mnemo_param_desc k_params[] = {
    {sizeof(mnemo_param_desc), "exposure", "Exposure", "Stops of light added (+) or taken away (-)", MNEMO_PARAM_FLOAT,
     -4, 4, 0, NULL, 0, 0},
    {sizeof(mnemo_param_desc), "temperature", "Temperature", "Warmer (+) or cooler (-) white balance",
     MNEMO_PARAM_FLOAT, -1, 1, 0, NULL, 0, 0},
    {sizeof(mnemo_param_desc), "saturation", "Saturation", "0 grey, 1 unchanged, 2 twice as vivid", MNEMO_PARAM_FLOAT,
     0, 2, 1, NULL, 0, 0},
    {sizeof(mnemo_param_desc), "contrast", "Contrast", "Around mid grey: 0 flat, 1 unchanged, 2 twice as steep",
     MNEMO_PARAM_FLOAT, 0, 2, 1, NULL, 0, 0},
    {sizeof(mnemo_param_desc), "lut", "LUT",
     "A 3D LUT file (.cube, or another format OpenColorIO reads), applied after the grade to the display-encoded "
     "picture; empty: none",
     MNEMO_PARAM_TEXT, 0, 0, 0, NULL, 0, MNEMO_PARAM_FLAG_FILE_PATH, ""},
    {sizeof(mnemo_param_desc), "lut_strength", "LUT strength", "0 the grade alone, 1 the LUT's look in full",
     MNEMO_PARAM_FLOAT, 0, 1, 1, NULL, 0, 0},
};

static const mnemo_module_info k_info = {
    sizeof(mnemo_module_info), "color", "Color", "1.1.0",
    "Exposure, white balance, saturation, contrast and a 3D LUT (.cube); deterministic per frame.",
    MNEMO_MODULE_KIND_EDIT, 1, k_params, P_COUNT, 0,
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
        if (d->type == MNEMO_PARAM_TEXT) {
            snprintf(error->message, sizeof error->message, "color: %s is a file path, set as text, not a number",
                     d->name);
            return MNEMO_ERR_INVALID_ARGUMENT;
        }
        if (!(value->value >= d->min_value && value->value <= d->max_value)) {
            snprintf(error->message, sizeof error->message, "color: %s must be within [%g, %g], not %g", d->name,
                     d->min_value, d->max_value, value->value);
            return MNEMO_ERR_INVALID_ARGUMENT;
        }
        double *fields[P_COUNT] = {&c->exposure, &c->temperature, &c->saturation, &c->contrast, NULL,
                                   &c->lut_strength};
        *fields[i] = value->value;
        return MNEMO_OK;
    }
    snprintf(error->message, sizeof error->message, "color has no parameter '%s'", value->name);
    return MNEMO_ERR_INVALID_ARGUMENT;
}

/* Per 8-bit code: the lattice cell it falls in and how far across, so a pixel's lookup needs no division. */
static void build_lut_cells(color *c) {
    const uint32_t last = c->lut.size - 1;
    for (int v = 0; v < 256; ++v) {
        const float x = (float)v / 255.0f * (float)last;
        uint32_t cell = (uint32_t)x;
        if (cell >= last) cell = last - 1;
        c->lut_cell[v] = cell;
        c->lut_frac[v] = x - (float)cell;
    }
}

/* Text parameters: `lut` only. "" removes the LUT; a file that fails to load leaves the previous LUT in place. */
static mnemo_status set_param_text(void *instance, const char *name, const char *value, mnemo_error *error) {
    color *c = (color *)instance;
    if (strcmp(name, k_params[P_LUT].name) != 0) {
        snprintf(error->message, sizeof error->message, "color has no text parameter '%s'", name);
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    if (!value || !*value) {
        color_lut_free(&c->lut);
        ++c->lut_generation;
        return MNEMO_OK;
    }
    color_lut loaded = {0, NULL};
    const mnemo_status s = color_lut_load(value, &loaded, error);
    if (s != MNEMO_OK) return s;
    color_lut_free(&c->lut);
    c->lut = loaded;
    build_lut_cells(c);
    ++c->lut_generation;
    return MNEMO_OK;
}

/* Whether the shader takes four pixels an invocation (color.comp's QUADS): rows must hold whole groups of four. */
static uint32_t gpu_quads(const color *c) { return c->width % 4 == 0; }

/* The GPU path's pipeline and tables, when the host offers a Vulkan device. A failure fails create: a device that
 * cannot run the shader is reported where the instance is made, not at its first frame. */
static mnemo_status gpu_init(color *c, const mnemo_host_services *host, mnemo_error *error) {
    mnemo_status s = vk_edit_create(host, k_info.id, &c->gpu, error);
    if (s != MNEMO_OK || !c->gpu) return s;
    c->staging = (color_gpu_tables *)calloc(1, sizeof *c->staging);
    if (!c->staging) {
        snprintf(error->message, sizeof error->message, "color: out of memory");
        return MNEMO_ERR_OUT_OF_MEMORY;
    }
    for (int v = 0; v < 256; ++v) {
        c->staging->linear[v] = c->linear[v];
        c->staging->graded[v] = (float)v / 255.0f; /* as apply_lut divides */
    }
    for (uint32_t with_lut = 0; with_lut < 2 && s == MNEMO_OK; ++with_lut) {
        const uint32_t constants[2] = {with_lut, gpu_quads(c)}; /* color.comp's WITH_LUT, QUADS */
        s = vk_edit_pipeline_create_specialized(c->gpu, k_color_spv, sizeof k_color_spv, 4, 1u << 2 /* Tables */,
                                                sizeof(color_push), constants, 2,
                                                with_lut ? &c->gpu_grade_lut : &c->gpu_grade, error);
    }
    if (s != MNEMO_OK) return s;
    return vk_edit_buffer_create(c->gpu, sizeof(color_gpu_tables), VK_EDIT_MEMORY_HOST_VISIBLE, &c->gpu_tables, error);
}

static void destroy(void *instance);

static mnemo_status create(const mnemo_host_services *host, const mnemo_create_args *args, void **out,
                           mnemo_error *error) {
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
    c->lut_strength = 1;
    build_tables(c);
    for (uint32_t i = 0; i < args->param_count; ++i) {
        mnemo_status s = set_param(c, &args->params[i], error);
        if (s != MNEMO_OK) {
            free(c);
            return s;
        }
    }
    const mnemo_status s = gpu_init(c, host, error);
    if (s != MNEMO_OK) {
        destroy(c);
        return s;
    }
    *out = c;
    return MNEMO_OK;
}

static void destroy(void *instance) {
    color *c = (color *)instance;
    vk_edit_destroy(c->gpu); /* the host has waited for the work recorded with it */
    free(c->staging);
    color_lut_free(&c->lut);
    free(c);
}

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

/* The lattice at an 8-bit RGB code, trilinear between the eight corners of its cell. */
static void sample_lut(const color *c, const uint8_t code[3], float out[3]) {
    const size_t n = c->lut.size;
    const size_t step[3] = {3, 3 * n, 3 * n * n}; /* red fastest */
    const float fr = c->lut_frac[code[0]], fg = c->lut_frac[code[1]], fb = c->lut_frac[code[2]];
    const float *p = c->lut.rgb + c->lut_cell[code[0]] * step[0] + c->lut_cell[code[1]] * step[1] +
                     c->lut_cell[code[2]] * step[2];
    for (int k = 0; k < 3; ++k) {
        const float *q = p + k;
        const float c00 = q[0] + (q[step[0]] - q[0]) * fr;
        const float c10 = q[step[1]] + (q[step[1] + step[0]] - q[step[1]]) * fr;
        const float c01 = q[step[2]] + (q[step[2] + step[0]] - q[step[2]]) * fr;
        const float c11 = q[step[2] + step[1]] + (q[step[2] + step[1] + step[0]] - q[step[2] + step[1]]) * fr;
        const float c0 = c00 + (c10 - c00) * fg, c1 = c01 + (c11 - c01) * fg;
        out[k] = c0 + (c1 - c0) * fb;
    }
}

/* The LUT on a graded pixel, mixed with it by lut_strength. */
static void apply_lut(const color *c, uint8_t *px) {
    float looked[3];
    sample_lut(c, px, looked);
    const float strength = (float)c->lut_strength;
    for (int k = 0; k < 3; ++k) {
        const float graded = (float)px[k] / 255.0f;
        const float mixed = graded + (looked[k] - graded) * strength;
        px[k] = mixed <= 0.0f ? 0 : mixed >= 1.0f ? 255 : (uint8_t)lroundf(mixed * 255.0f);
    }
}

/* Exposure and white balance as one gain per channel, in the float the pixel loops use (both paths). */
static void channel_gains(const color *c, float gain[3]) {
    const float exposure = (float)pow(2.0, c->exposure);
    gain[0] = exposure * (float)(1.0 + 0.25 * c->temperature);
    gain[1] = exposure;
    gain[2] = exposure * (float)(1.0 - 0.25 * c->temperature);
}

static void contrast_curve(const color *c, uint8_t curve[256]) {
    for (int v = 0; v < 256; ++v) curve[v] = apply_contrast(c->contrast, (uint8_t)v);
}

static mnemo_status edit_process(void *instance, const mnemo_frame *input, mnemo_frame *output, uint32_t count,
                                 mnemo_error *error) {
    const color *c = (const color *)instance;
    float gain[3];
    channel_gains(c, gain);
    uint8_t curve[256];
    contrast_curve(c, curve);
    const int with_lut = c->lut.size > 0 && c->lut_strength > 0; /* strength 0: the grade, untouched */
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
            for (uint32_t x = 0; x < c->width; ++x) {
                grade_pixel(c, src + 4 * x, dst + 4 * x, gain, curve);
                if (with_lut) apply_lut(c, dst + 4 * x);
            }
        }
    }
    return MNEMO_OK;
}

/* ---- the GPU path ---- */

/* Brings the device's copies up to date with the parameters: the tables every call (contrast may have changed; the
 * host waited for the previous call, so the buffer is free), the lattice when the LUT changed. */
static mnemo_status gpu_upload(color *c, mnemo_error *error) {
    uint8_t curve[256];
    contrast_curve(c, curve);
    for (int i = 0; i <= ENCODE_STEPS; ++i) c->staging->tone[i] = curve[c->encode[i]];
    for (int v = 0; v < 256; ++v) {
        c->staging->lut_cell[v] = (uint8_t)c->lut_cell[v];
        c->staging->lut_frac[v] = c->lut_frac[v];
    }
    mnemo_status s = vk_edit_buffer_write(c->gpu, c->gpu_tables, 0, c->staging, sizeof *c->staging, error);
    if (s != MNEMO_OK || c->gpu_lut_generation == c->lut_generation) return s;
    vk_edit_buffer_destroy(c->gpu, c->gpu_lut);
    c->gpu_lut = NULL;
    if (c->lut.size > 0) {
        const uint64_t bytes = (uint64_t)c->lut.size * c->lut.size * c->lut.size * 3 * sizeof(float);
        s = vk_edit_buffer_create(c->gpu, bytes, VK_EDIT_MEMORY_HOST_VISIBLE, &c->gpu_lut, error);
        if (s == MNEMO_OK) s = vk_edit_buffer_write(c->gpu, c->gpu_lut, 0, c->lut.rgb, bytes, error);
        if (s != MNEMO_OK) return s; /* the generation stays stale: the next call tries again */
    }
    c->gpu_lut_generation = c->lut_generation;
    return MNEMO_OK;
}

static color_push gpu_push(const color *c) {
    color_push push;
    memset(&push, 0, sizeof push);
    push.width = c->width;
    push.height = c->height;
    push.lut_size = c->lut.size;
    push.with_lut = c->lut.size > 0 && c->lut_strength > 0 && c->gpu_lut; /* as edit_process's with_lut */
    channel_gains(c, push.gain);
    push.saturation = (float)c->saturation;
    push.lut_strength = (float)c->lut_strength;
    return push;
}

/* Every frame is checked before anything is recorded, so a bad call leaves the command buffer untouched. */
static mnemo_status gpu_check(const color *c, const mnemo_gpu_edit_input *input, const mnemo_gpu_frame *output,
                              mnemo_error *error) {
    if (!input || !MNEMO_HAS_FIELD(input, mnemo_gpu_edit_input, count) || !input->command_buffer ||
        (input->count > 0 && (!input->frames || !output))) {
        snprintf(error->message, sizeof error->message, "color: edit_process_gpu needs a command buffer and frames");
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t f = 0; f < input->count; ++f) {
        vk_edit_range range;
        mnemo_status s =
            vk_edit_frame_range(k_info.id, &input->frames[f], c->width, c->height, "input", f, &range, error);
        if (s == MNEMO_OK) {
            s = vk_edit_frame_range(k_info.id, &output[f], c->width, c->height, "output", f, &range, error);
        }
        if (s != MNEMO_OK) return s;
    }
    return MNEMO_OK;
}

/* One dispatch per frame (16x16 invocations a workgroup, of a pixel or four); in place is fine: each pixel reads
 * only itself. */
static mnemo_status edit_process_gpu(void *instance, const mnemo_gpu_edit_input *input, mnemo_gpu_frame *output,
                                     mnemo_error *error) {
    color *c = (color *)instance;
    if (!c->gpu) return vk_edit_unavailable(k_info.id, error);
    mnemo_status s = gpu_check(c, input, output, error);
    if (s == MNEMO_OK) s = vk_edit_begin(c->gpu, error);
    if (s == MNEMO_OK) s = gpu_upload(c, error);
    if (s != MNEMO_OK) return s;
    const color_push push = gpu_push(c);
    const vk_edit_range tables = vk_edit_buffer_range(c->gpu_tables);
    /* Without a LUT the tables stand in for it: a binding must name a buffer, and the shader never reads it. */
    const vk_edit_range lut = c->gpu_lut ? vk_edit_buffer_range(c->gpu_lut) : tables;
    for (uint32_t f = 0; f < input->count && s == MNEMO_OK; ++f) {
        vk_edit_range bindings[4] = {{NULL, 0, 0}, {NULL, 0, 0}, tables, lut};
        vk_edit_frame_range(k_info.id, &input->frames[f], c->width, c->height, "input", f, &bindings[0], error);
        vk_edit_frame_range(k_info.id, &output[f], c->width, c->height, "output", f, &bindings[1], error);
        s = vk_edit_dispatch(c->gpu, input->command_buffer, push.with_lut ? c->gpu_grade_lut : c->gpu_grade, bindings,
                             &push, vk_edit_groups(gpu_quads(c) ? c->width / 4 : c->width, 16),
                             vk_edit_groups(c->height, 16), error);
    }
    return s;
}

static const mnemo_module_api k_api = {
    sizeof(mnemo_module_api), MNEMO_MODULE_ABI_VERSION, describe, create, destroy, set_param, NULL, NULL, edit_process,
    NULL /* edit_process_with_source */, set_param_text, edit_process_gpu,
};

MNEMO_MODULE_EXPORT const mnemo_module_api *mnemo_module_entry(uint32_t host_abi_version) {
    return host_abi_version == MNEMO_MODULE_ABI_VERSION ? &k_api : NULL;
}
