#include "ViewportRenderer.hpp"

#include "ImGuiQtInput.hpp"
#include "ViewportOverlay.hpp"
#include "VulkanViewport.hpp"
#include "world/input/ControllerCapture.hpp"

#include "mnemo/core/Log.hpp"
#include "mnemo/gpu/ComputePipeline.hpp"
#include "mnemo/render/Frame.hpp"

#include <imgui.h>
#include <backends/imgui_impl_vulkan.h>

#include <algorithm>
#include <cstring>

namespace mnemo::ui {
namespace {
const uint32_t kBlitVertSpv[] =
#include "viewport/blit.vert.inc"
    ;
const uint32_t kBlitFragSpv[] =
#include "viewport/blit.frag.inc"
    ;

void checkImGuiVk(VkResult r) {
    if (r != VK_SUCCESS) log::error("viewport", "ImGui Vulkan backend call failed: " + std::to_string(int(r)));
}


} // namespace

ViewportRenderer::ViewportRenderer(VulkanViewport *window) : m_window(window) {}

ViewportRenderer::~ViewportRenderer() = default;

void ViewportRenderer::fail(const QString &message) {
    m_failed = true;
    log::error("viewport", message.toStdString());
    emit m_window->rendererFailed(message);
}

void ViewportRenderer::initResources() {
    m_device = m_window->device();
    m_deviceRef = {m_window->physicalDevice(), m_device, m_window->physicalDeviceProperties()->deviceName};
    if (!createBlitPipeline()) return fail("cannot create the viewport's blit pipeline");
    if (!initImGui()) return fail("cannot initialise the Dear ImGui overlay");
}

bool ViewportRenderer::createBlitPipeline() {
    VkSamplerCreateInfo sampler{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
    sampler.magFilter = VK_FILTER_LINEAR;
    sampler.minFilter = VK_FILTER_LINEAR;
    sampler.addressModeU = sampler.addressModeV = sampler.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
    sampler.maxLod = 0.0f;
    if (vkCreateSampler(m_device, &sampler, nullptr, &m_sampler) != VK_SUCCESS) return false;

    VkDescriptorSetLayoutBinding binding{0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1,
                                         VK_SHADER_STAGE_FRAGMENT_BIT, nullptr};
    VkDescriptorSetLayoutCreateInfo setInfo{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    setInfo.bindingCount = 1;
    setInfo.pBindings = &binding;
    if (vkCreateDescriptorSetLayout(m_device, &setInfo, nullptr, &m_setLayout) != VK_SUCCESS) return false;
    VkPipelineLayoutCreateInfo layoutInfo{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    layoutInfo.setLayoutCount = 1;
    layoutInfo.pSetLayouts = &m_setLayout;
    if (vkCreatePipelineLayout(m_device, &layoutInfo, nullptr, &m_pipelineLayout) != VK_SUCCESS) return false;

    VkDescriptorPoolSize poolSize{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1};
    VkDescriptorPoolCreateInfo pool{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pool.maxSets = 1;
    pool.poolSizeCount = 1;
    pool.pPoolSizes = &poolSize;
    if (vkCreateDescriptorPool(m_device, &pool, nullptr, &m_descriptorPool) != VK_SUCCESS) return false;
    VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    alloc.descriptorPool = m_descriptorPool;
    alloc.descriptorSetCount = 1;
    alloc.pSetLayouts = &m_setLayout;
    if (vkAllocateDescriptorSets(m_device, &alloc, &m_set) != VK_SUCCESS) return false;
    return createBlitGraphicsPipeline();
}

// A full-screen triangle sampling the frame texture: no vertex input, viewport and scissor set per draw.
bool ViewportRenderer::createBlitGraphicsPipeline() {
    auto vertModule = gpu::createShaderModule(m_device, kBlitVertSpv, "viewport blit.vert");
    auto fragModule = gpu::createShaderModule(m_device, kBlitFragSpv, "viewport blit.frag");
    if (!vertModule.ok() || !fragModule.ok()) {
        log::error("viewport", !vertModule.ok() ? vertModule.message() : fragModule.message());
        if (vertModule.ok()) vkDestroyShaderModule(m_device, vertModule.value(), nullptr);
        if (fragModule.ok()) vkDestroyShaderModule(m_device, fragModule.value(), nullptr);
        return false;
    }
    VkShaderModule vert = vertModule.value();
    VkShaderModule frag = fragModule.value();
    VkPipelineShaderStageCreateInfo stages[2] = {{VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO},
                                                 {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO}};
    stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
    stages[0].module = vert;
    stages[0].pName = "main";
    stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
    stages[1].module = frag;
    stages[1].pName = "main";
    VkPipelineVertexInputStateCreateInfo vertexInput{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
    VkPipelineInputAssemblyStateCreateInfo assembly{VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
    assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
    VkPipelineViewportStateCreateInfo viewport{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
    viewport.viewportCount = 1;
    viewport.scissorCount = 1;
    VkPipelineRasterizationStateCreateInfo raster{VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
    raster.polygonMode = VK_POLYGON_MODE_FILL;
    raster.cullMode = VK_CULL_MODE_NONE;
    raster.lineWidth = 1.0f;
    VkPipelineMultisampleStateCreateInfo multisample{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
    multisample.rasterizationSamples = m_window->sampleCountFlagBits();
    VkPipelineDepthStencilStateCreateInfo depth{VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
    VkPipelineColorBlendAttachmentState blendAttachment{};
    blendAttachment.colorWriteMask = 0xF;
    VkPipelineColorBlendStateCreateInfo blend{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
    blend.attachmentCount = 1;
    blend.pAttachments = &blendAttachment;
    const VkDynamicState dynamicStates[] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
    VkPipelineDynamicStateCreateInfo dynamic{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
    dynamic.dynamicStateCount = 2;
    dynamic.pDynamicStates = dynamicStates;

    VkGraphicsPipelineCreateInfo info{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
    info.stageCount = 2;
    info.pStages = stages;
    info.pVertexInputState = &vertexInput;
    info.pInputAssemblyState = &assembly;
    info.pViewportState = &viewport;
    info.pRasterizationState = &raster;
    info.pMultisampleState = &multisample;
    info.pDepthStencilState = &depth;
    info.pColorBlendState = &blend;
    info.pDynamicState = &dynamic;
    info.layout = m_pipelineLayout;
    info.renderPass = m_window->defaultRenderPass();
    const VkResult r = vkCreateGraphicsPipelines(m_device, VK_NULL_HANDLE, 1, &info, nullptr, &m_pipeline);
    vkDestroyShaderModule(m_device, vert, nullptr);
    vkDestroyShaderModule(m_device, frag, nullptr);
    return r == VK_SUCCESS;
}

bool ViewportRenderer::initImGui() {
    m_imgui = ImGui::CreateContext();
    ImGui::SetCurrentContext(m_imgui);
    ImGuiIO &io = ImGui::GetIO();
    io.IniFilename = nullptr; // the overlay has fixed positions; nothing to persist
    ImGuiQtInput::configureKeyMap();
    ImGui::StyleColorsDark();
    ImGui::GetStyle().WindowRounding = 6.0f;
    m_input = std::make_unique<ImGuiQtInput>(m_imgui);
    m_window->installEventFilter(m_input.get());

    const VkDescriptorPoolSize poolSize{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 16};
    VkDescriptorPoolCreateInfo pool{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pool.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
    pool.maxSets = 16;
    pool.poolSizeCount = 1;
    pool.pPoolSizes = &poolSize;
    if (vkCreateDescriptorPool(m_device, &pool, nullptr, &m_imguiPool) != VK_SUCCESS) return false;

    ImGui_ImplVulkan_InitInfo info{};
    info.Instance = m_window->vulkanInstance()->vkInstance();
    info.PhysicalDevice = m_window->physicalDevice();
    info.Device = m_device;
    info.QueueFamily = m_window->graphicsQueueFamilyIndex();
    info.Queue = m_window->graphicsQueue();
    info.DescriptorPool = m_imguiPool;
    info.MinImageCount = 2;
    // The backend keeps per-frame vertex buffers indexed modulo ImageCount; it must cover every frame in flight.
    info.ImageCount = QVulkanWindow::MAX_CONCURRENT_FRAME_COUNT;
    info.MSAASamples = m_window->sampleCountFlagBits();
    info.CheckVkResultFn = &checkImGuiVk;
    if (!ImGui_ImplVulkan_Init(&info, m_window->defaultRenderPass())) return false;
    m_imguiBackendReady = true;

    // Upload the font atlas once, with a one-shot command buffer on the window's graphics queue.
    VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    alloc.commandPool = m_window->graphicsCommandPool();
    alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    alloc.commandBufferCount = 1;
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    if (vkAllocateCommandBuffers(m_device, &alloc, &cmd) != VK_SUCCESS) return false;
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    vkBeginCommandBuffer(cmd, &begin);
    ImGui_ImplVulkan_CreateFontsTexture(cmd);
    vkEndCommandBuffer(cmd);
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &cmd;
    vkQueueSubmit(m_window->graphicsQueue(), 1, &submit, VK_NULL_HANDLE);
    vkQueueWaitIdle(m_window->graphicsQueue());
    vkFreeCommandBuffers(m_device, m_window->graphicsCommandPool(), 1, &cmd);
    ImGui_ImplVulkan_DestroyFontUploadObjects();
    return true;
}

void ViewportRenderer::releaseResources() {
    vkDeviceWaitIdle(m_device);
    if (m_input) m_window->removeEventFilter(m_input.get());
    m_input.reset();
    if (m_imgui) {
        ImGui::SetCurrentContext(m_imgui);
        if (m_imguiBackendReady) ImGui_ImplVulkan_Shutdown();
        ImGui::DestroyContext(m_imgui);
        m_imgui = nullptr;
        m_imguiBackendReady = false;
    }
    if (m_imguiPool) vkDestroyDescriptorPool(m_device, m_imguiPool, nullptr);
    m_imguiPool = VK_NULL_HANDLE;
    m_texture = gpu::GpuImage();
    m_textureReady = false;
    for (auto &staging : m_staging) staging = gpu::GpuBuffer();
    if (m_pipeline) vkDestroyPipeline(m_device, m_pipeline, nullptr);
    if (m_pipelineLayout) vkDestroyPipelineLayout(m_device, m_pipelineLayout, nullptr);
    if (m_descriptorPool) vkDestroyDescriptorPool(m_device, m_descriptorPool, nullptr);
    if (m_setLayout) vkDestroyDescriptorSetLayout(m_device, m_setLayout, nullptr);
    if (m_sampler) vkDestroySampler(m_device, m_sampler, nullptr);
    m_pipeline = VK_NULL_HANDLE;
    m_pipelineLayout = VK_NULL_HANDLE;
    m_descriptorPool = VK_NULL_HANDLE;
    m_setLayout = VK_NULL_HANDLE;
    m_sampler = VK_NULL_HANDLE;
}

// The texture and staging buffers are made by the engine's gpu helpers on the viewport's own device (Qt's
// QVulkanWindow owns it), the same code that makes the engine's images and buffers.
bool ViewportRenderer::ensureTexture(uint32_t width, uint32_t height) {
    if (m_texture.handle() && width == m_texture.width() && height == m_texture.height()) return true;
    // A size change is rare (a new source): waiting for the device once is simpler than deferred deletion.
    vkDeviceWaitIdle(m_device);
    m_texture = gpu::GpuImage();
    m_textureReady = false;
    auto image = gpu::GpuImage::create(m_deviceRef, width, height);
    if (!image.ok()) {
        log::error("viewport", image.message());
        return false;
    }
    m_texture = std::move(image.value());
    VkDescriptorImageInfo info{m_sampler, m_texture.view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
    VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    write.dstSet = m_set;
    write.descriptorCount = 1;
    write.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
    write.pImageInfo = &info;
    vkUpdateDescriptorSets(m_device, 1, &write, 0, nullptr);
    return true;
}

bool ViewportRenderer::ensureStaging(gpu::GpuBuffer &buffer, VkDeviceSize size) {
    if (buffer.handle() && buffer.size() >= size) return true;
    // Only this frame slot's buffer: its previous use finished before the slot came round again.
    buffer = gpu::GpuBuffer();
    auto created = gpu::GpuBuffer::create(m_deviceRef, size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                                          gpu::MemoryLocation::HostVisible);
    if (!created.ok()) {
        log::error("viewport", created.message());
        return false;
    }
    buffer = std::move(created.value());
    return true;
}

void ViewportRenderer::recordUpload(VkCommandBuffer cmd, const Frame &frame) {
    gpu::GpuBuffer &staging = m_staging[size_t(m_window->currentFrame())];
    if (!ensureTexture(frame.width, frame.height) || !ensureStaging(staging, frame.rgba.size())) {
        return fail("cannot allocate the viewport texture for a " + QString::number(frame.width) + "x" +
                    QString::number(frame.height) + " frame");
    }
    std::memcpy(staging.mapped(), frame.rgba.data(), frame.rgba.size());

    VkImageMemoryBarrier toTransfer{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    toTransfer.srcAccessMask = VK_ACCESS_SHADER_READ_BIT;
    toTransfer.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    toTransfer.oldLayout = m_textureReady ? VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL : VK_IMAGE_LAYOUT_UNDEFINED;
    toTransfer.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    toTransfer.srcQueueFamilyIndex = toTransfer.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    toTransfer.image = m_texture.handle();
    toTransfer.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0,
                         nullptr, 1, &toTransfer);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {frame.width, frame.height, 1};
    vkCmdCopyBufferToImage(cmd, staging.handle(), m_texture.handle(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
    VkImageMemoryBarrier toShader = toTransfer;
    toShader.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    toShader.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    toShader.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    toShader.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, 0, nullptr, 0,
                         nullptr, 1, &toShader);
    m_textureReady = true;
    m_lastFrameIndex = frame.index;
    m_lastFrameWidth = frame.width;
    m_lastFrameHeight = frame.height;
}

void ViewportRenderer::recordBlit(VkCommandBuffer cmd) {
    const QSize target = m_window->swapChainImageSize();
    // Letterbox: keep the frame's aspect ratio inside the swapchain image.
    const float scale = std::min(float(target.width()) / float(m_texture.width()),
                                 float(target.height()) / float(m_texture.height()));
    const float w = float(m_texture.width()) * scale;
    const float h = float(m_texture.height()) * scale;
    const VkViewport viewport{(float(target.width()) - w) * 0.5f, (float(target.height()) - h) * 0.5f, w, h, 0.0f,
                              1.0f};
    const VkRect2D scissor{{0, 0}, {uint32_t(target.width()), uint32_t(target.height())}};
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_pipeline);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, m_pipelineLayout, 0, 1, &m_set, 0, nullptr);
    vkCmdSetViewport(cmd, 0, 1, &viewport);
    vkCmdSetScissor(cmd, 0, 1, &scissor);
    vkCmdDraw(cmd, 3, 1, 0, 0);
}

void ViewportRenderer::recordOverlay(VkCommandBuffer cmd) {
    ImGui::SetCurrentContext(m_imgui);
    ImGuiIO &io = ImGui::GetIO();
    const QSize pixels = m_window->swapChainImageSize();
    const float dpr = float(m_window->devicePixelRatio());
    io.DisplaySize = ImVec2(float(pixels.width()) / dpr, float(pixels.height()) / dpr);
    io.DisplayFramebufferScale = ImVec2(dpr, dpr);
    io.DeltaTime = std::max(1e-4f, m_frameTimes.count() ? m_frameTimes.at(m_frameTimes.count() - 1) / 1000.0f
                                                         : 1.0f / 60.0f);

    OverlayModel model = m_window->feed().describe ? m_window->feed().describe() : OverlayModel{};
    model.presenterDevice = m_window->physicalDeviceProperties()->deviceName;
    model.frameWidth = m_textureReady ? m_lastFrameWidth : 0;
    model.frameHeight = m_textureReady ? m_lastFrameHeight : 0;
    model.frameIndex = m_lastFrameIndex;
    model.capturing = m_window->capturing();
    if (m_window->feed().controller) {
        model.heldKeys = m_window->feed().controller->heldKeys().join(' ').toStdString();
    }

    ImGui_ImplVulkan_NewFrame();
    ImGui::NewFrame();
    drawViewportOverlay(model, m_frameTimes);
    ImGui::Render();
    m_window->m_overlayWantsMouse = io.WantCaptureMouse;
    ImGui_ImplVulkan_RenderDrawData(ImGui::GetDrawData(), cmd);
}

void ViewportRenderer::startNextFrame() {
    VkCommandBuffer cmd = m_window->currentCommandBuffer();
    world::WorldFramePtr frame;
    if (!m_failed && m_window->feed().takeFrame) {
        frame = m_window->feed().takeFrame();
        if (frame) recordUpload(cmd, *frame->frame);
    }

    const QSize size = m_window->swapChainImageSize();
    VkClearValue clear[3]{};
    clear[0].color = {{0.07f, 0.075f, 0.09f, 1.0f}};
    clear[1].depthStencil = {1.0f, 0};
    clear[2].color = clear[0].color;
    VkRenderPassBeginInfo pass{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
    pass.renderPass = m_window->defaultRenderPass();
    pass.framebuffer = m_window->currentFramebuffer();
    pass.renderArea.extent = {uint32_t(size.width()), uint32_t(size.height())};
    pass.clearValueCount = m_window->sampleCountFlagBits() > VK_SAMPLE_COUNT_1_BIT ? 3 : 2;
    pass.pClearValues = clear;
    vkCmdBeginRenderPass(cmd, &pass, VK_SUBPASS_CONTENTS_INLINE);
    if (!m_failed && m_textureReady) recordBlit(cmd);
    if (!m_failed && m_imguiBackendReady) recordOverlay(cmd);
    vkCmdEndRenderPass(cmd);

    m_window->frameReady();
    if (frame && m_window->feed().presented) m_window->feed().presented(frame);
    if (frame) m_frameTimes.markFrame(); // the graph and fps count new engine frames, not overlay refreshes
    m_window->notifyPresented(frame != nullptr);
    // No requestUpdate() here: the viewport's poll timer asks for the next frame when there is something new.
}

} // namespace mnemo::ui
