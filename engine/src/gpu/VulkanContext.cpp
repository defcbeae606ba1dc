#include "mnemo/gpu/VulkanContext.hpp"
#include "mnemo/gpu/GpuBuffer.hpp"

#include "mnemo/core/Log.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace mnemo::gpu {
namespace {

constexpr const char *kLog = "vulkan";
constexpr const char *kValidationLayer = "VK_LAYER_KHRONOS_validation";

std::string deviceTypeName(VkPhysicalDeviceType type) {
    switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
    default: return "other";
    }
}

bool layerInstalled(const char *name) {
    uint32_t count = 0;
    vkEnumerateInstanceLayerProperties(&count, nullptr);
    std::vector<VkLayerProperties> layers(count);
    vkEnumerateInstanceLayerProperties(&count, layers.data());
    return std::any_of(layers.begin(), layers.end(),
                       [&](const auto &l) { return std::strcmp(l.layerName, name) == 0; });
}

bool instanceExtensionAvailable(const char *name) {
    uint32_t count = 0;
    vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr);
    std::vector<VkExtensionProperties> exts(count);
    vkEnumerateInstanceExtensionProperties(nullptr, &count, exts.data());
    return std::any_of(exts.begin(), exts.end(),
                       [&](const auto &e) { return std::strcmp(e.extensionName, name) == 0; });
}

bool wantValidation(VulkanContextOptions::Validation requested) {
    if (requested == VulkanContextOptions::Validation::On) return true;
    if (requested == VulkanContextOptions::Validation::Off) return false;
    if (const char *env = std::getenv("MNEMO_VK_VALIDATION")) {
        return std::strcmp(env, "0") != 0;
    }
#ifdef NDEBUG
    return false;
#else
    return true;
#endif
}

std::optional<uint32_t> findComputeQueueFamily(VkPhysicalDevice device) {
    uint32_t count = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(device, &count, nullptr);
    std::vector<VkQueueFamilyProperties> families(count);
    vkGetPhysicalDeviceQueueFamilyProperties(device, &count, families.data());
    // Prefer a family that also does graphics: on most GPUs that is the universal queue, and presenting the frames
    // later is then possible without queue-family ownership transfers.
    std::optional<uint32_t> computeOnly;
    for (uint32_t i = 0; i < count; ++i) {
        if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
            if (families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) return i;
            if (!computeOnly) computeOnly = i;
        }
    }
    return computeOnly;
}

GpuDeviceInfo describeDevice(VkPhysicalDevice device) {
    VkPhysicalDeviceDriverProperties driver{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
    VkPhysicalDeviceProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    props.pNext = &driver;
    vkGetPhysicalDeviceProperties2(device, &props);
    GpuDeviceInfo info;
    info.name = props.properties.deviceName;
    info.type = deviceTypeName(props.properties.deviceType);
    info.driverName = driver.driverName;
    info.driverInfo = driver.driverInfo;
    info.vulkanVersion = formatVulkanVersion(props.properties.apiVersion);
    info.vendorId = props.properties.vendorID;
    info.deviceId = props.properties.deviceID;
    info.software = props.properties.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
    return info;
}

} // namespace

// Real GPUs first, the software rasterizer last but still acceptable.
int deviceTypeRank(VkPhysicalDeviceType type) {
    switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 4;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 3;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 1;
    default: return 0;
    }
}

const char *vkResultName(VkResult result) {
    switch (result) {
#define MNEMO_VK_CASE(x)                                                                                               \
    case x: return #x;
        MNEMO_VK_CASE(VK_SUCCESS)
        MNEMO_VK_CASE(VK_NOT_READY)
        MNEMO_VK_CASE(VK_TIMEOUT)
        MNEMO_VK_CASE(VK_INCOMPLETE)
        MNEMO_VK_CASE(VK_ERROR_OUT_OF_HOST_MEMORY)
        MNEMO_VK_CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY)
        MNEMO_VK_CASE(VK_ERROR_INITIALIZATION_FAILED)
        MNEMO_VK_CASE(VK_ERROR_DEVICE_LOST)
        MNEMO_VK_CASE(VK_ERROR_MEMORY_MAP_FAILED)
        MNEMO_VK_CASE(VK_ERROR_LAYER_NOT_PRESENT)
        MNEMO_VK_CASE(VK_ERROR_EXTENSION_NOT_PRESENT)
        MNEMO_VK_CASE(VK_ERROR_FEATURE_NOT_PRESENT)
        MNEMO_VK_CASE(VK_ERROR_INCOMPATIBLE_DRIVER)
        MNEMO_VK_CASE(VK_ERROR_TOO_MANY_OBJECTS)
        MNEMO_VK_CASE(VK_ERROR_FORMAT_NOT_SUPPORTED)
        MNEMO_VK_CASE(VK_ERROR_OUT_OF_DATE_KHR)
        MNEMO_VK_CASE(VK_ERROR_SURFACE_LOST_KHR)
        MNEMO_VK_CASE(VK_ERROR_INVALID_SHADER_NV)
#undef MNEMO_VK_CASE
    default: return "VK_ERROR_(unknown)";
    }
}

