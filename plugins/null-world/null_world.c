/*
 * null-world: the smallest complete world module, and the engine's yardstick.
 *
 * It renders nothing but a flat colour derived from the frame index (one 32-bit fill per pixel row pass), so a
 * pipeline run with it measures the host's own overhead: input sampling, camera integration, queues, frame
 * hand-over. It is also the minimal example module in plugins/include/mnemo/README.md. Plain C on purpose: the ABI
 * must be usable from C.
 */
#include <mnemo/module.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct null_world {
    uint32_t width;
    uint32_t height;
    uint64_t seed;
    int fill; /* param: write pixels (1) or leave the host's buffer untouched (0) */
} null_world;

static const mnemo_param_desc k_params[] = {
    {sizeof(mnemo_param_desc), "fill", "Fill frames", "Write a flat colour into every frame (off: measure pure overhead)",
     MNEMO_PARAM_BOOL, 0, 1, 1, NULL, 0, 0},
};

static const mnemo_module_info k_info = {
    sizeof(mnemo_module_info),
    "null-world",
    "Null World",
    "1.0.0",
    "Flat frames at no cost: measures the host pipeline's own overhead.",
    MNEMO_MODULE_KIND_WORLD,
    4, /* chunk_frames: exercises chunked stepping */
    k_params,
    1,
    0,
};

static const mnemo_module_info *describe(void) { return &k_info; }

static mnemo_status set_param(void *instance, const mnemo_param_value *value, mnemo_error *error) {
    null_world *w = (null_world *)instance;
    if (strcmp(value->name, "fill") == 0) {
        w->fill = value->value != 0.0;
        return MNEMO_OK;
    }
    snprintf(error->message, sizeof error->message, "null-world has no parameter '%s'", value->name);
    return MNEMO_ERR_INVALID_ARGUMENT;
}

static mnemo_status create(const mnemo_host_services *host, const mnemo_create_args *args, void **out,
                           mnemo_error *error) {
    (void)host;
    if (args->width == 0 || args->height == 0) {
        snprintf(error->message, sizeof error->message, "null-world: frame size %ux%u is empty", args->width,
                 args->height);
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    null_world *w = (null_world *)calloc(1, sizeof *w);
    if (!w) {
        snprintf(error->message, sizeof error->message, "null-world: out of memory");
        return MNEMO_ERR_OUT_OF_MEMORY;
    }
    w->width = args->width;
    w->height = args->height;
    w->seed = 1;
    w->fill = 1;
    for (uint32_t i = 0; i < args->param_count; ++i) {
        mnemo_status s = set_param(w, &args->params[i], error);
        if (s != MNEMO_OK) {
            free(w);
            return s;
        }
    }
    *out = w;
    return MNEMO_OK;
}

static void destroy(void *instance) { free(instance); }

static mnemo_status reset(void *instance, const mnemo_reset_args *args, mnemo_error *error) {
    (void)error;
    ((null_world *)instance)->seed = args->seed;
    return MNEMO_OK;
}

static mnemo_status world_step(void *instance, const mnemo_world_step_input *in, mnemo_world_step_output *out,
                               mnemo_error *error) {
    null_world *w = (null_world *)instance;
    for (uint32_t i = 0; i < in->frame_count; ++i) {
        mnemo_frame *f = &out->frames[i];
        if (f->width != w->width || f->height != w->height) {
            snprintf(error->message, sizeof error->message, "null-world: frame %u is %ux%u, created for %ux%u", i,
                     f->width, f->height, w->width, w->height);
            return MNEMO_ERR_INVALID_ARGUMENT;
        }
        if (w->fill) {
            const uint8_t shade = (uint8_t)((f->index * 7 + w->seed) & 0xFF);
            for (uint32_t y = 0; y < f->height; ++y) memset(f->pixels + (size_t)y * f->stride_bytes, shade, f->width * 4u);
        }
        out->cameras_used[i] = in->cameras[i];
    }
    out->frames_written = in->frame_count;
    out->ticks_used = in->tick_count;
    return MNEMO_OK;
}

static const mnemo_module_api k_api = {
    sizeof(mnemo_module_api), MNEMO_MODULE_ABI_VERSION, describe, create, destroy, set_param, reset, world_step, NULL,
};

MNEMO_MODULE_EXPORT const mnemo_module_api *mnemo_module_entry(uint32_t host_abi_version) {
    return host_abi_version == MNEMO_MODULE_ABI_VERSION ? &k_api : NULL;
}
