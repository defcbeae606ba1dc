#include "nn_module.hpp"

#include <cstdio>
#include <filesystem>

namespace mnemo::nn_module {

mnemo_status fail(mnemo_error *error, mnemo_status status, const std::string &message) {
    if (error) std::snprintf(error->message, sizeof error->message, "%s", message.c_str());
    return status;
}

mnemo_status fail(mnemo_error *error, const Status &status) {
    const mnemo_status code = status.code() == StatusCode::OutOfMemory       ? MNEMO_ERR_OUT_OF_MEMORY
                              : status.code() == StatusCode::InvalidArgument ? MNEMO_ERR_INVALID_ARGUMENT
                              : status.code() == StatusCode::NotFound        ? MNEMO_ERR_INVALID_ARGUMENT
                              : status.code() == StatusCode::Unsupported     ? MNEMO_ERR_UNSUPPORTED
                              : status.code() == StatusCode::DeviceLost      ? MNEMO_ERR_DEVICE
                                                                             : MNEMO_ERR_INTERNAL;
    return fail(error, code, status.message());
}

void log(const mnemo_host_services *host, const char *moduleId, mnemo_log_level level, const std::string &message) {
    if (host && host->log) host->log(host->host, level, (std::string(moduleId) + ": " + message).c_str());
}

std::unique_ptr<gpu::VulkanContext> borrowHostVulkan(const mnemo_host_services *host, const char *moduleId) {
    const mnemo_vulkan_services *vk = host->vulkan;
    if (!vk) {
        log(host, moduleId, MNEMO_LOG_WARNING, "the host has no Vulkan device: running on the CPU reference (slow)");
        return nullptr;
    }
    if (!MNEMO_HAS_FIELD(vk, mnemo_vulkan_services, unlock_queue) || !vk->lock_queue || !vk->unlock_queue) {
        log(host, moduleId, MNEMO_LOG_WARNING, "the host shares no queue lock: running on the CPU reference (slow)");
        return nullptr;
    }
    gpu::BorrowedVulkan b;
    b.instance = static_cast<VkInstance>(vk->instance);
    b.physicalDevice = static_cast<VkPhysicalDevice>(vk->physical_device);
    b.device = static_cast<VkDevice>(vk->device);
    b.queue = static_cast<VkQueue>(vk->queue);
    b.queueFamily = vk->queue_family;
    b.apiVersion = vk->api_version;
    void *owner = host->host;
    b.lockQueue = [vk, owner] { vk->lock_queue(owner); };
    b.unlockQueue = [vk, owner] { vk->unlock_queue(owner); };
    auto ctx = gpu::VulkanContext::borrow(b);
    if (ctx.ok()) return std::move(ctx.value());
    log(host, moduleId, MNEMO_LOG_WARNING,
        "cannot use the host's Vulkan device (" + ctx.message() + "): running on the CPU reference");
    return nullptr;
}

Result<nn::NcnnModel> loadNetwork(const std::string &name, const std::string &param, const std::string &folder) {
    const std::string bin = param.substr(0, param.size() - std::string(".param").size()) + ".bin";
    if (!std::filesystem::exists(param) || !std::filesystem::exists(bin)) {
        return Status(StatusCode::NotFound, "the weights of " + name + " are not in '" + folder + "' (no " + param +
                                                "): fetch them with tools/nn-models.sh " + folder);
    }
    return nn::loadNcnnModel(param, bin);
}

} // namespace mnemo::nn_module
