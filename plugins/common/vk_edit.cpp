// vk_edit: the Vulkan side of the GPU edit modules (see vk_edit.h). Failures inside are thrown as Failure and turned
// into mnemo_status + message at each C entry point (guarded), so no exception reaches a module's C code.
#include "vk_edit.h"

#include <vulkan/vulkan.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

struct vk_edit_pipeline {
    VkShaderModule shader = VK_NULL_HANDLE;
    VkDescriptorSetLayout setLayout = VK_NULL_HANDLE;
    VkPipelineLayout layout = VK_NULL_HANDLE;
    VkPipeline pipeline = VK_NULL_HANDLE;
    uint32_t bindings = 0;
    uint32_t uniformMask = 0; // bit i: binding i is a uniform buffer (else a storage buffer)
    uint32_t pushBytes = 0;
};

struct vk_edit_buffer {
    VkBuffer buffer = VK_NULL_HANDLE;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    void *mapped = nullptr; // HOST_VISIBLE only
    uint64_t size = 0;
};

struct vk_edit {
    std::string module;
    VkDevice device = VK_NULL_HANDLE;
    VkPhysicalDeviceMemoryProperties memory{};
    std::vector<std::unique_ptr<vk_edit_pipeline>> pipelines;
    std::vector<std::unique_ptr<vk_edit_buffer>> buffers;
    std::vector<VkDescriptorPool> pools; // grown when a call needs more sets; all reset by vk_edit_begin
    size_t pool = 0;                     // the pool sets are allocated from now
};

