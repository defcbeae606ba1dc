#pragma once
// What the neural edit modules (neural-upscale, frame-interpolate) share around the runtime they link
// (mnemo_runtime): the host's Vulkan device borrowed for the runtime, a network's weights loaded from the models
// folder with a message that says how to fetch them, and the runtime's Status turned into the ABI's error.

#include "mnemo/core/Status.hpp"
#include "mnemo/gpu/VulkanContext.hpp"
#include "mnemo/nn/NcnnModel.hpp"

#include <mnemo/module.h>

#include <memory>
#include <string>

namespace mnemo::nn_module {

mnemo_status fail(mnemo_error *error, mnemo_status status, const std::string &message);
mnemo_status fail(mnemo_error *error, const Status &status); // the status's code mapped to the ABI's

// Logs `message` through the host, prefixed with the module's id.
void log(const mnemo_host_services *host, const char *moduleId, mnemo_log_level level, const std::string &message);

// The host's device as a runtime context (its queue lock wrapped), or null where the runtime must use its CPU
// reference: no device, no queue lock to share, or a device the runtime cannot use; each logged with why.
std::unique_ptr<gpu::VulkanContext> borrowHostVulkan(const mnemo_host_services *host, const char *moduleId);

// `param` and the .bin beside it, or NotFound naming the network, the folder and the fetch command.
Result<nn::NcnnModel> loadNetwork(const std::string &name, const std::string &param, const std::string &folder);

} // namespace mnemo::nn_module
