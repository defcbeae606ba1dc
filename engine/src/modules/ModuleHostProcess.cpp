// mnemo-module-host: the child process of an isolated module. Loads one module library (vetted as the host vets it),
// says Ready, then answers the host's calls one by one until the host closes the socket. Frames are read from and
// written to the shared memory the host passed; the module writes its output there directly.
#include "IsolationWire.hpp"

#include "mnemo/core/Log.hpp"
#include "mnemo/modules/Isolation.hpp"
#include "mnemo/modules/ModuleHost.hpp"
#include "mnemo/modules/ModuleRegistry.hpp"

#include <chrono>
#include <csignal>
#include <functional>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

namespace mnemo::modules {
namespace {

using wire::Op;

struct Child {
    const LoadedModule *module = nullptr;
    std::unique_ptr<HostBinding> binding;
    void *instance = nullptr;
    uint32_t width = 0, height = 0;
    wire::SharedMemory shm{wire::kChildShmFd};
    std::vector<uint8_t> message;
};

constexpr uint32_t kMaxSide = 16384; // frame and thumbnail sides: keeps every size product far from overflowing

mnemo_frame sharedFrame(Child &c, uint64_t at, uint64_t index) {
    return {sizeof(mnemo_frame), c.width, c.height, c.width * 4, MNEMO_PIXEL_RGBA8, c.shm.data() + at, index};
}

// A region [at, at + bytes) the shared memory must hold.
bool inside(const Child &c, uint64_t at, uint64_t bytes) { return at <= c.shm.size() && bytes <= c.shm.size() - at; }

// Runs a module call; a C++ exception that crosses the ABI becomes the call's error.
template <typename F> mnemo_status guardedCall(mnemo_error &error, F &&f) {
    try {
        return f();
    } catch (const std::exception &e) {
        std::snprintf(error.message, sizeof error.message, "an exception crossed the module ABI: %s", e.what());
    } catch (...) {
        std::snprintf(error.message, sizeof error.message, "an exception crossed the module ABI");
    }
    return MNEMO_ERR_INTERNAL;
}

// The time the last module call took inside the module, sent with its answer (the host's step time: what the host
// measures beyond it is the isolation's cost, part of its overhead); and the request being answered.
double g_moduleMs = 0;
uint64_t g_sequence = 0;

template <typename F> mnemo_status timedCall(mnemo_error &error, F &&f) {
    const auto start = std::chrono::steady_clock::now();
    const mnemo_status s = guardedCall(error, std::forward<F>(f));
    g_moduleMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return s;
}

bool answer(mnemo_status status, const mnemo_error &error, const std::function<void(wire::Writer &)> &results = {}) {
    wire::Writer w(Op::Answer, g_sequence);
    // A status the ABI does not define is the module's bug: it reaches the host as an internal error.
    const int32_t code = int32_t(status) <= MNEMO_OK && int32_t(status) >= MNEMO_ERR_INTERNAL ? int32_t(status)
                                                                                               : MNEMO_ERR_INTERNAL;
    w.put(code);
    w.putString(std::string(error.message, strnlen(error.message, sizeof error.message - 1))); // a C string's worth
    w.put(g_moduleMs);
    g_moduleMs = 0;
    if (code == MNEMO_OK && results) results(w);
    std::string why;
    return wire::sendMessage(wire::kChildSocketFd, w, why);
}

bool refuse(const std::string &why) {
    mnemo_error error{};
    std::snprintf(error.message, sizeof error.message, "the host's request was malformed: %s", why.c_str());
    return answer(MNEMO_ERR_INVALID_ARGUMENT, error);
}

bool create(Child &c, ModuleHost &host, wire::Reader &r) {
    uint32_t count = 0;
    if (!r.get(c.width) || !r.get(c.height) || !r.get(count) || count > 4096 || c.width > kMaxSide ||
        c.height > kMaxSide) {
        return refuse("create");
    }
    std::vector<std::string> names(count);
    std::vector<mnemo_param_value> values(count);
    for (uint32_t i = 0; i < count; ++i) {
        if (!r.getString(names[i], 256) || !r.get(values[i].value)) return refuse("create's parameters");
        values[i].name = names[i].c_str();
    }
    c.binding = host.bind();
    mnemo_create_args args{sizeof args, c.width, c.height, values.data(), count};
    mnemo_error error{};
    const mnemo_status s = guardedCall(error, [&] {
        return c.module->api->create(&c.binding->services, &args, &c.instance, &error);
    });
    if (s != MNEMO_OK) c.instance = nullptr;
    return answer(s, error);
}

bool worldStep(Child &c, wire::Reader &r) {
    uint64_t shmBytes = 0;
    uint32_t n = 0;
    if (!r.get(shmBytes) || !r.get(n) || n == 0 || n > 1024) return refuse("world_step");
    if (std::string why; !c.shm.mapAtLeast(shmBytes, why)) return refuse(why);
    std::vector<mnemo_camera> cameras(n), used(n);
    std::vector<mnemo_frame> frames(n);
    const uint64_t frameSize = uint64_t(c.width) * c.height * 4;
    for (uint32_t i = 0; i < n; ++i) {
        uint64_t at = 0, index = 0;
        if (!r.get(cameras[i]) || !r.get(at) || !r.get(index) || !inside(c, at, frameSize)) return refuse("a frame");
        frames[i] = sharedFrame(c, at, index);
    }
    uint32_t tickCount = 0;
    if (!r.get(tickCount) || tickCount > 100000) return refuse("ticks");
    std::vector<std::vector<std::string>> keys(tickCount);
    std::vector<std::vector<const char *>> keyPointers(tickCount);
    std::vector<mnemo_ctrl_tick> ticks(tickCount);
    for (uint32_t i = 0; i < tickCount; ++i) {
        uint32_t keyCount = 0;
        if (!r.get(ticks[i].t_us) || !r.get(keyCount) || keyCount > 256) return refuse("a tick");
        keys[i].resize(keyCount);
        for (auto &k : keys[i]) {
            if (!r.getString(k, 64)) return refuse("a key");
            keyPointers[i].push_back(k.c_str());
        }
        ticks[i].keys = keyPointers[i].data();
        ticks[i].key_count = keyCount;
        if (!r.get(ticks[i].mouse_dx) || !r.get(ticks[i].mouse_dy) || !r.get(ticks[i].wheel)) return refuse("a tick");
    }
    uint32_t pickCount = 0;
    if (!r.get(pickCount) || pickCount > 4096) return refuse("memory");
    std::vector<mnemo_memory_pick> picks(pickCount);
    for (auto &p : picks) {
        uint8_t thumb = 0, latent = 0;
        uint64_t thumbAt = 0, latentSize = 0, latentAt = 0;
        p.struct_size = sizeof p;
        if (!r.get(p.entry_id) || !r.get(p.frame_index) || !r.get(p.score) || !r.get(p.covered) || !r.get(p.camera) ||
            !r.get(thumb) || !r.get(p.thumb_width) || !r.get(p.thumb_height) || !r.get(thumbAt) || !r.get(latent) ||
            !r.get(latentSize) || !r.get(latentAt)) {
            return refuse("a memory pick");
        }
        if (thumb && (p.thumb_width > kMaxSide || p.thumb_height > kMaxSide ||
                      !inside(c, thumbAt, uint64_t(p.thumb_width) * p.thumb_height * 4))) {
            return refuse("a thumbnail");
        }
        if (latent && !inside(c, latentAt, latentSize)) return refuse("a latent");
        p.thumbnail = thumb ? c.shm.data() + thumbAt : nullptr;
        p.latent = latent ? c.shm.data() + latentAt : nullptr;
        p.latent_size = latent ? size_t(latentSize) : 0;
    }
    if (!r.atEnd()) return refuse("world_step has trailing bytes");
    mnemo_world_step_input in{sizeof in, cameras.data(), n, ticks.data(), tickCount, picks.data(), pickCount};
    mnemo_world_step_output out{sizeof out, frames.data(), used.data(), 0, 0};
    mnemo_error error{};
    const mnemo_status s = timedCall(error, [&] { return c.module->api->world_step(c.instance, &in, &out, &error); });
    return answer(s, error, [&](wire::Writer &w) {
        w.put(out.frames_written);
        w.put(out.ticks_used);
        for (const auto &cam : used) w.put(cam);
    });
}

bool edit(Child &c, wire::Reader &r, bool withSource) {
    uint64_t shmBytes = 0;
    uint32_t n = 0;
    if (!r.get(shmBytes) || !r.get(n) || n == 0 || n > 1024) return refuse("edit");
    if (std::string why; !c.shm.mapAtLeast(shmBytes, why)) return refuse(why);
    const uint64_t frameSize = uint64_t(c.width) * c.height * 4, flowSize = uint64_t(c.width) * c.height * 8;
    std::vector<mnemo_frame> in(n), out(n), source(n);
    std::vector<mnemo_flow> flows(n);
    for (uint32_t i = 0; i < n; ++i) {
        uint64_t index = 0, inAt = 0, outAt = 0;
        if (!r.get(index) || !r.get(inAt) || !r.get(outAt) || !inside(c, inAt, frameSize) ||
            !inside(c, outAt, frameSize)) {
            return refuse("a frame");
        }
        in[i] = sharedFrame(c, inAt, index);
        out[i] = sharedFrame(c, outAt, index);
        if (!withSource) continue;
        uint64_t sourceIndex = 0, sourceAt = 0, flowAt = 0;
        uint8_t hasFlow = 0;
        if (!r.get(sourceIndex) || !r.get(sourceAt) || !r.get(hasFlow) || !r.get(flowAt) ||
            !inside(c, sourceAt, frameSize) || (hasFlow && (flowAt % 4 != 0 || !inside(c, flowAt, flowSize)))) {
            return refuse("a source frame");
        }
        source[i] = sharedFrame(c, sourceAt, sourceIndex);
        flows[i] = {sizeof(mnemo_flow), c.width, c.height,
                    hasFlow ? reinterpret_cast<const float *>(c.shm.data() + flowAt) : nullptr};
    }
    if (!r.atEnd()) return refuse("edit has trailing bytes");
    mnemo_error error{};
    const mnemo_status s = timedCall(error, [&] {
        if (!withSource) return c.module->api->edit_process(c.instance, in.data(), out.data(), n, &error);
        mnemo_edit_input input{sizeof input, in.data(), source.data(), flows.data(), n};
        return c.module->api->edit_process_with_source(c.instance, &input, out.data(), &error);
    });
    return answer(s, error);
}

// One request; false when the host is gone or the child should end.
bool serve(Child &c, ModuleHost &host) {
    std::string why;
    if (wire::receiveMessage(wire::kChildSocketFd, c.message, -1, why) != wire::Received::Ok) return false;
    wire::Reader r(c.message.data(), c.message.size());
    Op op{};
    if (!r.header(op, g_sequence)) return refuse("no header");
    const mnemo_module_api *api = c.module->api;
    if (op != Op::Create && !c.instance) return refuse("a call before create");
    mnemo_error error{};
    switch (op) {
    case Op::Create: return c.instance ? refuse("a second create") : create(c, host, r);
    case Op::Destroy:
        guardedCall(error, [&] { api->destroy(c.instance); return MNEMO_OK; });
        c.instance = nullptr;
        answer(MNEMO_OK, error);
        return false;
    case Op::Reset: {
        uint64_t seed = 0;
        std::string prompt;
        if (!r.get(seed) || !r.getString(prompt) || !r.atEnd()) return refuse("reset");
        if (!api->reset) return answer(MNEMO_OK, error);
        mnemo_reset_args args{sizeof args, seed, prompt.empty() ? nullptr : prompt.c_str(), nullptr};
        return answer(guardedCall(error, [&] { return api->reset(c.instance, &args, &error); }), error);
    }
    case Op::SetParam: {
        std::string name;
        mnemo_param_value v{};
        if (!r.getString(name, 256) || !r.get(v.value) || !r.atEnd()) return refuse("set_param");
        v.name = name.c_str();
        return answer(guardedCall(error, [&] { return api->set_param(c.instance, &v, &error); }), error);
    }
    case Op::SetParamText: {
        std::string name, text;
        if (!r.getString(name, 256) || !r.getString(text) || !r.atEnd()) return refuse("set_param_text");
        return answer(guardedCall(error, [&] { return api->set_param_text(c.instance, name.c_str(), text.c_str(), &error); }),
                      error);
    }
    case Op::WorldStep: return worldStep(c, r);
    case Op::Edit: return edit(c, r, false);
    case Op::EditWithSource: return edit(c, r, true);
    default: return refuse("an unknown request " + std::to_string(uint32_t(op)));
    }
}

} // namespace

// Never outlive the host, even stuck in a module call: a watchdog ends the process once it is reparented. (Not
// PR_SET_PDEATHSIG: that fires when the host *thread* that started the child ends, and hosts create instances on
// worker threads that end before the instance does.)
static void watchParent(pid_t parent) {
    std::thread([parent] {
        for (;;) {
            if (getppid() != parent) _exit(0);
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
        }
    }).detach();
}

int runModuleHostProcess(int argc, char **argv) {
    watchParent(getppid());
    signal(SIGPIPE, SIG_IGN);
    // Whatever the module starts does not inherit the host's socket or the shared memory.
    fcntl(wire::kChildSocketFd, F_SETFD, FD_CLOEXEC);
    fcntl(wire::kChildShmFd, F_SETFD, FD_CLOEXEC);
    const bool vulkan = argc == 7 && std::strcmp(argv[5], "--vulkan") == 0;
    if ((argc != 6 && !vulkan) || std::strcmp(argv[1], "--socket") != 0 || std::strcmp(argv[3], "--shm") != 0 ||
        std::atoi(argv[2]) != wire::kChildSocketFd || std::atoi(argv[4]) != wire::kChildShmFd) {
        std::fprintf(stderr, "usage: mnemo-module-host --socket %d --shm %d [--vulkan] LIBRARY\n(started by Mnemo for "
                             "an isolated module; not meant to be run by hand)\n", wire::kChildSocketFd,
                     wire::kChildShmFd);
        return 2;
    }
    const std::string library = argv[argc - 1];
    // A module that needs Vulkan gets a device of its own here (not the host's: no GPU path across processes).
    std::shared_ptr<gpu::VulkanContext> device;
    if (vulkan) {
        if (auto made = gpu::VulkanContext::create(); made.ok()) device = std::move(made.value());
    }
    ModuleHost host(device);
    ModuleRegistry registry(host);
    const Status loaded = registry.loadFile(library);
    mnemo_error error{};
    if (!loaded.ok()) std::snprintf(error.message, sizeof error.message, "%s", loaded.message().c_str());
    wire::Writer ready(Op::Ready, 0);
    ready.put(uint32_t(loaded.ok() ? MNEMO_OK : MNEMO_ERR_INVALID_ARGUMENT));
    ready.putString(error.message);
    ready.putString(loaded.ok() ? registry.loaded().front().id : "");
    if (std::string why; !wire::sendMessage(wire::kChildSocketFd, ready, why) || !loaded.ok()) return loaded.ok() ? 1 : 3;
    Child child;
    child.module = &registry.loaded().front();
    while (serve(child, host)) {
    }
    if (child.instance) child.module->api->destroy(child.instance);
    return 0;
}

} // namespace mnemo::modules
