#pragma once
// The engine's Vulkan instance, device and compute queue. Headless: no surface, no window system.
//
// Device choice: a discrete GPU if there is one, then integrated, virtual, and finally a CPU implementation
// (Mesa lavapipe), so the same binary runs on a workstation and on a display-less CI machine. The choice is logged.
// MNEMO_VK_DEVICE=<substring> (or VulkanContextOptions::deviceNameFilter) pins a device by name.
//
// Threads: the context may be used from any thread; queue submissions are serialised internally.

#include "mnemo/core/Status.hpp"

#include <vulkan/vulkan.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mnemo::gpu {

struct VulkanContextOptions {
    // Empty: MNEMO_VK_DEVICE if set, else the best-ranked device.
    std::string deviceNameFilter;
    // Validation layers: on by default in debug builds when installed; MNEMO_VK_VALIDATION=0/1 overrides.
    enum class Validation { Auto, On, Off } validation = Validation::Auto;
};

struct GpuDeviceInfo {
    std::string name;
    std::string type;          // "discrete", "integrated", "virtual", "cpu", "other"
    std::string driverName;    // e.g. "llvmpipe"
    std::string driverInfo;    // e.g. "Mesa 22.3.6 (LLVM 15.0.6)"
    std::string vulkanVersion; // the device's API version, "1.3.230"
    uint32_t vendorId = 0;
    uint32_t deviceId = 0;
    bool software = false;     // a CPU implementation such as lavapipe
};

// Another owner's device and queue (an engine module gets the host's through mnemo_vulkan_services): the context uses
// them and makes its own command pool and fence, and never destroys what it borrowed. Submissions hold the owner's
// queue lock (lock/unlock), since the queue is shared.
struct BorrowedVulkan {
    VkInstance instance = VK_NULL_HANDLE;
    VkPhysicalDevice physicalDevice = VK_NULL_HANDLE;
    VkDevice device = VK_NULL_HANDLE;
    VkQueue queue = VK_NULL_HANDLE;
    uint32_t queueFamily = 0;
    uint32_t apiVersion = VK_API_VERSION_1_1;
    std::function<void()> lockQueue;
    std::function<void()> unlockQueue;
};

class VulkanContext {
public:
    static Result<std::unique_ptr<VulkanContext>> create(const VulkanContextOptions &options = {});
    static Result<std::unique_ptr<VulkanContext>> borrow(const BorrowedVulkan &handles);
    ~VulkanContext();
    VulkanContext(const VulkanContext &) = delete;
    VulkanContext &operator=(const VulkanContext &) = delete;

    VkInstance instance() const { return m_instance; }
    VkPhysicalDevice physicalDevice() const { return m_physicalDevice; }
    VkDevice device() const { return m_device; }
    VkQueue computeQueue() const { return m_queue; }
    uint32_t computeQueueFamily() const { return m_queueFamily; }
    uint32_t apiVersion() const { return m_apiVersion; }

    const GpuDeviceInfo &deviceInfo() const { return m_info; }
    // Every device the loader reported, in enumeration order (for diagnostics and device pickers).
    const std::vector<GpuDeviceInfo> &availableDevices() const { return m_available; }
    bool validationEnabled() const { return m_validation; }
    // Validation-layer errors reported since creation (always 0 when validation is off).
    uint32_t validationErrorCount() const { return m_validationErrors.load(); }

    Result<uint32_t> findMemoryType(uint32_t typeBits, VkMemoryPropertyFlags required) const;

    // Records `record` into a one-shot command buffer, submits it to the compute queue and waits for a fence.
    // Thread: any; blocks the caller, so never call it on a UI thread for heavy work.
    Status submitAndWait(const std::function<void(VkCommandBuffer)> &record,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));

    // The compute queue is shared with modules (Vulkan requires external synchronisation of a VkQueue): hold this
    // lock around every vkQueueSubmit / vkQueueWaitIdle on computeQueue().
    void lockQueue();
    void unlockQueue();

private:
    VulkanContext() = default;
    Status createInstance(const VulkanContextOptions &options);
    Status pickPhysicalDevice(const VulkanContextOptions &options);
    Status createDevice();
    Status createSubmitObjects();
    static VKAPI_ATTR VkBool32 VKAPI_CALL onValidationMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                              VkDebugUtilsMessageTypeFlagsEXT types,
                                                              const VkDebugUtilsMessengerCallbackDataEXT *data,
                                                              void *user);

    VkInstance m_instance = VK_NULL_HANDLE;
    VkDebugUtilsMessengerEXT m_messenger = VK_NULL_HANDLE;
    VkPhysicalDevice m_physicalDevice = VK_NULL_HANDLE;
    VkDevice m_device = VK_NULL_HANDLE;
    VkQueue m_queue = VK_NULL_HANDLE;
    uint32_t m_queueFamily = 0;
    uint32_t m_apiVersion = VK_API_VERSION_1_1;
    VkCommandPool m_commandPool = VK_NULL_HANDLE;
    VkFence m_fence = VK_NULL_HANDLE;
    std::mutex m_submitMutex; // guards m_commandPool and m_fence
    std::mutex m_queueMutex;  // guards m_queue (an owned one; a borrowed queue has its owner's lock)
    std::function<void()> m_borrowedLock, m_borrowedUnlock; // set when the device is borrowed
    bool m_borrowed = false;
    GpuDeviceInfo m_info;
    std::vector<GpuDeviceInfo> m_available;
    bool m_validation = false;
    std::atomic<uint32_t> m_validationErrors{0};
};

// "VK_ERROR_OUT_OF_DEVICE_MEMORY" etc.
const char *vkResultName(VkResult result);
// Ok for VK_SUCCESS, else an error naming the call and the result.
Status vkCheck(VkResult result, const char *what);
std::string formatVulkanVersion(uint32_t version);
// Preference of a device type, higher is better: discrete > integrated > virtual > cpu (lavapipe) > other.
int deviceTypeRank(VkPhysicalDeviceType type);

} // namespace mnemo::gpu
