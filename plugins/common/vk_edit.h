/*
 * vk_edit: what an edit module needs to run its edit on the host's Vulkan device (edit_process_gpu), behind a small
 * C interface so the modules stay C and stay short. A static library linked into each module (not part of the ABI).
 *
 * A module creates one vk_edit per instance from the host's services (vk_edit_create; no Vulkan in the host: no
 * context, and the module answers edit_process_gpu with vk_edit_unavailable), builds its compute pipelines from the
 * SPIR-V the build compiled (vk_edit_pipeline_create), keeps private buffers for tables and for state carried between
 * frames (vk_edit_buffer_create), and in each edit_process_gpu call records into the host's command buffer:
 * vk_edit_begin first, then dispatches, copies and barriers. Nothing here submits, waits or touches the queue.
 *
 * Lifetimes follow the ABI's promise that the host waits for a call's work before calling the instance again:
 * vk_edit_begin recycles the descriptor sets of the previous call, and a host-visible buffer may be rewritten or
 * destroyed between calls. Pipelines and buffers belong to their context; vk_edit_destroy frees whatever is left.
 *
 * Errors are values: every fallible call returns mnemo_status and writes "MODULE: what failed" into `error`. No C++
 * exception leaves this library.
 */
#ifndef MNEMO_VK_EDIT_H
#define MNEMO_VK_EDIT_H

#include <mnemo/module.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vk_edit vk_edit;
typedef struct vk_edit_pipeline vk_edit_pipeline;
typedef struct vk_edit_buffer vk_edit_buffer;

/* A byte range of a VkBuffer (void * so modules need no Vulkan header), as a shader binding or a copy's end. */
typedef struct vk_edit_range {
    void *buffer; /* VkBuffer */
    uint64_t offset;
    uint64_t size;
} vk_edit_range;

/* What a barrier orders: the accesses before it (src) against the accesses after it (dst). */
enum {
    VK_EDIT_ACCESS_SHADER_READ = 1u,
    VK_EDIT_ACCESS_SHADER_WRITE = 2u,
    VK_EDIT_ACCESS_TRANSFER_READ = 4u,
    VK_EDIT_ACCESS_TRANSFER_WRITE = 8u
};

typedef enum vk_edit_memory {
    VK_EDIT_MEMORY_DEVICE = 0,      /* the GPU's own memory where it has some: state the shaders carry */
    VK_EDIT_MEMORY_HOST_VISIBLE = 1 /* mapped for the module's whole life: tables written with vk_edit_buffer_write */
} vk_edit_memory;

/* The host's Vulkan device, for `module` (its id, used in messages). A host without Vulkan (host->vulkan NULL or not
 * in its table): *out = NULL and MNEMO_OK, so the module still creates and runs on the CPU. */
mnemo_status vk_edit_create(const mnemo_host_services *host, const char *module, vk_edit **out, mnemo_error *error);
/* Frees every pipeline and buffer of the context; NULL is fine. The host has waited for the work recorded with it. */
void vk_edit_destroy(vk_edit *ctx);
/* What edit_process_gpu answers without a context: MNEMO_ERR_UNSUPPORTED and a message saying why. */
mnemo_status vk_edit_unavailable(const char *module, mnemo_error *error);

/* A compute pipeline from SPIR-V words: bindings 0..binding_count-1 of set 0 are storage buffers, except those whose
 * bit is set in uniform_bindings (bit i: binding i), which are uniform buffers; and a push-constant block of push_bytes
 * (<= 128, a multiple of 4; 0 for none).
 * Why uniform buffers: tables a shader indexes per pixel (look-up tables) belong there. A software device (lavapipe)
 * gathers a uniform buffer's values for all lanes at once, but reads a storage buffer lane by lane behind a branch;
 * GPUs cache uniform reads too. Keep such a table <= 16 KiB (the smallest maxUniformBufferRange Vulkan allows). */
mnemo_status vk_edit_pipeline_create(vk_edit *ctx, const uint32_t *spirv, size_t spirv_bytes, uint32_t binding_count,
                                     uint32_t uniform_bindings, uint32_t push_bytes, vk_edit_pipeline **out,
                                     mnemo_error *error);
/* The same, with the shader's specialization constants 0..constant_count-1 (32-bit each, <= 16) set to `constants`.
 * A variant per feature beats a run-time branch: a software device runs both sides of a branch under a mask, and a
 * storage buffer read on the side not taken still costs its lane-by-lane loop. */
mnemo_status vk_edit_pipeline_create_specialized(vk_edit *ctx, const uint32_t *spirv, size_t spirv_bytes,
                                                 uint32_t binding_count, uint32_t uniform_bindings, uint32_t push_bytes,
                                                 const uint32_t *constants, uint32_t constant_count,
                                                 vk_edit_pipeline **out, mnemo_error *error);

/* A private storage or uniform buffer (also a transfer source and destination) of `size` bytes, contents undefined. */
mnemo_status vk_edit_buffer_create(vk_edit *ctx, uint64_t size, vk_edit_memory memory, vk_edit_buffer **out,
                                   mnemo_error *error);
/* Frees it now (between calls, when no recorded work uses it any more); NULL is fine. */
void vk_edit_buffer_destroy(vk_edit *ctx, vk_edit_buffer *buffer);
/* The whole buffer as a range. */
vk_edit_range vk_edit_buffer_range(const vk_edit_buffer *buffer);
/* Copies host bytes into a HOST_VISIBLE buffer at `offset`: visible to the next submission (coherent memory). */
mnemo_status vk_edit_buffer_write(vk_edit *ctx, vk_edit_buffer *buffer, uint64_t offset, const void *data,
                                  uint64_t size, mnemo_error *error);

/* Starts recording a call: recycles the descriptor sets of the previous call (its work has completed). */
mnemo_status vk_edit_begin(vk_edit *ctx, mnemo_error *error);
/* Binds `bindings` (the pipeline's binding_count ranges, in binding order) and push constants (the pipeline's
 * push_bytes), and records a dispatch of groups_x x groups_y x 1 workgroups into `command_buffer`. */
mnemo_status vk_edit_dispatch(vk_edit *ctx, void *command_buffer, const vk_edit_pipeline *pipeline,
                              const vk_edit_range *bindings, const void *push, uint32_t groups_x, uint32_t groups_y,
                              mnemo_error *error);
/* Records a copy of src.size bytes from src to dst. */
void vk_edit_copy(void *command_buffer, vk_edit_range src, vk_edit_range dst);
/* Records one pipeline barrier over `count` ranges: accesses in src_access before it, dst_access after it
 * (VK_EDIT_ACCESS_* bits; the stages follow from them). */
void vk_edit_barrier(void *command_buffer, const vk_edit_range *ranges, uint32_t count, uint32_t src_access,
                     uint32_t dst_access);

/* Workgroups to cover n invocations, `local` per group. */
uint32_t vk_edit_groups(uint32_t n, uint32_t local);
/* A host frame as a binding; rejects (with "MODULE: WHAT frame I ...") one that is not width x height, has no buffer,
 * or is smaller than its pixels. */
mnemo_status vk_edit_frame_range(const char *module, const mnemo_gpu_frame *frame, uint32_t width, uint32_t height,
                                 const char *what, uint32_t index, vk_edit_range *out, mnemo_error *error);
/* Whether two ranges share a byte (an in-place edit where the module reads neighbours). */
int vk_edit_overlap(vk_edit_range a, vk_edit_range b);

#ifdef __cplusplus
}
#endif

#endif /* MNEMO_VK_EDIT_H */
