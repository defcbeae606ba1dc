/*
 * Mnemo engine-module ABI — the only header a module sees.
 *
 * A module is a shared library that exports one C symbol, `mnemo_module_entry`, returning a table of functions
 * (mnemo_module_api). The host hands a service table back (mnemo_host_services) when it creates an instance:
 * logging, a clock, and its Vulkan instance/device/queue so modules render on the host's GPU.
 *
 * Rules (the loader enforces the first three):
 *  - Versioning: MNEMO_MODULE_ABI_VERSION is one integer. The host refuses a module whose api->abi_version differs
 *    from its own. Structs start with struct_size and only ever grow at the end; read a field only if
 *    struct_size covers it (MNEMO_HAS_FIELD). Growth at the end is the compatible path and keeps the version:
 *    ABI 1 has grown by edit_process_with_source, set_param_text, text parameters, the host's memory services,
 *    edit_process_gpu, edit_output_shape and mnemo_edit_shape.frames_per_input.
 *    An array of such structs (mnemo_module_info.params) is laid out with the writer's own sizeof, which each
 *    element reports in struct_size: step through it by params[0].struct_size, never by the reader's sizeof.
 *  - Errors are return codes (mnemo_status) plus a message written into the caller's mnemo_error. Never let a C++
 *    exception, longjmp or signal cross this boundary.
 *  - Module ids are unique, stable, lowercase with dashes ("reference-world"); the host refuses duplicates.
 *  - Threads: create/destroy/set_param/set_param_text/reset/step of one instance are called from one host thread at
 *    a time (the engine thread of the pipeline that owns it). host->log and host->now_us may be called from any
 *    thread.
 *  - Memory: whatever a module returns (info, param descriptors, strings) stays valid until the library is
 *    unloaded, which the host never does while running. Frame pixels are host-allocated; a module writes into them.
 *  - A call that fails leaves its outputs undefined: the host ignores them (frames_written included).
 *  - mnemo_camera and mnemo_param_value are array elements with no struct_size: they will not grow; a future
 *    camera model comes as a new struct next to them.
 *  - Vulkan: modules link the Vulkan loader themselves and use the host's handles with the ordinary entry points;
 *    the host's VkQueue is shared; wrap every vkQueueSubmit/vkQueueWaitIdle in host->vulkan->lock_queue /
 *    unlock_queue. Modules create their own pipelines and memory on the host's VkDevice and free them in destroy.
 *
 * See plugins/include/mnemo/README.md for the walk-through and a minimal module.
 */
#ifndef MNEMO_MODULE_H
#define MNEMO_MODULE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MNEMO_MODULE_ABI_VERSION 1u
#define MNEMO_MODULE_ENTRY_SYMBOL "mnemo_module_entry"

#if defined(_WIN32)
#define MNEMO_MODULE_EXPORT __declspec(dllexport)
#else
#define MNEMO_MODULE_EXPORT __attribute__((visibility("default")))
#endif

/* True if a struct of the given (caller-reported) struct_size contains `field`. */
#define MNEMO_HAS_FIELD(ptr, type, field) \
    ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

typedef enum mnemo_status {
    MNEMO_OK = 0,
    MNEMO_ERR_INVALID_ARGUMENT = -1,
    MNEMO_ERR_UNSUPPORTED = -2,
    MNEMO_ERR_OUT_OF_MEMORY = -3,
    MNEMO_ERR_DEVICE = -4, /* a GPU call failed or the device was lost */
    MNEMO_ERR_TIMEOUT = -5,
    MNEMO_ERR_INTERNAL = -6
} mnemo_status;

/* Filled by a module when a call fails: a human-readable reason naming the input that was wrong. */
typedef struct mnemo_error {
    char message[512];
} mnemo_error;

typedef enum mnemo_module_kind {
    MNEMO_MODULE_KIND_INVALID = 0,
    MNEMO_MODULE_KIND_WORLD = 1, /* actions + camera track -> frames */
    MNEMO_MODULE_KIND_EDIT = 2   /* frames -> frames */
    /* room for more kinds (remote proxies, metrics); hosts skip kinds they do not know */
} mnemo_module_kind;

