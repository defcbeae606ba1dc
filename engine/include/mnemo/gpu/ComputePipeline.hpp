#pragma once
// A compute shader with its descriptor layout, one descriptor set and optional push constants.
// SPIR-V comes embedded in the binary (see cmake/MnemoShaders.cmake); binding i of the set has type bindings[i]:
// STORAGE_BUFFER (bindBuffer) or UNIFORM_TEXEL_BUFFER (bindTexelBuffer: read through a view with a format, which
// lavapipe fetches for all lanes at once where it loads a storage buffer lane by lane).
// Not thread-safe: one owner records its dispatches.

#include "mnemo/gpu/GpuBuffer.hpp"

#include <span>
#include <string>
#include <vector>

namespace mnemo::gpu {

struct ComputePipelineDesc {
    std::string name;                       // for error messages and logs
    std::span<const uint32_t> spirv;
    std::vector<VkDescriptorType> bindings; // STORAGE_BUFFER or UNIFORM_TEXEL_BUFFER, binding = index
    uint32_t pushConstantBytes = 0;
};

class ComputePipeline {
public:
    static Result<ComputePipeline> create(VulkanContext &ctx, const ComputePipelineDesc &desc);
    ComputePipeline() = default;
    ComputePipeline(ComputePipeline &&other) noexcept { swap(other); }
    ComputePipeline &operator=(ComputePipeline &&other) noexcept {
        ComputePipeline tmp(std::move(other));
        swap(tmp);
        return *this;
    }
    ~ComputePipeline();

    void bindBuffer(uint32_t binding, const GpuBuffer &buffer);
    // The whole buffer as texels of `format` (the buffer made with UNIFORM_TEXEL_BUFFER usage); the view lives as
    // long as the pipeline.
    Status bindTexelBuffer(uint32_t binding, const GpuBuffer &buffer, VkFormat format);
    void recordDispatch(VkCommandBuffer cmd, const void *pushConstants, uint32_t groupsX, uint32_t groupsY = 1,
                        uint32_t groupsZ = 1) const;

private:
    void swap(ComputePipeline &other) noexcept;
    void writeDescriptor(uint32_t binding, VkDescriptorType type, const VkDescriptorBufferInfo *buffer,
                         const VkBufferView *view);
    VkDevice m_device = VK_NULL_HANDLE;
    VkShaderModule m_module = VK_NULL_HANDLE;
    VkDescriptorSetLayout m_setLayout = VK_NULL_HANDLE;
    VkPipelineLayout m_layout = VK_NULL_HANDLE;
    VkPipeline m_pipeline = VK_NULL_HANDLE;
    VkDescriptorPool m_pool = VK_NULL_HANDLE;
    VkDescriptorSet m_set = VK_NULL_HANDLE;
    std::vector<VkBufferView> m_views;
    uint32_t m_pushBytes = 0;
};

// Checks the SPIR-V header before a driver sees it: a corrupt blob can crash some drivers instead of failing.
Status validateSpirvHeader(std::span<const uint32_t> spirv, const std::string &name);

// A shader module from embedded SPIR-V, checked before it reaches the driver: the one way compute pipelines and the
// viewport's blit make theirs. The caller destroys it.
Result<VkShaderModule> createShaderModule(VkDevice device, std::span<const uint32_t> spirv, const std::string &name);

} // namespace mnemo::gpu
