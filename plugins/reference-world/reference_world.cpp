// reference-world: Mnemo's ground-truth world module.
//
// A Vulkan compute shader (shaders/reference_world.comp) ray-marches a seeded procedural landscape for each camera
// the host asks for. Frames depend only on (seed, parameters, camera, frame size): no time, no history. That makes
// the module the reference for camera-memory tests: revisiting a pose must reproduce the same pixels.
//
// Everything runs on the host's VkDevice and shared VkQueue. Per frame: record one command buffer (dispatch, copy
// the image into a host-visible buffer), submit under the host's queue lock, wait on our own fence, copy rows into
// the host's frame (respecting its stride).
#include <mnemo/module.h>

#include <vulkan/vulkan.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

namespace {

const uint32_t kWorldSpv[] =
#include "shaders/reference_world.comp.inc"
    ;

constexpr uint32_t kMaxSize = 8192;
constexpr uint32_t kGroupSize = 8;                      // local_size_x/y in the shader
constexpr uint64_t kFenceTimeoutNs = 10'000'000'000ull; // a frame taking 10 s means the device is gone

// ---- parameters, declared as data ----

enum ParamIndex : uint32_t { kFogDensity, kSunElevation, kSunAzimuth, kQuality, kLandmarkSpacing, kParamCount };

const char *const kQualityNames[] = {"fast", "balanced", "high"};
constexpr uint32_t kQualityLevels = 3;

const mnemo_param_desc kParams[kParamCount] = {
    {sizeof(mnemo_param_desc), "fog_density", "Fog density",
     "Exponential haze per world unit at ground level (it thins with height)", MNEMO_PARAM_FLOAT, 0.0, 0.08, 0.012,
     nullptr, 0, 0},
    {sizeof(mnemo_param_desc), "sun_elevation", "Sun elevation", "Degrees above the horizon", MNEMO_PARAM_FLOAT, 5.0,
     85.0, 35.0, nullptr, 0, 0},
    {sizeof(mnemo_param_desc), "sun_azimuth", "Sun azimuth",
     "Compass direction of the sun in degrees, turning right from the start view direction (+z)", MNEMO_PARAM_FLOAT,
     0.0, 360.0, 210.0, nullptr, 0, 0},
    {sizeof(mnemo_param_desc), "quality", "Quality",
     "fast: fewer march steps, no fine ground detail; balanced: the default; high: more steps, soft landmark shadows",
     MNEMO_PARAM_ENUM, 0.0, 2.0, 1.0, kQualityNames, kQualityLevels, 0},
    {sizeof(mnemo_param_desc), "landmark_spacing", "Landmark spacing",
     "Grid spacing of the landmarks in world units (one landmark per cell); changes the whole world layout",
     MNEMO_PARAM_FLOAT, 16.0, 64.0, 28.0, nullptr, 0, MNEMO_PARAM_FLAG_LOAD_TIME},
};

const mnemo_module_info kInfo = {
    sizeof(mnemo_module_info),
    "reference-world",
    "Reference World",
    "1.0.0",
    "Deterministic seeded landscape with hills, far mountains and distinct landmarks, ray-marched on the GPU: "
    "the ground truth for camera-memory tests.",
    MNEMO_MODULE_KIND_WORLD,
    1,
    kParams,
    kParamCount,
    1,
};

// ---- errors: thrown inside the module, turned into status + message at the ABI boundary ----

struct ModuleError {
    mnemo_status status;
    bool vulkan; // a Vulkan call failed: the report names the module call it happened in
    char message[512];
};

[[noreturn]] __attribute__((format(printf, 2, 3))) void fail(mnemo_status status, const char *format, ...) {
    ModuleError e{status, false, {}};
    va_list args;
    va_start(args, format);
    std::vsnprintf(e.message, sizeof e.message, format, args);
    va_end(args);
    throw e;
}

const char *vkResultName(VkResult r) {
    switch (r) {
    case VK_SUCCESS: return "VK_SUCCESS";
    case VK_NOT_READY: return "VK_NOT_READY";
    case VK_TIMEOUT: return "VK_TIMEOUT";
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_MEMORY_MAP_FAILED: return "VK_ERROR_MEMORY_MAP_FAILED";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_FORMAT_NOT_SUPPORTED: return "VK_ERROR_FORMAT_NOT_SUPPORTED";
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_OUT_OF_POOL_MEMORY: return "VK_ERROR_OUT_OF_POOL_MEMORY";
    case VK_ERROR_UNKNOWN: return "VK_ERROR_UNKNOWN";
    default: return "VkResult";
    }
}

void check(VkResult r, const char *call) {
    if (r == VK_SUCCESS) return;
    const mnemo_status status = r == VK_ERROR_OUT_OF_HOST_MEMORY || r == VK_ERROR_OUT_OF_DEVICE_MEMORY
                                    ? MNEMO_ERR_OUT_OF_MEMORY
                                : r == VK_TIMEOUT ? MNEMO_ERR_TIMEOUT
                                                  : MNEMO_ERR_DEVICE;
    ModuleError e{status, true, {}};
    std::snprintf(e.message, sizeof e.message, "%s failed: %s (%d)", call, vkResultName(r), int(r));
    throw e;
}

// Runs one exported call: no exception may cross the C ABI.
template <typename F> mnemo_status guarded(mnemo_error *error, const char *call, F &&body) {
    auto report = [&](mnemo_status status, const char *message) {
        if (error) std::snprintf(error->message, sizeof error->message, "%s", message);
        return status;
    };
    try {
        body();
        return MNEMO_OK;
    } catch (const ModuleError &e) {
        if (!e.vulkan) return report(e.status, e.message);
        char message[512];
        std::snprintf(message, sizeof message, "reference-world %s: %.400s", call, e.message);
        return report(e.status, message);
    } catch (const std::bad_alloc &) {
        char message[128];
        std::snprintf(message, sizeof message, "reference-world: out of memory in %s", call);
        return report(MNEMO_ERR_OUT_OF_MEMORY, message);
    } catch (const std::exception &e) {
        char message[512];
        std::snprintf(message, sizeof message, "reference-world: %s failed: %s", call, e.what());
        return report(MNEMO_ERR_INTERNAL, message);
    } catch (...) {
        char message[128];
        std::snprintf(message, sizeof message, "reference-world: %s failed with an unknown error", call);
        return report(MNEMO_ERR_INTERNAL, message);
    }
}

// ---- parameter values ----

struct Params {
    double values[kParamCount];