typedef enum mnemo_log_level {
    MNEMO_LOG_DEBUG = 0,
    MNEMO_LOG_INFO = 1,
    MNEMO_LOG_WARNING = 2,
    MNEMO_LOG_ERROR = 3
} mnemo_log_level;

/* ---- parameters declared as data: the host builds its UI (sliders, combos, checkboxes) and CLI flags from this ---- */

typedef enum mnemo_param_type {
    MNEMO_PARAM_INVALID = 0,
    MNEMO_PARAM_FLOAT = 1,
    MNEMO_PARAM_INT = 2,
    MNEMO_PARAM_BOOL = 3,
    MNEMO_PARAM_ENUM = 4, /* value is the index into enum_values */
    /* Added in ABI 1: value is a UTF-8 string (a file path, a name), set through set_param_text; its default is
     * default_text. A host older than TEXT refuses the module (an unknown type), so declare it only when needed. */
    MNEMO_PARAM_TEXT = 5
} mnemo_param_type;

#define MNEMO_PARAM_FLAG_LOAD_TIME 1u /* changing it needs a new instance (host recreates); otherwise run-time */
#define MNEMO_PARAM_FLAG_FILE_PATH 2u /* TEXT: the value names a file; the UI offers a file chooser */

typedef struct mnemo_param_desc {
    uint32_t struct_size;
    const char *name;        /* stable key, snake_case */
    const char *label;       /* for the UI */
    const char *description; /* tooltip */
    mnemo_param_type type;
    double min_value;        /* FLOAT/INT */
    double max_value;
    double default_value;    /* FLOAT/INT/BOOL (0/1)/ENUM (index) */
    const char *const *enum_values;
    uint32_t enum_count;
    uint32_t flags;          /* MNEMO_PARAM_FLAG_* */
    /* Added in ABI 1 (check MNEMO_HAS_FIELD(desc, mnemo_param_desc, default_text)): TEXT's default, UTF-8; NULL
     * reads as "". Text parameters are not in mnemo_create_args: the host sets each one it has a value for with
     * set_param_text right after create and before reset, so a module starts from default_text. */
    const char *default_text;
} mnemo_param_desc;

typedef struct mnemo_param_value {
    const char *name;
    double value; /* numbers, bools as 0/1, enums as index */
} mnemo_param_value;

/* ---- frames, cameras, controller input ---- */

typedef enum mnemo_pixel_format { MNEMO_PIXEL_INVALID = 0, MNEMO_PIXEL_RGBA8 = 1 } mnemo_pixel_format;

/* A CPU frame: rows top to bottom, sRGB-encoded RGBA8. The host owns `pixels`. */
typedef struct mnemo_frame {
    uint32_t struct_size;
    uint32_t width;
    uint32_t height;
    uint32_t stride_bytes;
    mnemo_pixel_format format;
    uint8_t *pixels;
    uint64_t index; /* frame number in the stream */
} mnemo_frame;

/* Canonical camera for one generated frame.
 * c2w: camera-to-world, 4x4, column-major (c2w[12..14] is the position). Camera axes follow OpenCV: +x right,
 * +y down, +z forward. World: right-handed, +y up. Intrinsics in pixels of the frame being rendered. */
typedef struct mnemo_camera {
    float c2w[16];
    float fx, fy, cx, cy;
} mnemo_camera;

/* Controller state sampled once per display tick. Keys are W3C KeyboardEvent.code strings ("KeyW", "ShiftLeft"). */
typedef struct mnemo_ctrl_tick {
    int64_t t_us; /* host steady clock, microseconds */
    const char *const *keys;
    uint32_t key_count;
    float mouse_dx, mouse_dy; /* pixels since the previous tick */
    float wheel;              /* notches since the previous tick */
} mnemo_ctrl_tick;

/* ---- memory ---- */

/* A memory entry retrieved for the step: the frame the host stored earlier, why it was picked, and what the module
 * attached to it. Pointers are valid until the call that received them returns. */
typedef struct mnemo_memory_pick {
    uint32_t struct_size;
    uint64_t entry_id;
    uint64_t frame_index;
    float score;   /* the retrieval's confidence */
    float covered; /* fraction of the query's visible points this pick covers */
    mnemo_camera camera;
    const uint8_t *thumbnail; /* RGBA8 thumb_width x thumb_height, or NULL */
    uint32_t thumb_width, thumb_height;
    const void *latent; /* bytes the module attached with attach_latent, or NULL */
    size_t latent_size;
} mnemo_memory_pick;

