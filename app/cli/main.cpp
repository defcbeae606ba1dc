// mnemo-cli: the headless front end. Links the engine only (no Qt), runs with no display.

#include "mnemo/core/BuildInfo.hpp"
#include "mnemo/core/Log.hpp"
#include "mnemo/core/Version.hpp"
#include "mnemo/gpu/SelfTest.hpp"
#include "mnemo/gpu/VulkanContext.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

void printUsage(std::FILE *to) {
    std::fputs("usage: mnemo-cli <command> [options]\n"
               "\n"
               "commands:\n"
               "  gpu          select a Vulkan device, run the compute self-test, print JSON;\n"
               "               exits 1 when no device is usable or the self-test fails\n"
               "  --version    print the version of mnemo-cli and of the libraries it runs with\n"
               "  help         show this text\n"
               "\n"
               "options:\n"
               "  --verbose    log engine messages (info and above) to stderr\n"
               "\n"
               "environment:\n"
               "  MNEMO_VK_DEVICE=<substring>  pick a Vulkan device by name\n"
               "  VK_DRIVER_FILES=<icd.json>   pick a Vulkan driver (e.g. Mesa lavapipe)\n",
               to);
}

int commandVersion() {
    std::printf("mnemo-cli %s (%s)\n", mnemo::kVersion, mnemo::kBuildType);
    for (const auto &[name, version] : mnemo::libraryVersions()) {
        std::printf("  %s %s\n", name.c_str(), version.c_str());
    }
    return 0;
}

int commandGpu() {
    auto ctx = mnemo::gpu::VulkanContext::create();
    if (!ctx.ok()) {
        std::cout << json{{"error", ctx.message()}, {"self_test", "not run"}}.dump(2) << "\n";
        std::fprintf(stderr, "mnemo-cli gpu: %s\n", ctx.message().c_str());
        return 1;
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

    auto report = mnemo::gpu::runComputeSelfTest(*ctx.value());
    if (!report.ok()) {
        out["self_test"] = "error";
        out["self_test_error"] = report.message();
        std::cout << out.dump(2) << "\n";
        std::fprintf(stderr, "mnemo-cli gpu: self-test could not run: %s\n", report.message().c_str());
        return 1;
    }
    out["self_test"] = report->passed ? "pass" : "fail";
    out["self_test_values"] = report->valuesChecked;
    out["self_test_mismatches"] = report->mismatches;
    out["self_test_ms"] = report->elapsedMs;
    if (!report->passed) out["self_test_first_mismatch"] = report->firstMismatchIndex;
    std::cout << out.dump(2) << "\n";
    return report->passed ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    bool verbose = false;
    std::vector<std::string> positional;
    for (const auto &a : args) {
        if (a == "--verbose" || a == "-v") {
            verbose = true;
        } else {
            positional.push_back(a);
        }
    }
    // stdout carries JSON; diagnostics go to stderr, and only warnings unless asked for more.
    mnemo::log::setMinimumLevel(verbose ? mnemo::log::Level::Info : mnemo::log::Level::Warning);

    if (positional.empty()) {
        printUsage(stderr);
        return 2;
    }
    const std::string &command = positional.front();
    if (command == "--version" || command == "version") return commandVersion();
    if (command == "help" || command == "--help" || command == "-h") {
        printUsage(stdout);
        return 0;
    }
    if (command == "gpu") return commandGpu();
    std::fprintf(stderr, "mnemo-cli: unknown command '%s'\n\n", command.c_str());
    printUsage(stderr);
    return 2;
}