Status vkCheck(VkResult result, const char *what) {
    if (result == VK_SUCCESS) {
        return {};
    }
    const StatusCode code = result == VK_ERROR_DEVICE_LOST ? StatusCode::DeviceLost
                            : (result == VK_ERROR_OUT_OF_HOST_MEMORY || result == VK_ERROR_OUT_OF_DEVICE_MEMORY)
                                ? StatusCode::OutOfMemory
                            : result == VK_TIMEOUT ? StatusCode::Timeout
                                                   : StatusCode::Internal;
    return {code, std::string(what) + " failed: " + vkResultName(result)};
}

std::string formatVulkanVersion(uint32_t v) {
    return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) + "." +
           std::to_string(VK_API_VERSION_PATCH(v));
}

Result<std::unique_ptr<VulkanContext>> VulkanContext::create(const VulkanContextOptions &options) {
    std::unique_ptr<VulkanContext> ctx(new VulkanContext());
    if (Status s = ctx->createInstance(options); !s.ok()) return s;
    if (Status s = ctx->pickPhysicalDevice(options); !s.ok()) return s;
    if (Status s = ctx->createDevice(); !s.ok()) return s;
    return ctx;
}

Status VulkanContext::createInstance(const VulkanContextOptions &options) {
    uint32_t loaderVersion = VK_API_VERSION_1_0;
    vkEnumerateInstanceVersion(&loaderVersion);
    if (loaderVersion < VK_API_VERSION_1_1) {
        return {StatusCode::Unsupported, "the Vulkan loader supports only " + formatVulkanVersion(loaderVersion) +
                                             "; Mnemo needs Vulkan 1.1 or newer"};
    }
    m_apiVersion = std::min<uint32_t>(loaderVersion, VK_API_VERSION_1_3);

    std::vector<const char *> layers;
    std::vector<const char *> extensions;
    if (wantValidation(options.validation)) {
        if (layerInstalled(kValidationLayer)) {
            layers.push_back(kValidationLayer);
            m_validation = true;
            if (instanceExtensionAvailable(VK_EXT_DEBUG_UTILS_EXTENSION_NAME)) {
                extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
            }
        } else {
            log::info(kLog, "validation requested but VK_LAYER_KHRONOS_validation is not installed "
                            "(apt-get install vulkan-validationlayers)");
        }
    }

    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "Mnemo";
    app.pEngineName = "mnemo-engine";
    app.apiVersion = m_apiVersion;
    VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    info.pApplicationInfo = &app;
    info.enabledLayerCount = uint32_t(layers.size());
    info.ppEnabledLayerNames = layers.data();
    info.enabledExtensionCount = uint32_t(extensions.size());
    info.ppEnabledExtensionNames = extensions.data();
    const VkResult r = vkCreateInstance(&info, nullptr, &m_instance);
    if (r == VK_ERROR_INCOMPATIBLE_DRIVER) {
        const char *files = std::getenv("VK_DRIVER_FILES");
        if (!files) files = std::getenv("VK_ICD_FILENAMES");
        return {StatusCode::NotFound,
                std::string("no Vulkan driver could be loaded (vkCreateInstance: VK_ERROR_INCOMPATIBLE_DRIVER)") +
                    (files ? std::string("; VK_DRIVER_FILES is '") + files + "'" : std::string()) +
                    ". Install a GPU driver or Mesa's software rasterizer (apt-get install mesa-vulkan-drivers)"};
    }
    if (Status s = vkCheck(r, "vkCreateInstance"); !s.ok()) return s;

    if (m_validation && !extensions.empty()) {
        auto createMessenger = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(m_instance, "vkCreateDebugUtilsMessengerEXT"));
        VkDebugUtilsMessengerCreateInfoEXT dbg{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
        dbg.messageSeverity =
            VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
        dbg.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                          VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
        dbg.pfnUserCallback = &VulkanContext::onValidationMessage;
        dbg.pUserData = this;
        if (createMessenger) createMessenger(m_instance, &dbg, nullptr, &m_messenger);
        log::info(kLog, "validation layer enabled");
    }
    return {};
}