/* The host's camera-aware memory, offered to world modules. Call only from inside world_step. */
typedef struct mnemo_memory_services {
    uint32_t struct_size;
    /* Retrieves up to `capacity` entries for the given cameras with the host's current retrieval settings. */
    mnemo_status (*retrieve)(void *host, const mnemo_camera *cameras, uint32_t camera_count, mnemo_memory_pick *out,
                             uint32_t capacity, uint32_t *out_count, mnemo_error *error);
    /* Attaches opaque bytes (a latent, a KV summary) to a frame of this step; the host stores them with the entry
     * and hands them back in later picks. The bytes are copied. */
    mnemo_status (*attach_latent)(void *host, uint64_t frame_index, const void *data, size_t size,
                                  mnemo_error *error);
} mnemo_memory_services;

/* ---- host services ---- */

typedef struct mnemo_vulkan_services {
    uint32_t struct_size;
    /* Vulkan handles, cast to void* so this header needs no Vulkan headers. */
    void *instance;        /* VkInstance */
    void *physical_device; /* VkPhysicalDevice */
    void *device;          /* VkDevice */
    void *queue;           /* VkQueue: compute-capable */
    uint32_t queue_family;
    uint32_t api_version;  /* VK_MAKE_API_VERSION of the instance */
    void (*(*get_instance_proc_addr)(void *instance, const char *name))(void);
    void (*lock_queue)(void *host);
    void (*unlock_queue)(void *host);
} mnemo_vulkan_services;

typedef struct mnemo_host_services {
    uint32_t struct_size;
    uint32_t abi_version;
    void *host; /* pass back to every callback */
    void (*log)(void *host, mnemo_log_level level, const char *message);
    int64_t (*now_us)(void *host); /* steady clock */
    const mnemo_vulkan_services *vulkan; /* NULL when the host has no GPU device */
    const mnemo_memory_services *memory; /* NULL when memory is off; check MNEMO_HAS_FIELD first */
} mnemo_host_services;

/* ---- module description and calls ---- */

typedef struct mnemo_module_info {
    uint32_t struct_size;
    const char *id;          /* unique, stable: "reference-world" */
    const char *name;        /* display name */
    const char *version;     /* the module's own version, "1.0.0" */
    const char *description;
    mnemo_module_kind kind;
    uint32_t chunk_frames;   /* frames produced per step (world) or consumed per call (edit); >= 1 */
    const mnemo_param_desc *params; /* param_count entries, each params[0].struct_size bytes (see Versioning) */
    uint32_t param_count;
    uint32_t requires_vulkan; /* 1: create fails without host->vulkan */
} mnemo_module_info;

typedef struct mnemo_create_args {
    uint32_t struct_size;
    uint32_t width;  /* output frame size (an edit module that resizes: its input's; see edit_output_shape) */
    uint32_t height;
    const mnemo_param_value *params; /* initial values for any declared params; others take their defaults */
    uint32_t param_count;
} mnemo_create_args;

typedef struct mnemo_reset_args {
    uint32_t struct_size;
    uint64_t seed;
    const char *prompt;            /* may be NULL */
    const mnemo_frame *seed_frame; /* may be NULL */
} mnemo_reset_args;

typedef struct mnemo_world_step_input {
    uint32_t struct_size;
    const mnemo_camera *cameras; /* one per frame to generate: frame_count entries */
    uint32_t frame_count;        /* normally info->chunk_frames */
    const mnemo_ctrl_tick *ticks; /* controller ticks since the previous step, oldest first (may be 0) */
    uint32_t tick_count;
    /* Memory the host retrieved for these cameras (check MNEMO_HAS_FIELD(input, mnemo_world_step_input, memory)). */
    const mnemo_memory_pick *memory;
    uint32_t memory_count;
} mnemo_world_step_input;

typedef struct mnemo_world_step_output {
    uint32_t struct_size;
    mnemo_frame *frames;          /* frame_count host-allocated frames of the created size */
    mnemo_camera *cameras_used;   /* frame_count entries: the camera each frame was actually rendered with */
    uint32_t frames_written;      /* set by the module */
    uint32_t ticks_used;          /* how many of the input ticks the module consumed */
} mnemo_world_step_output;