    Params() {
        for (uint32_t i = 0; i < kParamCount; ++i)
            values[i] = kParams[i].default_value;
    }
};

const mnemo_param_desc &findParam(const char *name, uint32_t *index) {
    if (name) {
        for (uint32_t i = 0; i < kParamCount; ++i) {
            if (std::strcmp(kParams[i].name, name) == 0) {
                *index = i;
                return kParams[i];
            }
        }
    }
    fail(MNEMO_ERR_INVALID_ARGUMENT,
         "reference-world has no parameter '%s' (fog_density, sun_elevation, sun_azimuth, "
         "quality, landmark_spacing)",
         name ? name : "(null)");
}

// Rejects (never clamps) values outside the declared range: a silently clamped value would make a run differ from
// what its recorded configuration says.
void validateValue(const mnemo_param_desc &p, double v) {
    if (!std::isfinite(v) || v < p.min_value || v > p.max_value) {
        fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: %s = %g is outside its range [%g, %g]", p.name, v,
             p.min_value, p.max_value);
    }
    if (p.type == MNEMO_PARAM_ENUM && v != std::floor(v)) {
        fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: %s = %g is not an option index (0..%u)", p.name, v,
             p.enum_count - 1);
    }
}

// ---- push constants: must match `Push` in the shader (128 bytes) ----

struct PushConstants {
    float camRight[4];
    float camDown[4];
    float camForward[4];
    float camPos[4];
    float intrinsics[4];
    uint32_t frame[4]; // width, height, seed, reserved (quality is baked into the pipeline)
    float sun[4];      // direction towards the sun, fog density
    float world[4];    // landmark spacing, reserved
};
static_assert(sizeof(PushConstants) == 128, "push constants must fit the guaranteed 128 bytes");