Status VulkanContext::pickPhysicalDevice(const VulkanContextOptions &options) {
    uint32_t count = 0;
    if (Status s = vkCheck(vkEnumeratePhysicalDevices(m_instance, &count, nullptr), "vkEnumeratePhysicalDevices");
        !s.ok()) {
        return s;
    }
    if (count == 0) {
        return {StatusCode::NotFound, "no Vulkan device found: the loader reported 0 physical devices. Install a GPU "
                                      "driver or Mesa's software rasterizer (apt-get install mesa-vulkan-drivers)"};
    }
    std::vector<VkPhysicalDevice> devices(count);
    vkEnumeratePhysicalDevices(m_instance, &count, devices.data());

    std::string filter = options.deviceNameFilter;
    if (filter.empty()) {
        if (const char *env = std::getenv("MNEMO_VK_DEVICE")) filter = env;
    }

    int bestRank = -1;
    std::string names;
    for (VkPhysicalDevice dev : devices) {
        GpuDeviceInfo info = describeDevice(dev);
        m_available.push_back(info);
        names += (names.empty() ? "" : ", ") + info.name + " (" + info.type + ")";
        if (!filter.empty() && info.name.find(filter) == std::string::npos) continue;
        const auto family = findComputeQueueFamily(dev);
        if (!family) continue;
        VkPhysicalDeviceProperties props;
        vkGetPhysicalDeviceProperties(dev, &props);
        if (props.apiVersion < VK_API_VERSION_1_1) continue;
        const int rank = deviceTypeRank(props.deviceType);
        if (rank > bestRank) {
            bestRank = rank;
            m_physicalDevice = dev;
            m_queueFamily = *family;
            m_info = info;
        }
    }
    if (!m_physicalDevice) {
        if (!filter.empty()) {
            return {StatusCode::NotFound, "no Vulkan device with a compute queue matches '" + filter +
                                              "' (MNEMO_VK_DEVICE); available: " + names};
        }
        return {StatusCode::NotFound, "no Vulkan 1.1 device with a compute queue; available: " + names};
    }
    log::info(kLog, "using " + m_info.name + " [" + m_info.type + ", " + m_info.driverName + " " + m_info.driverInfo +
                        ", Vulkan " + m_info.vulkanVersion + "]" +
                        (m_info.software ? " — software rasterizer; expect low frame rates" : ""));
    return {};
}

Status VulkanContext::createDevice() {
    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    queue.queueFamilyIndex = m_queueFamily;
    queue.queueCount = 1;
    queue.pQueuePriorities = &priority;
    VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    info.queueCreateInfoCount = 1;
    info.pQueueCreateInfos = &queue;
    if (Status s = vkCheck(vkCreateDevice(m_physicalDevice, &info, nullptr, &m_device), "vkCreateDevice"); !s.ok()) {
        return s;
    }
    vkGetDeviceQueue(m_device, m_queueFamily, 0, &m_queue);
    return createSubmitObjects();
}

Status VulkanContext::createSubmitObjects() {
    VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pool.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT | VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
    pool.queueFamilyIndex = m_queueFamily;
    if (Status s = vkCheck(vkCreateCommandPool(m_device, &pool, nullptr, &m_commandPool), "vkCreateCommandPool");
        !s.ok()) {
        return s;
    }
    VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    return vkCheck(vkCreateFence(m_device, &fence, nullptr, &m_fence), "vkCreateFence");
}

Result<std::unique_ptr<VulkanContext>> VulkanContext::borrow(const BorrowedVulkan &handles) {
    if (!handles.instance || !handles.physicalDevice || !handles.device || !handles.queue || !handles.lockQueue ||
        !handles.unlockQueue) {
        return Status{StatusCode::InvalidArgument, "a borrowed Vulkan device needs its instance, physical device, "
                                                   "device, queue and queue lock"};
    }
    std::unique_ptr<VulkanContext> ctx(new VulkanContext());
    ctx->m_borrowed = true;
    ctx->m_instance = handles.instance;
    ctx->m_physicalDevice = handles.physicalDevice;
    ctx->m_device = handles.device;
    ctx->m_queue = handles.queue;
    ctx->m_queueFamily = handles.queueFamily;
    ctx->m_apiVersion = handles.apiVersion;
    ctx->m_borrowedLock = handles.lockQueue;
    ctx->m_borrowedUnlock = handles.unlockQueue;
    ctx->m_info = describeDevice(handles.physicalDevice);
    ctx->m_available = {ctx->m_info};
    if (Status s = ctx->createSubmitObjects(); !s.ok()) return s;
    return ctx;
}