/* Dense motion of the chain's source, for edit modules that follow it (temporal smoothing): for every pixel p of
 * source frame t, where it came from in source frame t-1 is p + (xy[2i], xy[2i+1]) (backward flow, pixels, row
 * major, i = y * width + x). `xy` is NULL for the first frame of a stream (nothing before it). */
typedef struct mnemo_flow {
    uint32_t struct_size;
    uint32_t width;
    uint32_t height;
    const float *xy;
} mnemo_flow;

/* What edit_process_with_source gets: the frames to edit (the previous module's output), the chain's source frames
 * they came from, and the source's backward flow into each of them. `count` of each. */
typedef struct mnemo_edit_input {
    uint32_t struct_size;
    const mnemo_frame *frames;
    const mnemo_frame *source;
    const mnemo_flow *source_flow;
    uint32_t count;
} mnemo_edit_input;

/* ---- GPU frames (added in ABI 1): edit modules that run on the host's Vulkan device ---- */

/* A frame in a storage buffer on the host's device (mnemo_vulkan_services): width x height pixels, one uint32 each,
 * RGBA8 sRGB-encoded with R in the lowest byte (what unpackUnorm4x8 reads), rows top to bottom, tightly packed from
 * `offset`. The host owns the buffer; it may reuse it for any later frame. */
typedef struct mnemo_gpu_frame {
    uint32_t struct_size;
    uint32_t width;
    uint32_t height;
    void *buffer;    /* VkBuffer, usage STORAGE_BUFFER | TRANSFER_SRC | TRANSFER_DST */
    uint64_t offset; /* bytes, a multiple of the device's minStorageBufferOffsetAlignment */
    uint64_t size;   /* bytes: width * height * 4 */
    uint64_t index;  /* frame number in the stream */
} mnemo_gpu_frame;

/* The source's backward flow on the device (see mnemo_flow): two floats per pixel, row major. `buffer` is NULL for
 * the first frame of a stream. */
typedef struct mnemo_gpu_flow {
    uint32_t struct_size;
    uint32_t width;
    uint32_t height;
    void *buffer;
    uint64_t offset;
    uint64_t size;
} mnemo_gpu_flow;

/* What edit_process_gpu gets. The module records its work into `command_buffer` (a VkCommandBuffer in the recording
 * state, on the host's compute queue family) and nothing else: it never submits, waits or touches the queue. The host
 * makes the module's input readable before the call (a buffer memory barrier) and makes the module's writes to
 * `output` visible to whatever reads them next, so a module needs no barrier around its own frames; it owns the
 * ordering of its private resources (state carried between frames). The host submits the chain's work for a frame
 * at once and waits for it before calling this instance again, so descriptor sets and buffers the module used for
 * the previous call may be updated or reused. */
typedef struct mnemo_gpu_edit_input {
    uint32_t struct_size;
    void *command_buffer;              /* VkCommandBuffer */
    const mnemo_gpu_frame *frames;     /* `count` frames to edit: the previous module's output */
    const mnemo_gpu_frame *source;     /* `count` source frames, or NULL unless the module has edit_process_with_source */
    const mnemo_gpu_flow *source_flow; /* `count` flows, or NULL unless the module has edit_process_with_source */
    uint32_t count;
} mnemo_gpu_edit_input;

/* What an edit instance writes (added in ABI 1; see edit_output_shape): filled by the host with the created size
 * before the call, so a module that leaves a field alone keeps it. */
typedef struct mnemo_edit_shape {
    uint32_t struct_size;
    uint32_t width; /* output frame size */
    uint32_t height;
    /* Appended (check MNEMO_HAS_FIELD(shape, mnemo_edit_shape, frames_per_input)): frames written per input frame,
     * 1..16; the host fills 1. An instance that answers N > 1 (a frame interpolator) writes `count` x N outputs per
     * edit_process call: outputs[i * N + k] shows the moment (k + 1) / N of the way from the input before inputs[i]
     * in the stream to inputs[i], so outputs[i * N + N - 1] shows inputs[i] itself. The first input after create or
     * reset has no input before it: its N outputs all show it. Such an instance needs edit_process (the host calls
     * neither edit_process_with_source nor edit_process_gpu on it) and is refused isolated for now. */
    uint32_t frames_per_input;
} mnemo_edit_shape;

