// mnemo-cli gpu: select a Vulkan device, run the compute self-test, print JSON.
#include "Commands.hpp"

#include "mnemo/gpu/SelfTest.hpp"

namespace mnemo::cli {
namespace {

// What `gpu` prints, and why it fails (empty when it did not); a self-test that ran and failed says nothing more.
struct GpuReport {
    nlohmann::json out;
    std::string problem;
    bool passed = false;
};

nlohmann::json deviceJson(const gpu::VulkanContext &ctx) {
    using nlohmann::json;
    const auto &info = ctx.deviceInfo();
    json out{
        {"device", info.name},
        {"device_type", info.type},
        {"driver", info.driverInfo},
        {"driver_name", info.driverName},
        {"vulkan", info.vulkanVersion},
        {"software", info.software},
        {"validation", ctx.validationEnabled()},
    };
    json devices = json::array();
    for (const auto &d : ctx.availableDevices()) {
        devices.push_back({{"name", d.name}, {"type", d.type}, {"vulkan", d.vulkanVersion}});
    }
    out["available_devices"] = devices;
    return out;
}

GpuReport runGpu() {
    auto ctx = gpu::VulkanContext::create();
    if (!ctx.ok()) return {{{"error", ctx.message()}, {"self_test", "not run"}}, ctx.message()};
    GpuReport report{deviceJson(*ctx.value()), {}};
    auto test = gpu::runComputeSelfTest(*ctx.value());
    if (!test.ok()) {
        report.out["self_test"] = "error";
        report.out["self_test_error"] = test.message();
        report.problem = "self-test could not run: " + test.message();
        return report;
    }
    report.passed = test->passed;
    report.out["self_test"] = test->passed ? "pass" : "fail";
    report.out["self_test_values"] = test->valuesChecked;
    report.out["self_test_mismatches"] = test->mismatches;
    report.out["self_test_ms"] = test->elapsedMs;
    if (!test->passed) report.out["self_test_first_mismatch"] = test->firstMismatchIndex;
    return report;
}

int printGpu(const GpuReport &report) {
    printJson(report.out);
    if (!report.problem.empty()) return failWith("gpu", report.problem);
    return report.passed ? 0 : kWorkFailed;
}

} // namespace

void addGpuCommand(CLI::App &root, CommandLine &line) {
    CLI::App *gpu = root.add_subcommand(
        "gpu", "select a Vulkan device and run the compute self-test (JSON); exit 1 without a device or on a failure");
    onParsed(*gpu, line, [] { return printGpu(runGpu()); });
}

} // namespace mnemo::cli