// Folds the 64-bit seed into the shader's 32 bits so both halves matter.
uint32_t foldSeed(uint64_t seed) {
    return uint32_t(seed) ^ uint32_t(seed >> 32) * 0x9e3779b9u;
}

// Azimuth turns right from +z (the start view), matching the host's yaw convention (positive yaw looks towards -x).
void sunDirection(double elevationDeg, double azimuthDeg, float out[3]) {
    const double kDeg = 3.14159265358979323846 / 180.0;
    const double e = elevationDeg * kDeg, a = azimuthDeg * kDeg;
    out[0] = float(-std::sin(a) * std::cos(e));
    out[1] = float(std::sin(e));
    out[2] = float(std::cos(a) * std::cos(e));
}

void validateCamera(const mnemo_camera &c, uint32_t index) {
    for (float v : c.c2w) {
        if (!std::isfinite(v))
            fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: camera %u has a non-finite c2w", index);
    }
    if (!(c.fx > 0.0f) || !(c.fy > 0.0f) || !std::isfinite(c.fx) || !std::isfinite(c.fy) || !std::isfinite(c.cx) ||
        !std::isfinite(c.cy)) {
        fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: camera %u has invalid intrinsics fx=%g fy=%g cx=%g cy=%g",
             index, c.fx, c.fy, c.cx, c.cy);
    }
}

// ---- the instance ----

class ReferenceWorld {
public:
    ReferenceWorld(const mnemo_host_services *host, uint32_t width, uint32_t height, const Params &params)
        : m_host(host), m_vk(host->vulkan), m_device(static_cast<VkDevice>(host->vulkan->device)),
          m_queue(static_cast<VkQueue>(host->vulkan->queue)), m_width(width), m_height(height), m_params(params) {
        try {
            createImage();
            createReadbackBuffer();
            createPipeline();
            createCommands();
            warmUp();
        } catch (...) {
            release();
            throw;
        }
    }

    ~ReferenceWorld() { release(); }
    ReferenceWorld(const ReferenceWorld &) = delete;
    ReferenceWorld &operator=(const ReferenceWorld &) = delete;

    void setParam(const mnemo_param_value &value) {
        uint32_t index = 0;
        const mnemo_param_desc &p = findParam(value.name, &index);
        if (p.flags & MNEMO_PARAM_FLAG_LOAD_TIME) {
            fail(MNEMO_ERR_UNSUPPORTED,
                 "reference-world: %s is a load-time parameter; recreate the module to change it", p.name);
        }
        validateValue(p, value.value);
        m_params.values[index] = value.value;
    }

    void reset(uint64_t seed) { m_seed = foldSeed(seed); }

    void step(const mnemo_world_step_input &in, mnemo_world_step_output &out) {
        if (in.frame_count > 0 && (!in.cameras || !out.frames || !out.cameras_used)) {
            fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: world_step got %u frames but no camera/frame arrays",
                 in.frame_count);
        }
        for (uint32_t i = 0; i < in.frame_count; ++i)
            validateFrame(out.frames[i], i);
        for (uint32_t i = 0; i < in.frame_count; ++i)
            validateCamera(in.cameras[i], i);
        out.frames_written = 0;
        for (uint32_t i = 0; i < in.frame_count; ++i) {
            render(in.cameras[i]);
            copyOut(out.frames[i]);
            out.cameras_used[i] = in.cameras[i];
            out.frames_written = i + 1;
        }
        out.ticks_used = in.tick_count;
    }