typedef struct mnemo_module_api {
    uint32_t struct_size;
    uint32_t abi_version; /* MNEMO_MODULE_ABI_VERSION the module was built against */
    const mnemo_module_info *(*describe)(void);
    mnemo_status (*create)(const mnemo_host_services *host, const mnemo_create_args *args, void **out_instance,
                           mnemo_error *error);
    void (*destroy)(void *instance);
    mnemo_status (*set_param)(void *instance, const mnemo_param_value *value, mnemo_error *error);
    mnemo_status (*reset)(void *instance, const mnemo_reset_args *args, mnemo_error *error);
    /* kind == WORLD */
    mnemo_status (*world_step)(void *instance, const mnemo_world_step_input *input, mnemo_world_step_output *output,
                               mnemo_error *error);
    /* kind == EDIT: `count` frames in, `count` frames out (host-allocated, same size; see edit_output_shape for an
     * instance that writes another size or several frames per input) */
    mnemo_status (*edit_process)(void *instance, const mnemo_frame *input, mnemo_frame *output, uint32_t count,
                                 mnemo_error *error);
    /* Added in ABI 1, after edit_process (check MNEMO_HAS_FIELD(api, mnemo_module_api, edit_process_with_source)).
     * kind == EDIT, optional: when set, the host calls it instead of edit_process and hands the module the chain's
     * source frames and their optical flow (the host measures it once per frame, for every module that asks). */
    mnemo_status (*edit_process_with_source)(void *instance, const mnemo_edit_input *input, mnemo_frame *output,
                                             mnemo_error *error);
    /* Added in ABI 1, after edit_process_with_source (check MNEMO_HAS_FIELD(api, mnemo_module_api, set_param_text)).
     * Sets a MNEMO_PARAM_TEXT parameter to a UTF-8 value (never NULL; "" clears it). Called between steps, like
     * set_param, and right after create for every text value the host holds. A module that cannot take the value
     * (a file that does not load) says why in `error` and keeps its previous value. Required when a module declares
     * a TEXT parameter: without it the host refuses to set one, naming the module. */
    mnemo_status (*set_param_text)(void *instance, const char *name, const char *utf8_value, mnemo_error *error);
    /* Added in ABI 1, after set_param_text (check MNEMO_HAS_FIELD(api, mnemo_module_api, edit_process_gpu)).
     * kind == EDIT, optional: the same edit on GPU frames (see mnemo_gpu_edit_input), writing `count` outputs of the
     * created size. The host calls it instead of the CPU calls when it has a Vulkan device and the module was
     * created with host->vulkan set; a chain of such modules keeps its frames on the device (one upload at the
     * source, one readback at the end). A module that offers it still implements the CPU path with the same
     * result (its reference; tests compare them). */
    mnemo_status (*edit_process_gpu)(void *instance, const mnemo_gpu_edit_input *input, mnemo_gpu_frame *output,
                                     mnemo_error *error);
    /* Added in ABI 1, after edit_process_gpu (check MNEMO_HAS_FIELD(api, mnemo_module_api, edit_output_shape)).
     * kind == EDIT, optional: the size of the frames this instance writes when it is not the size it was created
     * for (create_args' width x height is then its input's size): an upscaler's output; or how many frames it
     * writes per input (frames_per_input: a frame interpolator's). The host asks once, right
     * after create and before any set_param_text; the answer holds for the instance's life, so a parameter that
     * changes it is numeric and LOAD_TIME (in create_args), never text. An isolated instance of a module that has
     * this call is refused for now, whatever it answers. The host
     * then allocates outputs of that size, creates the next module of a chain for it, and keeps such a chain's frames
     * on the host (edit_process; edit_process_gpu is not called on an instance that resizes). */
    mnemo_status (*edit_output_shape)(void *instance, mnemo_edit_shape *shape, mnemo_error *error);
} mnemo_module_api;

/* The one exported symbol. `host_abi_version` lets a module that supports several ABIs pick one; a module that
 * cannot serve it returns NULL. */
typedef const mnemo_module_api *(*mnemo_module_entry_fn)(uint32_t host_abi_version);

#ifdef __cplusplus
}
#endif

#endif /* MNEMO_MODULE_H */