namespace {

VkDescriptorType bindingType(uint32_t uniformMask, uint32_t binding) {
    return (uniformMask >> binding) & 1u ? VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
}

// A pool holds this many sets of up to kMaxBindings buffers; a call that needs more opens another pool.
constexpr uint32_t kSetsPerPool = 16;
constexpr uint32_t kMaxBindings = 16;
constexpr uint32_t kMaxConstants = 16; // specialization constants of a pipeline
constexpr uint32_t kMaxPushBytes = 128; // what every Vulkan device guarantees

struct Failure {
    mnemo_status status;
    std::string message;
};

[[noreturn]] void fail(mnemo_status status, std::string message) {
    throw Failure{status, std::move(message)};
}

const char *resultName(VkResult r) {
    switch (r) {
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_MEMORY_MAP_FAILED: return "VK_ERROR_MEMORY_MAP_FAILED";
    case VK_ERROR_OUT_OF_POOL_MEMORY: return "VK_ERROR_OUT_OF_POOL_MEMORY";
    case VK_ERROR_FRAGMENTED_POOL: return "VK_ERROR_FRAGMENTED_POOL";
    case VK_ERROR_UNKNOWN: return "VK_ERROR_UNKNOWN";
    default: return "VkResult";
    }
}

void check(VkResult r, const char *call) {
    if (r == VK_SUCCESS) return;
    const bool memory = r == VK_ERROR_OUT_OF_HOST_MEMORY || r == VK_ERROR_OUT_OF_DEVICE_MEMORY;
    fail(memory ? MNEMO_ERR_OUT_OF_MEMORY : MNEMO_ERR_DEVICE,
         std::string(call) + " failed: " + resultName(r) + " (" + std::to_string(int(r)) + ")");
}

void writeError(mnemo_error *error, const char *module, const char *message) {
    if (error) std::snprintf(error->message, sizeof error->message, "%s: %s", module ? module : "module", message);
}

// Runs one C entry point's body: every failure, thrown or not, becomes a status and "MODULE: message".
template <typename F> mnemo_status guarded(const char *module, mnemo_error *error, F &&body) {
    try {
        body();
        return MNEMO_OK;
    } catch (const Failure &f) {
        writeError(error, module, f.message.c_str());
        return f.status;
    } catch (const std::bad_alloc &) {
        writeError(error, module, "out of memory");
        return MNEMO_ERR_OUT_OF_MEMORY;
    } catch (const std::exception &e) {
        writeError(error, module, e.what());
        return MNEMO_ERR_INTERNAL;
    } catch (...) {
        writeError(error, module, "unknown failure in the GPU path");
        return MNEMO_ERR_INTERNAL;
    }
}

const char *nameOf(const vk_edit *ctx) {
    return ctx ? ctx->module.c_str() : "module";
}

void destroyPipeline(VkDevice device, vk_edit_pipeline &p) {
    if (p.pipeline) vkDestroyPipeline(device, p.pipeline, nullptr);
    if (p.layout) vkDestroyPipelineLayout(device, p.layout, nullptr);
    if (p.setLayout) vkDestroyDescriptorSetLayout(device, p.setLayout, nullptr);
    if (p.shader) vkDestroyShaderModule(device, p.shader, nullptr);
    p = {};
}

void destroyBuffer(VkDevice device, vk_edit_buffer &b) {
    if (b.buffer) vkDestroyBuffer(device, b.buffer, nullptr);
    if (b.memory) vkFreeMemory(device, b.memory, nullptr); // unmaps implicitly
    b = {};
}

void createLayouts(const vk_edit &ctx, vk_edit_pipeline &p) {
    VkDescriptorSetLayoutBinding bindings[kMaxBindings]{};
    for (uint32_t i = 0; i < p.bindings; ++i) {
        bindings[i].binding = i;
        bindings[i].descriptorType = bindingType(p.uniformMask, i);
        bindings[i].descriptorCount = 1;
        bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo set{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    set.bindingCount = p.bindings;
    set.pBindings = bindings;
    check(vkCreateDescriptorSetLayout(ctx.device, &set, nullptr, &p.setLayout), "vkCreateDescriptorSetLayout");
    const VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, p.pushBytes};
    VkPipelineLayoutCreateInfo layout{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    layout.setLayoutCount = 1;
    layout.pSetLayouts = &p.setLayout;
    layout.pushConstantRangeCount = p.pushBytes ? 1 : 0;
    layout.pPushConstantRanges = &range;
    check(vkCreatePipelineLayout(ctx.device, &layout, nullptr, &p.layout), "vkCreatePipelineLayout");
}

void createPipeline(const vk_edit &ctx, vk_edit_pipeline &p, const uint32_t *spirv, size_t bytes,
                    const uint32_t *constants, uint32_t constantCount) {
    VkShaderModuleCreateInfo shader{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    shader.codeSize = bytes;
    shader.pCode = spirv;
    check(vkCreateShaderModule(ctx.device, &shader, nullptr, &p.shader), "vkCreateShaderModule");
    createLayouts(ctx, p);
    VkComputePipelineCreateInfo info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    info.stage.module = p.shader;
    info.stage.pName = "main";
    VkSpecializationMapEntry entries[kMaxConstants]{};
    for (uint32_t i = 0; i < constantCount; ++i) entries[i] = {i, uint32_t(i * sizeof(uint32_t)), sizeof(uint32_t)};
    const VkSpecializationInfo specialization{constantCount, entries, constantCount * sizeof(uint32_t), constants};
    if (constantCount) info.stage.pSpecializationInfo = &specialization;
    info.layout = p.layout;
    check(vkCreateComputePipelines(ctx.device, VK_NULL_HANDLE, 1, &info, nullptr, &p.pipeline),
          "vkCreateComputePipelines");
}

// Memory types to try, best first: a host-visible buffer is coherent (no flushes) and, where the device has memory
// that is both its own and mapped (integrated GPUs, resizable BAR), lives there.
std::vector<uint32_t> memoryCandidates(const vk_edit &ctx, uint32_t typeBits, vk_edit_memory kind) {
    const VkMemoryPropertyFlags mapped = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    const VkMemoryPropertyFlags local = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
    const std::vector<VkMemoryPropertyFlags> wanted = kind == VK_EDIT_MEMORY_HOST_VISIBLE
                                                          ? std::vector<VkMemoryPropertyFlags>{mapped | local, mapped}
                                                          : std::vector<VkMemoryPropertyFlags>{local, 0};
    std::vector<uint32_t> out;
    for (VkMemoryPropertyFlags flags : wanted) {
        for (uint32_t i = 0; i < ctx.memory.memoryTypeCount; ++i) {
            if ((typeBits & (1u << i)) && (ctx.memory.memoryTypes[i].propertyFlags & flags) == flags) out.push_back(i);
        }
    }
    return out;
}

// Allocates from the first candidate type that has room (a small mapped device-local heap may be full).
VkDeviceMemory allocate(const vk_edit &ctx, const VkMemoryRequirements &req, vk_edit_memory kind) {
    const std::vector<uint32_t> candidates = memoryCandidates(ctx, req.memoryTypeBits, kind);
    if (candidates.empty()) fail(MNEMO_ERR_UNSUPPORTED, "the device has no memory type for a storage buffer");
    VkResult last = VK_SUCCESS;
    for (uint32_t type : candidates) {
        VkMemoryAllocateInfo info{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
        info.allocationSize = req.size;
        info.memoryTypeIndex = type;
        VkDeviceMemory memory = VK_NULL_HANDLE;
        last = vkAllocateMemory(ctx.device, &info, nullptr, &memory);
        if (last == VK_SUCCESS) return memory;
        if (last != VK_ERROR_OUT_OF_DEVICE_MEMORY && last != VK_ERROR_OUT_OF_HOST_MEMORY) break;
    }
    check(last, "vkAllocateMemory");
    fail(MNEMO_ERR_INTERNAL, "vkAllocateMemory failed"); // not reached: `last` is an error here
}

void createBuffer(const vk_edit &ctx, vk_edit_buffer &b, uint64_t size, vk_edit_memory kind) {
    VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = size;
    info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT |
                 VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    check(vkCreateBuffer(ctx.device, &info, nullptr, &b.buffer), "vkCreateBuffer");
    b.size = size;
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(ctx.device, b.buffer, &req);
    b.memory = allocate(ctx, req, kind);
    check(vkBindBufferMemory(ctx.device, b.buffer, b.memory, 0), "vkBindBufferMemory");
    if (kind == VK_EDIT_MEMORY_HOST_VISIBLE) {
        check(vkMapMemory(ctx.device, b.memory, 0, VK_WHOLE_SIZE, 0, &b.mapped), "vkMapMemory");
    }
}

VkDescriptorPool createPool(const vk_edit &ctx) {
    const VkDescriptorPoolSize sizes[2] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kSetsPerPool * kMaxBindings},
                                           {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, kSetsPerPool * kMaxBindings}};
    VkDescriptorPoolCreateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    info.maxSets = kSetsPerPool;
    info.poolSizeCount = 2;
    info.pPoolSizes = sizes;
    VkDescriptorPool pool = VK_NULL_HANDLE;
    check(vkCreateDescriptorPool(ctx.device, &info, nullptr, &pool), "vkCreateDescriptorPool");
    return pool;
}

// A set for this call: from the current pool, or the next one (created when needed) once it is full.
VkDescriptorSet allocateSet(vk_edit &ctx, VkDescriptorSetLayout layout) {
    for (;;) {
        if (ctx.pool == ctx.pools.size()) {
            ctx.pools.reserve(ctx.pools.size() + 1); // so push_back cannot throw after the pool exists
            ctx.pools.push_back(createPool(ctx));
        }
        VkDescriptorSetAllocateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
        info.descriptorPool = ctx.pools[ctx.pool];
        info.descriptorSetCount = 1;
        info.pSetLayouts = &layout;
        VkDescriptorSet set = VK_NULL_HANDLE;
        const VkResult r = vkAllocateDescriptorSets(ctx.device, &info, &set);
        if (r == VK_SUCCESS) return set;
        if (r != VK_ERROR_OUT_OF_POOL_MEMORY && r != VK_ERROR_FRAGMENTED_POOL) check(r, "vkAllocateDescriptorSets");
        ++ctx.pool;
    }
}

void writeSet(const vk_edit &ctx, VkDescriptorSet set, const vk_edit_pipeline &p, const vk_edit_range *bindings) {
    const uint32_t count = p.bindings;
    VkDescriptorBufferInfo infos[kMaxBindings]{};
    VkWriteDescriptorSet writes[kMaxBindings]{};
    for (uint32_t i = 0; i < count; ++i) {
        if (!bindings[i].buffer || bindings[i].size == 0) {
            fail(MNEMO_ERR_INVALID_ARGUMENT, "binding " + std::to_string(i) + " of a dispatch has no buffer");
        }
        infos[i] = {static_cast<VkBuffer>(bindings[i].buffer), bindings[i].offset, bindings[i].size};
        writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
        writes[i].dstSet = set;
        writes[i].dstBinding = i;
        writes[i].descriptorCount = 1;
        writes[i].descriptorType = bindingType(p.uniformMask, i);
        writes[i].pBufferInfo = &infos[i];
    }
    vkUpdateDescriptorSets(ctx.device, count, writes, 0, nullptr);
}

VkAccessFlags accessFlags(uint32_t access) {
    VkAccessFlags flags = 0;
    if (access & VK_EDIT_ACCESS_SHADER_READ) flags |= VK_ACCESS_SHADER_READ_BIT;
    if (access & VK_EDIT_ACCESS_SHADER_WRITE) flags |= VK_ACCESS_SHADER_WRITE_BIT;
    if (access & VK_EDIT_ACCESS_TRANSFER_READ) flags |= VK_ACCESS_TRANSFER_READ_BIT;
    if (access & VK_EDIT_ACCESS_TRANSFER_WRITE) flags |= VK_ACCESS_TRANSFER_WRITE_BIT;
    return flags;
}

VkPipelineStageFlags stageFlags(uint32_t access) {
    VkPipelineStageFlags stages = 0;
    if (access & (VK_EDIT_ACCESS_SHADER_READ | VK_EDIT_ACCESS_SHADER_WRITE))
        stages |= VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
    if (access & (VK_EDIT_ACCESS_TRANSFER_READ | VK_EDIT_ACCESS_TRANSFER_WRITE))
        stages |= VK_PIPELINE_STAGE_TRANSFER_BIT;
    return stages ? stages : VkPipelineStageFlags(VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT);
}

} // namespace

extern "C" {

mnemo_status vk_edit_create(const mnemo_host_services *host, const char *module, vk_edit **out, mnemo_error *error) {
    return guarded(module, error, [&] {
        if (!out) fail(MNEMO_ERR_INVALID_ARGUMENT, "vk_edit_create needs somewhere to put the context");
        *out = nullptr;
        const bool offered = host && MNEMO_HAS_FIELD(host, mnemo_host_services, vulkan) && host->vulkan;
        if (!offered) return; // no GPU path; the CPU path is unaffected
        const mnemo_vulkan_services *vk = host->vulkan;
        if (!vk->device || !vk->physical_device)
            fail(MNEMO_ERR_INVALID_ARGUMENT, "the host's Vulkan services lack a device");
        auto ctx = std::make_unique<vk_edit>();
        ctx->module = module ? module : "module";
        ctx->device = static_cast<VkDevice>(vk->device);
        vkGetPhysicalDeviceMemoryProperties(static_cast<VkPhysicalDevice>(vk->physical_device), &ctx->memory);
        *out = ctx.release();
    });
}

void vk_edit_destroy(vk_edit *ctx) {
    if (!ctx) return;
    for (auto &p : ctx->pipelines)
        destroyPipeline(ctx->device, *p);
    for (auto &b : ctx->buffers)
        destroyBuffer(ctx->device, *b);
    for (VkDescriptorPool pool : ctx->pools)
        vkDestroyDescriptorPool(ctx->device, pool, nullptr); // frees the sets
    delete ctx;
}

mnemo_status vk_edit_unavailable(const char *module, mnemo_error *error) {
    writeError(error, module, "no GPU path: the host offered no Vulkan device when the instance was created");
    return MNEMO_ERR_UNSUPPORTED;
}

mnemo_status vk_edit_pipeline_create(vk_edit *ctx, const uint32_t *spirv, size_t spirv_bytes, uint32_t binding_count,
                                     uint32_t uniform_bindings, uint32_t push_bytes, vk_edit_pipeline **out,
                                     mnemo_error *error) {
    return vk_edit_pipeline_create_specialized(ctx, spirv, spirv_bytes, binding_count, uniform_bindings, push_bytes,
                                               NULL, 0, out, error);
}

mnemo_status vk_edit_pipeline_create_specialized(vk_edit *ctx, const uint32_t *spirv, size_t spirv_bytes,
                                                 uint32_t binding_count, uint32_t uniform_bindings, uint32_t push_bytes,
                                                 const uint32_t *constants, uint32_t constant_count,
                                                 vk_edit_pipeline **out, mnemo_error *error) {
    return guarded(nameOf(ctx), error, [&] {
        if (!ctx || !spirv || spirv_bytes == 0 || spirv_bytes % 4 || !out) {
            fail(MNEMO_ERR_INVALID_ARGUMENT,
                 "vk_edit_pipeline_create needs a context, SPIR-V words and an out pointer");
        }
        if (binding_count > kMaxBindings || push_bytes > kMaxPushBytes || push_bytes % 4) {
            fail(MNEMO_ERR_INVALID_ARGUMENT, "a pipeline takes at most 16 bindings and 128 bytes of push constants");
        }
        if (constant_count > kMaxConstants || (constant_count && !constants)) {
            fail(MNEMO_ERR_INVALID_ARGUMENT, "a pipeline takes at most 16 specialization constants");
        }
        auto p = std::make_unique<vk_edit_pipeline>();
        p->bindings = binding_count;
        p->uniformMask = uniform_bindings & ((1u << binding_count) - 1u);
        p->pushBytes = push_bytes;
        ctx->pipelines.reserve(ctx->pipelines.size() + 1); // no throw once Vulkan objects exist
        try {
            createPipeline(*ctx, *p, spirv, spirv_bytes, constants, constant_count);
        } catch (...) {
            destroyPipeline(ctx->device, *p);
            throw;
        }
        *out = p.get();
        ctx->pipelines.push_back(std::move(p));
    });
}

mnemo_status vk_edit_buffer_create(vk_edit *ctx, uint64_t size, vk_edit_memory memory, vk_edit_buffer **out,
                                   mnemo_error *error) {
    return guarded(nameOf(ctx), error, [&] {
        if (!ctx || size == 0 || !out)
            fail(MNEMO_ERR_INVALID_ARGUMENT, "vk_edit_buffer_create needs a context and a size");
        auto b = std::make_unique<vk_edit_buffer>();
        ctx->buffers.reserve(ctx->buffers.size() + 1);
        try {
            createBuffer(*ctx, *b, size, memory);
        } catch (...) {
            destroyBuffer(ctx->device, *b);
            throw;
        }
        *out = b.get();
        ctx->buffers.push_back(std::move(b));
    });
}

void vk_edit_buffer_destroy(vk_edit *ctx, vk_edit_buffer *buffer) {
    if (!ctx || !buffer) return;
    for (size_t i = 0; i < ctx->buffers.size(); ++i) {
        if (ctx->buffers[i].get() != buffer) continue;
        destroyBuffer(ctx->device, *buffer);
        ctx->buffers.erase(ctx->buffers.begin() + std::ptrdiff_t(i)); // moves unique_ptrs: no throw
        return;
    }
}

vk_edit_range vk_edit_buffer_range(const vk_edit_buffer *buffer) {
    if (!buffer) return {nullptr, 0, 0};
    return {reinterpret_cast<void *>(buffer->buffer), 0, buffer->size};
}

mnemo_status vk_edit_buffer_write(vk_edit *ctx, vk_edit_buffer *buffer, uint64_t offset, const void *data,
                                  uint64_t size, mnemo_error *error) {
    return guarded(nameOf(ctx), error, [&] {
        if (!buffer || !buffer->mapped)
            fail(MNEMO_ERR_INVALID_ARGUMENT, "vk_edit_buffer_write needs a host-visible buffer");
        if (offset > buffer->size || size > buffer->size - offset) {
            fail(MNEMO_ERR_INVALID_ARGUMENT, "a write of " + std::to_string(size) + " bytes at " +
                                                 std::to_string(offset) + " overruns a buffer of " +
                                                 std::to_string(buffer->size));
        }
        if (size) std::memcpy(static_cast<uint8_t *>(buffer->mapped) + offset, data, size);
    });
}

mnemo_status vk_edit_begin(vk_edit *ctx, mnemo_error *error) {
    return guarded(nameOf(ctx), error, [&] {
        if (!ctx) fail(MNEMO_ERR_INVALID_ARGUMENT, "vk_edit_begin needs a context");
        for (size_t i = 0; i < ctx->pools.size() && i <= ctx->pool; ++i) {
            check(vkResetDescriptorPool(ctx->device, ctx->pools[i], 0), "vkResetDescriptorPool");
        }
        ctx->pool = 0;
    });
}

mnemo_status vk_edit_dispatch(vk_edit *ctx, void *command_buffer, const vk_edit_pipeline *pipeline,
                              const vk_edit_range *bindings, const void *push, uint32_t groups_x, uint32_t groups_y,
                              mnemo_error *error) {
    return guarded(nameOf(ctx), error, [&] {
        if (!ctx || !command_buffer || !pipeline || (pipeline->bindings && !bindings) ||
            (pipeline->pushBytes && !push)) {
            fail(MNEMO_ERR_INVALID_ARGUMENT, "vk_edit_dispatch needs a context, a command buffer, a pipeline, its "
                                             "bindings and its push constants");
        }
        const auto cmd = static_cast<VkCommandBuffer>(command_buffer);
        const VkDescriptorSet set = allocateSet(*ctx, pipeline->setLayout);
        writeSet(*ctx, set, *pipeline, bindings);
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->pipeline);
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->layout, 0, 1, &set, 0, nullptr);
        if (pipeline->pushBytes) {
            vkCmdPushConstants(cmd, pipeline->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, pipeline->pushBytes, push);
        }
        if (groups_x && groups_y) vkCmdDispatch(cmd, groups_x, groups_y, 1);
    });
}

void vk_edit_copy(void *command_buffer, vk_edit_range src, vk_edit_range dst) {
    if (!command_buffer || !src.buffer || !dst.buffer || src.size == 0) return;
    const VkBufferCopy region{src.offset, dst.offset, src.size};
    vkCmdCopyBuffer(static_cast<VkCommandBuffer>(command_buffer), static_cast<VkBuffer>(src.buffer),
                    static_cast<VkBuffer>(dst.buffer), 1, &region);
}

void vk_edit_barrier(void *command_buffer, const vk_edit_range *ranges, uint32_t count, uint32_t src_access,
                     uint32_t dst_access) {
    if (!command_buffer || !ranges || count == 0 || count > kMaxBindings) return;
    VkBufferMemoryBarrier barriers[kMaxBindings]{};
    for (uint32_t i = 0; i < count; ++i) {
        barriers[i].sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER;
        barriers[i].srcAccessMask = accessFlags(src_access);
        barriers[i].dstAccessMask = accessFlags(dst_access);
        barriers[i].srcQueueFamilyIndex = barriers[i].dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
        barriers[i].buffer = static_cast<VkBuffer>(ranges[i].buffer);
        barriers[i].offset = ranges[i].offset;
        barriers[i].size = ranges[i].size;
    }
    vkCmdPipelineBarrier(static_cast<VkCommandBuffer>(command_buffer), stageFlags(src_access), stageFlags(dst_access),
                         0, 0, nullptr, count, barriers, 0, nullptr);
}

uint32_t vk_edit_groups(uint32_t n, uint32_t local) {
    return local ? (n + local - 1) / local : 0;
}

mnemo_status vk_edit_frame_range(const char *module, const mnemo_gpu_frame *frame, uint32_t width, uint32_t height,
                                 const char *what, uint32_t index, vk_edit_range *out, mnemo_error *error) {
    const uint64_t bytes = uint64_t(width) * height * 4;
    const char *problem = !frame                                             ? "is missing"
                          : !MNEMO_HAS_FIELD(frame, mnemo_gpu_frame, size)   ? "is from an older host (too short)"
                          : frame->width != width || frame->height != height ? "has the wrong size"
                          : !frame->buffer                                   ? "has no buffer"
                          : frame->size < bytes                              ? "is smaller than its pixels"
                                                                             : nullptr;
    if (problem) {
        if (error) {
            std::snprintf(error->message, sizeof error->message,
                          "%s: %s frame %u %s (%ux%u, %llu bytes; created for %ux%u)", module ? module : "module",
                          what ? what : "", index, problem, frame ? frame->width : 0, frame ? frame->height : 0,
                          frame ? (unsigned long long)frame->size : 0ull, width, height);
        }
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    if (out) *out = {frame->buffer, frame->offset, bytes};
    return MNEMO_OK;
}

int vk_edit_overlap(vk_edit_range a, vk_edit_range b) {
    return a.buffer == b.buffer && a.offset < b.offset + b.size && b.offset < a.offset + a.size;
}

} // extern "C"
