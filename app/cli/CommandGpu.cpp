#include "Commands.hpp"

#include "mnemo/gpu/SelfTest.hpp"

#include <nlohmann/json.hpp>
#include "mnemo/core/JsonText.hpp"

#include <iostream>

namespace mnemo::cli {

int failWith(const char *command, const std::string &message, int code) {
    std::fprintf(stderr, "mnemo-cli %s: %s\n", command, message.c_str());
    return code;
}

int commandGpu(const CliArgs &) {
    using nlohmann::json;
    auto ctx = gpu::VulkanContext::create();
    if (!ctx.ok()) {
        std::cout << json{{"error", ctx.message()}, {"self_test", "not run"}}.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return failWith("gpu", ctx.message());
    }
    const auto &info = ctx.value()->deviceInfo();
    json out{
        {"device", info.name},
        {"device_type", info.type},
        {"driver", info.driverInfo},
        {"driver_name", info.driverName},
        {"vulkan", info.vulkanVersion},
        {"software", info.software},
        {"validation", ctx.value()->validationEnabled()},
    };
    json devices = json::array();
    for (const auto &d : ctx.value()->availableDevices()) {
        devices.push_back({{"name", d.name}, {"type", d.type}, {"vulkan", d.vulkanVersion}});
    }
    out["available_devices"] = devices;

    auto report = gpu::runComputeSelfTest(*ctx.value());
    if (!report.ok()) {
        out["self_test"] = "error";
        out["self_test_error"] = report.message();
        std::cout << mnemo::toJson(out, 2) << "\n";
        return failWith("gpu", "self-test could not run: " + report.message());
    }
    out["self_test"] = report->passed ? "pass" : "fail";
    out["self_test_values"] = report->valuesChecked;
    out["self_test_mismatches"] = report->mismatches;
    out["self_test_ms"] = report->elapsedMs;
    if (!report->passed) out["self_test_first_mismatch"] = report->firstMismatchIndex;
    std::cout << mnemo::toJson(out, 2) << "\n";
    return report->passed ? 0 : 1;
}

} // namespace mnemo::cli