void VulkanContext::lockQueue() {
    if (m_borrowed)
        m_borrowedLock();
    else
        m_queueMutex.lock();
}

void VulkanContext::unlockQueue() {
    if (m_borrowed)
        m_borrowedUnlock();
    else
        m_queueMutex.unlock();
}

VulkanContext::~VulkanContext() {
    if (m_device) {
        if (!m_borrowed) vkDeviceWaitIdle(m_device);
        if (m_fence) vkDestroyFence(m_device, m_fence, nullptr);
        if (m_commandPool) vkDestroyCommandPool(m_device, m_commandPool, nullptr);
        if (!m_borrowed) vkDestroyDevice(m_device, nullptr);
    }
    if (m_borrowed) return;
    if (m_messenger) {
        auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(m_instance, "vkDestroyDebugUtilsMessengerEXT"));
        if (destroy) destroy(m_instance, m_messenger, nullptr);
    }
    if (m_instance) vkDestroyInstance(m_instance, nullptr);
}

Result<uint32_t> VulkanContext::findMemoryType(uint32_t typeBits, VkMemoryPropertyFlags required) const {
    return gpu::findMemoryType(deviceRef(*this), typeBits, required);
}

namespace {

// The queue's lock (the context's own, or a borrowed queue's owner's) for one scope.
class QueueLock {
public:
    explicit QueueLock(VulkanContext &ctx) : m_ctx(ctx) { m_ctx.lockQueue(); }
    ~QueueLock() { m_ctx.unlockQueue(); }
    QueueLock(const QueueLock &) = delete;
    QueueLock &operator=(const QueueLock &) = delete;

private:
    VulkanContext &m_ctx;
};

} // namespace

Status VulkanContext::submitAndWait(const std::function<void(VkCommandBuffer)> &record,
                                    std::chrono::milliseconds timeout) {
    std::lock_guard lock(m_submitMutex);
    VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    alloc.commandPool = m_commandPool;
    alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    alloc.commandBufferCount = 1;
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    if (Status s = vkCheck(vkAllocateCommandBuffers(m_device, &alloc, &cmd), "vkAllocateCommandBuffers"); !s.ok()) {
        return s;
    }
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    vkBeginCommandBuffer(cmd, &begin);
    record(cmd);
    Status status = vkCheck(vkEndCommandBuffer(cmd), "vkEndCommandBuffer");
    if (status.ok()) {
        VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
        submit.commandBufferCount = 1;
        submit.pCommandBuffers = &cmd;
        {
            const QueueLock lock(*this);
            status = vkCheck(vkQueueSubmit(m_queue, 1, &submit, m_fence), "vkQueueSubmit");
        }
        if (status.ok()) {
            const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count();
            status = vkCheck(vkWaitForFences(m_device, 1, &m_fence, VK_TRUE, uint64_t(ns)), "vkWaitForFences");
            if (status.code() == StatusCode::Timeout) {
                // The fence is still pending: the device may be hung. Wait it out before reusing the pool.
                const QueueLock lock(*this);
                vkQueueWaitIdle(m_queue);
            }
            vkResetFences(m_device, 1, &m_fence);
        }
    }
    vkFreeCommandBuffers(m_device, m_commandPool, 1, &cmd);
    return status;
}

VKAPI_ATTR VkBool32 VKAPI_CALL VulkanContext::onValidationMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                                  VkDebugUtilsMessageTypeFlagsEXT,
                                                                  const VkDebugUtilsMessengerCallbackDataEXT *data,
                                                                  void *user) {
    auto *self = static_cast<VulkanContext *>(user);
    if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
        self->m_validationErrors.fetch_add(1);
        log::error("vulkan.validation", data->pMessage);
    } else {
        log::warning("vulkan.validation", data->pMessage);
    }
    return VK_FALSE;
}

} // namespace mnemo::gpu