private:
    const mnemo_host_services *m_host;
    const mnemo_vulkan_services *m_vk;
    VkDevice m_device;
    VkQueue m_queue;
    uint32_t m_width, m_height;
    Params m_params;
    uint32_t m_seed = foldSeed(1); // the seed before any reset

    VkImage m_image = VK_NULL_HANDLE;
    VkDeviceMemory m_imageMemory = VK_NULL_HANDLE;
    VkImageView m_imageView = VK_NULL_HANDLE;
    VkBuffer m_readback = VK_NULL_HANDLE;
    VkDeviceMemory m_readbackMemory = VK_NULL_HANDLE;
    const uint8_t *m_readbackPixels = nullptr;
    VkShaderModule m_shader = VK_NULL_HANDLE;
    VkDescriptorSetLayout m_setLayout = VK_NULL_HANDLE;
    VkPipelineLayout m_pipelineLayout = VK_NULL_HANDLE;
    VkPipeline m_pipelines[kQualityLevels] = {}; // one per quality level, built on first use
    VkDescriptorPool m_descriptorPool = VK_NULL_HANDLE;
    VkDescriptorSet m_descriptorSet = VK_NULL_HANDLE;
    VkCommandPool m_commandPool = VK_NULL_HANDLE;
    VkCommandBuffer m_commands = VK_NULL_HANDLE;
    VkFence m_fence = VK_NULL_HANDLE;
    bool m_submitted = false; // the fence will signal: destroy must wait for it

    uint32_t findMemoryType(uint32_t typeBits, VkMemoryPropertyFlags wanted, VkMemoryPropertyFlags fallback) const {
        VkPhysicalDeviceMemoryProperties props;
        vkGetPhysicalDeviceMemoryProperties(static_cast<VkPhysicalDevice>(m_vk->physical_device), &props);
        for (VkMemoryPropertyFlags flags : {wanted, fallback}) {
            for (uint32_t i = 0; i < props.memoryTypeCount; ++i) {
                if ((typeBits & (1u << i)) && (props.memoryTypes[i].propertyFlags & flags) == flags) return i;
            }
        }
        fail(MNEMO_ERR_UNSUPPORTED, "reference-world: the device has no suitable memory type (bits 0x%x, flags 0x%x)",
             typeBits, unsigned(fallback));
    }

    VkDeviceMemory allocate(const VkMemoryRequirements &req, VkMemoryPropertyFlags wanted,
                            VkMemoryPropertyFlags fallback) {
        VkMemoryAllocateInfo info{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
        info.allocationSize = req.size;
        info.memoryTypeIndex = findMemoryType(req.memoryTypeBits, wanted, fallback);
        VkDeviceMemory memory = VK_NULL_HANDLE;
        check(vkAllocateMemory(m_device, &info, nullptr, &memory), "vkAllocateMemory");
        return memory;
    }

    void createImage() {
        VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
        info.imageType = VK_IMAGE_TYPE_2D;
        info.format = VK_FORMAT_R8G8B8A8_UNORM; // the shader writes sRGB-encoded values itself
        info.extent = {m_width, m_height, 1};
        info.mipLevels = 1;
        info.arrayLayers = 1;
        info.samples = VK_SAMPLE_COUNT_1_BIT;
        info.tiling = VK_IMAGE_TILING_OPTIMAL;
        info.usage = VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
        info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
        info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
        check(vkCreateImage(m_device, &info, nullptr, &m_image), "vkCreateImage");

        VkMemoryRequirements req;
        vkGetImageMemoryRequirements(m_device, m_image, &req);
        m_imageMemory = allocate(req, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
        check(vkBindImageMemory(m_device, m_image, m_imageMemory, 0), "vkBindImageMemory");

        VkImageViewCreateInfo view{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
        view.image = m_image;
        view.viewType = VK_IMAGE_VIEW_TYPE_2D;
        view.format = info.format;
        view.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
        check(vkCreateImageView(m_device, &view, nullptr, &m_imageView), "vkCreateImageView");
    }

    void createReadbackBuffer() {
        VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
        info.size = VkDeviceSize(m_width) * m_height * 4;
        info.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
        info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
        check(vkCreateBuffer(m_device, &info, nullptr, &m_readback), "vkCreateBuffer");

        VkMemoryRequirements req;
        vkGetBufferMemoryRequirements(m_device, m_readback, &req);
        // Cached memory makes the CPU copy out much faster where it exists; coherent either way.
        const VkMemoryPropertyFlags coherent =
            VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        m_readbackMemory = allocate(req, coherent | VK_MEMORY_PROPERTY_HOST_CACHED_BIT, coherent);
        check(vkBindBufferMemory(m_device, m_readback, m_readbackMemory, 0), "vkBindBufferMemory");
        void *mapped = nullptr;
        check(vkMapMemory(m_device, m_readbackMemory, 0, VK_WHOLE_SIZE, 0, &mapped), "vkMapMemory");
        m_readbackPixels = static_cast<const uint8_t *>(mapped);
    }

    void createPipeline() {
        VkShaderModuleCreateInfo shader{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
        shader.codeSize = sizeof kWorldSpv;
        shader.pCode = kWorldSpv;
        check(vkCreateShaderModule(m_device, &shader, nullptr, &m_shader), "vkCreateShaderModule");

        VkDescriptorSetLayoutBinding binding{};
        binding.binding = 0;
        binding.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_IMAGE;
        binding.descriptorCount = 1;
        binding.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
        VkDescriptorSetLayoutCreateInfo setLayout{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
        setLayout.bindingCount = 1;
        setLayout.pBindings = &binding;
        check(vkCreateDescriptorSetLayout(m_device, &setLayout, nullptr, &m_setLayout), "vkCreateDescriptorSetLayout");

        VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(PushConstants)};
        VkPipelineLayoutCreateInfo layout{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
        layout.setLayoutCount = 1;
        layout.pSetLayouts = &m_setLayout;
        layout.pushConstantRangeCount = 1;
        layout.pPushConstantRanges = &range;
        check(vkCreatePipelineLayout(m_device, &layout, nullptr, &m_pipelineLayout), "vkCreatePipelineLayout");

        pipelineFor(uint32_t(m_params.values[kQuality])); // the initial quality now, so create reports failures

        VkDescriptorPoolSize poolSize{VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1};
        VkDescriptorPoolCreateInfo pool{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
        pool.maxSets = 1;
        pool.poolSizeCount = 1;
        pool.pPoolSizes = &poolSize;
        check(vkCreateDescriptorPool(m_device, &pool, nullptr, &m_descriptorPool), "vkCreateDescriptorPool");

        VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
        alloc.descriptorPool = m_descriptorPool;
        alloc.descriptorSetCount = 1;
        alloc.pSetLayouts = &m_setLayout;
        check(vkAllocateDescriptorSets(m_device, &alloc, &m_descriptorSet), "vkAllocateDescriptorSets");

        VkDescriptorImageInfo image{VK_NULL_HANDLE, m_imageView, VK_IMAGE_LAYOUT_GENERAL};
        VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        write.dstSet = m_descriptorSet;
        write.dstBinding = 0;
        write.descriptorCount = 1;
        write.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_IMAGE;
        write.pImageInfo = &image;
        vkUpdateDescriptorSets(m_device, 1, &write, 0, nullptr);
    }

    // The quality level is a specialization constant, not a push constant: the CPU rasterizer executes both sides
    // of every `if`, so code that a level does not need (shadows, detail) must not be in its pipeline at all.
    VkPipeline pipelineFor(uint32_t quality) {
        if (m_pipelines[quality]) return m_pipelines[quality];
        const VkSpecializationMapEntry entry{0, 0, sizeof(uint32_t)}; // constant_id 0: QUALITY
        const VkSpecializationInfo specialization{1, &entry, sizeof quality, &quality};
        VkComputePipelineCreateInfo pipeline{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
        pipeline.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
        pipeline.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
        pipeline.stage.module = m_shader;
        pipeline.stage.pName = "main";
        pipeline.stage.pSpecializationInfo = &specialization;
        pipeline.layout = m_pipelineLayout;
        check(vkCreateComputePipelines(m_device, VK_NULL_HANDLE, 1, &pipeline, nullptr, &m_pipelines[quality]),
              "vkCreateComputePipelines");
        return m_pipelines[quality];
    }

    void createCommands() {
        VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
        pool.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
        pool.queueFamilyIndex = m_vk->queue_family;
        check(vkCreateCommandPool(m_device, &pool, nullptr, &m_commandPool), "vkCreateCommandPool");

        VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
        alloc.commandPool = m_commandPool;
        alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
        alloc.commandBufferCount = 1;
        check(vkAllocateCommandBuffers(m_device, &alloc, &m_commands), "vkAllocateCommandBuffers");

        VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
        check(vkCreateFence(m_device, &fence, nullptr, &m_fence), "vkCreateFence");
    }

    // Destroys whatever exists. Never vkDeviceWaitIdle: the host's other threads use the device; our own fence
    // covers all the work we submitted.
    void release() {
        if (m_submitted) vkWaitForFences(m_device, 1, &m_fence, VK_TRUE, UINT64_MAX);
        if (m_fence) vkDestroyFence(m_device, m_fence, nullptr);
        if (m_commandPool) vkDestroyCommandPool(m_device, m_commandPool, nullptr);          // frees m_commands
        if (m_descriptorPool) vkDestroyDescriptorPool(m_device, m_descriptorPool, nullptr); // frees the set
        for (VkPipeline &pipeline : m_pipelines) {
            if (pipeline) vkDestroyPipeline(m_device, pipeline, nullptr);
            pipeline = VK_NULL_HANDLE;
        }
        if (m_pipelineLayout) vkDestroyPipelineLayout(m_device, m_pipelineLayout, nullptr);
        if (m_setLayout) vkDestroyDescriptorSetLayout(m_device, m_setLayout, nullptr);
        if (m_shader) vkDestroyShaderModule(m_device, m_shader, nullptr);
        if (m_readback) vkDestroyBuffer(m_device, m_readback, nullptr);
        if (m_readbackMemory) vkFreeMemory(m_device, m_readbackMemory, nullptr); // unmaps implicitly
        if (m_imageView) vkDestroyImageView(m_device, m_imageView, nullptr);
        if (m_image) vkDestroyImage(m_device, m_image, nullptr);
        if (m_imageMemory) vkFreeMemory(m_device, m_imageMemory, nullptr);
        m_fence = VK_NULL_HANDLE;
        m_commandPool = VK_NULL_HANDLE;
        m_descriptorPool = VK_NULL_HANDLE;
        m_pipelineLayout = VK_NULL_HANDLE;
        m_setLayout = VK_NULL_HANDLE;
        m_shader = VK_NULL_HANDLE;
        m_readback = VK_NULL_HANDLE;
        m_readbackMemory = VK_NULL_HANDLE;
        m_imageView = VK_NULL_HANDLE;
        m_image = VK_NULL_HANDLE;
        m_imageMemory = VK_NULL_HANDLE;
        m_submitted = false;
    }

    void validateFrame(const mnemo_frame &f, uint32_t index) const {
        if (f.width != m_width || f.height != m_height) {
            fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: frame %u is %ux%u but the module was created for %ux%u",
                 index, f.width, f.height, m_width, m_height);
        }
        if (MNEMO_HAS_FIELD(&f, mnemo_frame, format) && f.format != MNEMO_PIXEL_RGBA8) {
            fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: frame %u has pixel format %d, only RGBA8 is supported",
                 index, int(f.format));
        }
        if (!f.pixels || f.stride_bytes < m_width * 4) {
            fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: frame %u has %s (stride %u bytes, need >= %u)", index,
                 f.pixels ? "a short stride" : "no pixel buffer", f.stride_bytes, m_width * 4);
        }
    }

    PushConstants pushConstants(const mnemo_camera &c) const {
        PushConstants pc{};
        for (int axis = 0; axis < 4; ++axis) {
            float *dst = axis == 0 ? pc.camRight : axis == 1 ? pc.camDown : axis == 2 ? pc.camForward : pc.camPos;
            std::memcpy(dst, &c.c2w[axis * 4], 3 * sizeof(float)); // column-major: column `axis`
        }
        pc.intrinsics[0] = c.fx;
        pc.intrinsics[1] = c.fy;
        pc.intrinsics[2] = c.cx;
        pc.intrinsics[3] = c.cy;
        pc.frame[0] = m_width;
        pc.frame[1] = m_height;
        pc.frame[2] = m_seed;
        sunDirection(m_params.values[kSunElevation], m_params.values[kSunAzimuth], pc.sun);
        pc.sun[3] = float(m_params.values[kFogDensity]);
        pc.world[0] = float(m_params.values[kLandmarkSpacing]);
        return pc;
    }

    void beginCommands() {
        check(vkResetCommandBuffer(m_commands, 0), "vkResetCommandBuffer");
        VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
        begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
        check(vkBeginCommandBuffer(m_commands, &begin), "vkBeginCommandBuffer");
    }

    void recordDispatch(const PushConstants &pc, VkPipeline pipeline, uint32_t groupsX, uint32_t groupsY) {
        // Every pixel is rewritten, so the old contents are discarded (UNDEFINED). The previous frame's copy has
        // finished (we waited on the fence), but the barrier still orders it before the new writes.
        VkImageMemoryBarrier toGeneral{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
        toGeneral.srcAccessMask = 0;
        toGeneral.dstAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
        toGeneral.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
        toGeneral.newLayout = VK_IMAGE_LAYOUT_GENERAL;
        toGeneral.srcQueueFamilyIndex = toGeneral.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
        toGeneral.image = m_image;
        toGeneral.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
        vkCmdPipelineBarrier(m_commands, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 0,
                             nullptr, 0, nullptr, 1, &toGeneral);

        vkCmdBindPipeline(m_commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
        vkCmdBindDescriptorSets(m_commands, VK_PIPELINE_BIND_POINT_COMPUTE, m_pipelineLayout, 0, 1, &m_descriptorSet, 0,
                                nullptr);
        vkCmdPushConstants(m_commands, m_pipelineLayout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof pc, &pc);
        vkCmdDispatch(m_commands, groupsX, groupsY, 1);
    }

    // Image -> host-visible buffer, made visible to the host once the fence signals.
    void recordReadback() {
        VkImageMemoryBarrier toCopy{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
        toCopy.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
        toCopy.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
        toCopy.oldLayout = VK_IMAGE_LAYOUT_GENERAL;
        toCopy.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
        toCopy.srcQueueFamilyIndex = toCopy.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
        toCopy.image = m_image;
        toCopy.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
        vkCmdPipelineBarrier(m_commands, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0,
                             nullptr, 0, nullptr, 1, &toCopy);

        VkBufferImageCopy region{};
        region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
        region.imageExtent = {m_width, m_height, 1};
        vkCmdCopyImageToBuffer(m_commands, m_image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, m_readback, 1, &region);

        VkBufferMemoryBarrier toHost{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
        toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
        toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
        toHost.srcQueueFamilyIndex = toHost.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
        toHost.buffer = m_readback;
        toHost.size = VK_WHOLE_SIZE;
        vkCmdPipelineBarrier(m_commands, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0, nullptr, 1,
                             &toHost, 0, nullptr);
    }

    void endCommands() { check(vkEndCommandBuffer(m_commands), "vkEndCommandBuffer"); }

    // Submits under the host's queue lock (the queue is shared), then waits on our own fence outside it.
    void submitAndWait() {
        check(vkResetFences(m_device, 1, &m_fence), "vkResetFences");
        VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
        submit.commandBufferCount = 1;
        submit.pCommandBuffers = &m_commands;
        m_vk->lock_queue(m_host->host);
        const VkResult r = vkQueueSubmit(m_queue, 1, &submit, m_fence);
        m_vk->unlock_queue(m_host->host);
        check(r, "vkQueueSubmit");
        m_submitted = true;
        check(vkWaitForFences(m_device, 1, &m_fence, VK_TRUE, kFenceTimeoutNs), "vkWaitForFences");
        m_submitted = false;
    }

    // A previous wait that timed out leaves the command buffer and fence in use: finish that first.
    void waitForPrevious() {
        if (!m_submitted) return;
        check(vkWaitForFences(m_device, 1, &m_fence, VK_TRUE, kFenceTimeoutNs), "vkWaitForFences");
        m_submitted = false;
    }

    void render(const mnemo_camera &camera) {
        waitForPrevious();
        beginCommands();
        recordDispatch(pushConstants(camera), pipelineFor(uint32_t(m_params.values[kQuality])),
                       (m_width + kGroupSize - 1) / kGroupSize, (m_height + kGroupSize - 1) / kGroupSize);
        recordReadback();
        endCommands();
        submitAndWait();
    }

    // llvmpipe compiles a pipeline on its first dispatch (a few hundred ms on two cores): pay that in create
    // rather than in the first frame. One workgroup of the start view is enough.
    void warmUp() {
        mnemo_camera start{};
        const float c2w[16] = {-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 1.7f, 0, 1};
        std::memcpy(start.c2w, c2w, sizeof c2w);
        start.fx = start.fy = 0.5f * float(m_width);
        start.cx = 0.5f * float(m_width);
        start.cy = 0.5f * float(m_height);
        beginCommands();
        recordDispatch(pushConstants(start), pipelineFor(uint32_t(m_params.values[kQuality])), 1, 1);
        endCommands();
        submitAndWait();
    }

    void copyOut(mnemo_frame &f) const {
        const size_t row = size_t(m_width) * 4;
        if (f.stride_bytes == row) {
            std::memcpy(f.pixels, m_readbackPixels, row * m_height);
            return;
        }
        for (uint32_t y = 0; y < m_height; ++y) {
            std::memcpy(f.pixels + size_t(y) * f.stride_bytes, m_readbackPixels + size_t(y) * row, row);
        }
    }
};

// ---- the C ABI ----

const mnemo_module_info *describe() {
    return &kInfo;
}

mnemo_status create(const mnemo_host_services *host, const mnemo_create_args *args, void **out_instance,
                    mnemo_error *error) {
    return guarded(error, "create", [&] {
        if (!out_instance) fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: create needs out_instance");
        *out_instance = nullptr;
        if (!host || !args) fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: create needs host services and args");
        if (!host->vulkan || !host->vulkan->device || !host->vulkan->queue || !host->vulkan->physical_device) {
            fail(MNEMO_ERR_UNSUPPORTED, "reference-world needs a Vulkan device; the host offered none");
        }
        if (!host->vulkan->lock_queue || !host->vulkan->unlock_queue) {
            fail(MNEMO_ERR_UNSUPPORTED, "reference-world needs the host's queue lock (lock_queue/unlock_queue)");
        }
        if (args->width < 1 || args->width > kMaxSize || args->height < 1 || args->height > kMaxSize) {
            fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: frame size %ux%u is outside 1x1..%ux%u", args->width,
                 args->height, kMaxSize, kMaxSize);
        }
        Params params;
        if (args->param_count > 0 && !args->params) {
            fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: create got %u params but no array", args->param_count);
        }
        for (uint32_t i = 0; i < args->param_count; ++i) {
            uint32_t index = 0;
            const mnemo_param_desc &p = findParam(args->params[i].name, &index);
            validateValue(p, args->params[i].value);
            params.values[index] = args->params[i].value;
        }
        *out_instance = new ReferenceWorld(host, args->width, args->height, params);
    });
}

void destroy(void *instance) {
    try {
        delete static_cast<ReferenceWorld *>(instance);
    } catch (...) {
        // Nothing can be reported from destroy; never let it escape.
    }
}

mnemo_status setParam(void *instance, const mnemo_param_value *value, mnemo_error *error) {
    return guarded(error, "set_param", [&] {
        if (!instance || !value)
            fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: set_param needs an instance and a value");
        static_cast<ReferenceWorld *>(instance)->setParam(*value);
    });
}

mnemo_status reset(void *instance, const mnemo_reset_args *args, mnemo_error *error) {
    return guarded(error, "reset", [&] {
        if (!instance || !args) fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: reset needs an instance and args");
        static_cast<ReferenceWorld *>(instance)->reset(args->seed);
    });
}

mnemo_status worldStep(void *instance, const mnemo_world_step_input *input, mnemo_world_step_output *output,
                       mnemo_error *error) {
    return guarded(error, "world_step", [&] {
        if (!instance || !input || !output) {
            fail(MNEMO_ERR_INVALID_ARGUMENT, "reference-world: world_step needs an instance, input and output");
        }
        static_cast<ReferenceWorld *>(instance)->step(*input, *output);
    });
}

const mnemo_module_api kApi = {
    sizeof(mnemo_module_api),
    MNEMO_MODULE_ABI_VERSION,
    describe,
    create,
    destroy,
    setParam,
    reset,
    worldStep,
    nullptr, // edit_process: this is a world module
};

} // namespace

extern "C" MNEMO_MODULE_EXPORT const mnemo_module_api *mnemo_module_entry(uint32_t host_abi_version) {
    return host_abi_version == MNEMO_MODULE_ABI_VERSION ? &kApi : nullptr;
}
