#include "mnemo/gpu/ComputePipeline.hpp"

#include <utility>

namespace mnemo::gpu {

Status validateSpirvHeader(std::span<const uint32_t> spirv, const std::string &name) {
    constexpr uint32_t kSpirvMagic = 0x07230203;
    constexpr size_t kHeaderWords = 5;
    if (spirv.size() < kHeaderWords) {
        return {StatusCode::InvalidArgument, "shader '" + name + "': SPIR-V is " + std::to_string(spirv.size() * 4) +
                                                 " bytes, shorter than its 20-byte header"};
    }
    if (spirv[0] != kSpirvMagic) {
        return {StatusCode::InvalidArgument, "shader '" + name + "': not SPIR-V (bad magic number)"};
    }
    return {};
}

Result<VkShaderModule> createShaderModule(VkDevice device, std::span<const uint32_t> spirv, const std::string &name) {
    if (Status s = validateSpirvHeader(spirv, name); !s.ok()) return s;
    VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    info.codeSize = spirv.size_bytes();
    info.pCode = spirv.data();
    VkShaderModule module = VK_NULL_HANDLE;
    if (Status s = vkCheck(vkCreateShaderModule(device, &info, nullptr, &module), "vkCreateShaderModule"); !s.ok()) {
        return s;
    }
    return module;
}

Result<ComputePipeline> ComputePipeline::create(VulkanContext &ctx, const ComputePipelineDesc &desc) {
    if (Status s = validateSpirvHeader(desc.spirv, desc.name); !s.ok()) return s;
    ComputePipeline p;
    p.m_device = ctx.device();
    p.m_pushBytes = desc.pushConstantBytes;
    const auto fail = [&](Status s) { return s.withContext("creating compute pipeline '" + desc.name + "'"); };

    auto module = createShaderModule(p.m_device, desc.spirv, desc.name);
    if (!module.ok()) return fail(module.status());
    p.m_module = module.value();

    std::vector<VkDescriptorSetLayoutBinding> bindings;
    std::vector<VkDescriptorPoolSize> poolSizes;
    for (uint32_t i = 0; i < desc.bindings.size(); ++i) {
        bindings.push_back({i, desc.bindings[i], 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr});
        poolSizes.push_back({desc.bindings[i], 1});
    }
    VkDescriptorSetLayoutCreateInfo setInfo{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    setInfo.bindingCount = uint32_t(bindings.size());
    setInfo.pBindings = bindings.data();
    if (Status s = vkCheck(vkCreateDescriptorSetLayout(p.m_device, &setInfo, nullptr, &p.m_setLayout),
                           "vkCreateDescriptorSetLayout");
        !s.ok()) {
        return fail(s);
    }

    VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, desc.pushConstantBytes};
    VkPipelineLayoutCreateInfo layout{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    layout.setLayoutCount = 1;
    layout.pSetLayouts = &p.m_setLayout;
    layout.pushConstantRangeCount = desc.pushConstantBytes ? 1 : 0;
    layout.pPushConstantRanges = &push;
    if (Status s = vkCheck(vkCreatePipelineLayout(p.m_device, &layout, nullptr, &p.m_layout), "vkCreatePipelineLayout");
        !s.ok()) {
        return fail(s);
    }

    VkComputePipelineCreateInfo info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    info.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
    info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    info.stage.module = p.m_module;
    info.stage.pName = "main";
    info.layout = p.m_layout;
    if (Status s = vkCheck(vkCreateComputePipelines(p.m_device, VK_NULL_HANDLE, 1, &info, nullptr, &p.m_pipeline),
                           "vkCreateComputePipelines");
        !s.ok()) {
        return fail(s);
    }

    if (!poolSizes.empty()) {
        VkDescriptorPoolCreateInfo pool{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
        pool.maxSets = 1;
        pool.poolSizeCount = uint32_t(poolSizes.size());
        pool.pPoolSizes = poolSizes.data();
        if (Status s = vkCheck(vkCreateDescriptorPool(p.m_device, &pool, nullptr, &p.m_pool), "vkCreateDescriptorPool");
            !s.ok()) {
            return fail(s);
        }
        VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
        alloc.descriptorPool = p.m_pool;
        alloc.descriptorSetCount = 1;
        alloc.pSetLayouts = &p.m_setLayout;
        if (Status s = vkCheck(vkAllocateDescriptorSets(p.m_device, &alloc, &p.m_set), "vkAllocateDescriptorSets");
            !s.ok()) {
            return fail(s);
        }
    }
    return p;
}

ComputePipeline::~ComputePipeline() {
    if (!m_device) return;
    for (VkBufferView view : m_views)
        vkDestroyBufferView(m_device, view, nullptr);
    if (m_pool) vkDestroyDescriptorPool(m_device, m_pool, nullptr); // frees m_set
    if (m_pipeline) vkDestroyPipeline(m_device, m_pipeline, nullptr);
    if (m_layout) vkDestroyPipelineLayout(m_device, m_layout, nullptr);
    if (m_setLayout) vkDestroyDescriptorSetLayout(m_device, m_setLayout, nullptr);
    if (m_module) vkDestroyShaderModule(m_device, m_module, nullptr);
}

void ComputePipeline::swap(ComputePipeline &o) noexcept {
    std::swap(m_device, o.m_device);
    std::swap(m_module, o.m_module);
    std::swap(m_setLayout, o.m_setLayout);
    std::swap(m_layout, o.m_layout);
    std::swap(m_pipeline, o.m_pipeline);
    std::swap(m_pool, o.m_pool);
    std::swap(m_set, o.m_set);
    std::swap(m_views, o.m_views);
    std::swap(m_pushBytes, o.m_pushBytes);
}

void ComputePipeline::writeDescriptor(uint32_t binding, VkDescriptorType type, const VkDescriptorBufferInfo *buffer,
                                      const VkBufferView *view) {
    VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    write.dstSet = m_set;
    write.dstBinding = binding;
    write.descriptorCount = 1;
    write.descriptorType = type;
    write.pBufferInfo = buffer;
    write.pTexelBufferView = view;
    vkUpdateDescriptorSets(m_device, 1, &write, 0, nullptr);
}

void ComputePipeline::bindBuffer(uint32_t binding, const GpuBuffer &buffer) {
    const VkDescriptorBufferInfo info{buffer.handle(), 0, VK_WHOLE_SIZE};
    writeDescriptor(binding, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, &info, nullptr);
}

Status ComputePipeline::bindTexelBuffer(uint32_t binding, const GpuBuffer &buffer, VkFormat format) {
    VkBufferViewCreateInfo viewInfo{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
    viewInfo.buffer = buffer.handle();
    viewInfo.format = format;
    viewInfo.range = VK_WHOLE_SIZE;
    VkBufferView view = VK_NULL_HANDLE;
    if (Status s = vkCheck(vkCreateBufferView(m_device, &viewInfo, nullptr, &view), "vkCreateBufferView"); !s.ok())
        return s;
    m_views.push_back(view);
    writeDescriptor(binding, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, nullptr, &view);
    return {};
}

void ComputePipeline::recordDispatch(VkCommandBuffer cmd, const void *pushConstants, uint32_t gx, uint32_t gy,
                                     uint32_t gz) const {
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_pipeline);
    if (m_set) {
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, m_layout, 0, 1, &m_set, 0, nullptr);
    }
    if (m_pushBytes && pushConstants) {
        vkCmdPushConstants(cmd, m_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, m_pushBytes, pushConstants);
    }
    vkCmdDispatch(cmd, gx, gy, gz);
}

} // namespace mnemo::gpu
