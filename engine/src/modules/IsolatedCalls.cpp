// The host side of an isolated module: starts mnemo-module-host for the module's library, turns each C call into a
// message (frames into shared memory), waits for the answer within the deadline, and copies the results back. When
// the child crashes, hangs, exits or answers nonsense, the call fails naming what happened, the child is gone for
// good, and every later call says so.
#include "IsolationWire.hpp"
#include "ModuleCalls.hpp"

#include "mnemo/core/Log.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <csignal>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace mnemo::modules {
namespace {

using wire::Op;

size_t frameBytes(const mnemo_frame &f) { return size_t(f.width) * f.height * 4; }

// Copies a frame between host memory and a tight shared-memory slot, row by row (host frames may have a stride).
void toShared(const mnemo_frame &f, uint8_t *slot) {
    for (uint32_t y = 0; y < f.height; ++y) std::memcpy(slot + size_t(y) * f.width * 4, f.pixels + size_t(y) * f.stride_bytes, size_t(f.width) * 4);
}
void fromShared(const uint8_t *slot, mnemo_frame &f) {
    for (uint32_t y = 0; y < f.height; ++y) std::memcpy(f.pixels + size_t(y) * f.stride_bytes, slot + size_t(y) * f.width * 4, size_t(f.width) * 4);
}

std::string signalName(int sig) {
    const char *name = sigabbrev_np(sig);
    return name ? std::string("SIG") + name : "signal " + std::to_string(sig);
}

class IsolatedCalls final : public ModuleCalls {
public:
    IsolatedCalls(const LoadedModule &module, const Isolation &isolation)
        : m_id(module.id), m_file(module.file), m_isolation(isolation), m_requiresVulkan(module.requiresVulkan) {}
    ~IsolatedCalls() override { stop(); }

    mnemo_status create(const mnemo_host_services *host, const mnemo_create_args *args, mnemo_error *error) override {
        // A module that needs Vulkan gets a device of its own in the child, where this host has one too.
        const bool vulkan = m_requiresVulkan && host && host->vulkan;
        if (m_pid != -1 || !m_dead.empty()) return failed(error, "create was called twice on one instance");
        if (std::string why; !start(vulkan, why)) return failed(error, why);
        wire::Writer w = request(Op::Create);
        w.put(args->width);
        w.put(args->height);
        w.put(args->param_count);
        for (uint32_t i = 0; i < args->param_count; ++i) {
            w.putString(args->params[i].name ? args->params[i].name : "");
            w.put(args->params[i].value);
        }
        return call(w, "create", loadDeadline(), error, nullptr);
    }

    void destroy() override {
        if (m_pid < 0 || !m_dead.empty()) return;
        mnemo_error error{};
        (void)call(request(Op::Destroy), "destroy", m_isolation.deadlineMs, &error, nullptr);
    }

    mnemo_status reset(const mnemo_reset_args *args, mnemo_error *error) override {
        wire::Writer w = request(Op::Reset);
        w.put(args->seed);
        w.putString(args->prompt ? args->prompt : "");
        return call(w, "reset", m_isolation.deadlineMs, error, nullptr);
    }

    mnemo_status setParam(const mnemo_param_value *value, mnemo_error *error) override {
        wire::Writer w = request(Op::SetParam);
        w.putString(value->name ? value->name : "");
        w.put(value->value);
        return call(w, "set_param", m_isolation.deadlineMs, error, nullptr);
    }

    mnemo_status setParamText(const char *name, const char *text, mnemo_error *error) override {
        wire::Writer w = request(Op::SetParamText);
        w.putString(name ? name : "");
        w.putString(text ? text : "");
        return call(w, "set_param_text", m_isolation.deadlineMs, error, nullptr);
    }

    mnemo_status worldStep(const mnemo_world_step_input *in, mnemo_world_step_output *out, mnemo_error *error) override;
    mnemo_status editProcess(const mnemo_frame *in, mnemo_frame *out, uint32_t count, mnemo_error *error) override {
        return edit(Op::Edit, in, nullptr, nullptr, out, count, error);
    }
    mnemo_status editWithSource(const mnemo_edit_input *in, mnemo_frame *out, mnemo_error *error) override {
        return edit(Op::EditWithSource, in->frames, in->source, in->source_flow, out, in->count, error);
    }
    void *inProcessInstance() const override { return nullptr; }
    double lastModuleMs() const override { return m_lastModuleMs; }

private:
    using Answer = std::function<bool(wire::Reader &)>;

    int loadDeadline() const { return int(std::max<uint32_t>(m_isolation.deadlineMs, 30000)); }
    wire::Writer request(Op op) { return wire::Writer(op, ++m_sequence); }
    bool start(bool vulkan, std::string &why);
    bool spawn(bool vulkan, std::string &why);
    bool awaitReady(std::string &why);
    void stop();
    std::string ended(const char *what);
    mnemo_status failed(mnemo_error *error, const std::string &why);
    mnemo_status call(const wire::Writer &request, const char *what, int deadlineMs, mnemo_error *error,
                      const Answer &answer);
    mnemo_status edit(Op op, const mnemo_frame *in, const mnemo_frame *source, const mnemo_flow *flows,
                      mnemo_frame *out, uint32_t count, mnemo_error *error);

    std::string m_id, m_file;
    Isolation m_isolation;
    bool m_requiresVulkan;
    pid_t m_pid = -1;
    int m_socket = -1;
    wire::SharedMemory m_shm;
    std::string m_dead; // why the child is gone; empty while it serves
    std::vector<uint8_t> m_message;
    double m_lastModuleMs = -1;
    uint64_t m_sequence = 0;
};

// A descriptor moved to where the child expects it: dup2 onto the target clears close-on-exec, except when the
// descriptor is the target already, so it is first moved out of the way.
bool placeForChild(posix_spawn_file_actions_t &actions, int fd, int target, std::vector<int> &temporaries) {
    const int moved = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    if (moved < 0) return false;
    temporaries.push_back(moved);
    return posix_spawn_file_actions_adddup2(&actions, moved, target) == 0;
}

bool IsolatedCalls::start(bool vulkan, std::string &why) { return spawn(vulkan, why) && awaitReady(why); }

// The child, with its end of a new socket and the shared memory at the descriptors it expects, and a marked
// environment (the faulty fixture module knows from it where it runs).
bool IsolatedCalls::spawn(bool vulkan, std::string &why) {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        why = std::string("cannot make its socket: ") + std::strerror(errno);
        return false;
    }
    m_socket = pair[0];
    if (!m_shm.create(why)) {
        close(pair[1]);
        return false;
    }
    const std::string exe = moduleHostExecutable();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    std::vector<int> temporaries;
    const bool placed = placeForChild(actions, pair[1], wire::kChildSocketFd, temporaries) &&
                        placeForChild(actions, m_shm.fd(), wire::kChildShmFd, temporaries);
    std::vector<std::string> args{exe, "--socket", std::to_string(wire::kChildSocketFd), "--shm",
                                  std::to_string(wire::kChildShmFd)};
    if (vulkan) args.emplace_back("--vulkan");
    args.push_back(m_file);
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env{"MNEMO_MODULE_CHILD=1"};
    for (char **e = environ; e && *e; ++e) {
        if (std::strncmp(*e, "MNEMO_MODULE_CHILD=", 19) != 0) env.emplace_back(*e);
    }
    std::vector<char *> envp;
    for (auto &e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    // A clean signal state: nothing blocked or ignored that this process (a GUI thread, say) happens to block or ignore.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, sig);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const int spawned =
        placed ? posix_spawn(&m_pid, exe.c_str(), &actions, &attributes, argv.data(), envp.data()) : errno;
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    for (int fd : temporaries) close(fd);
    close(pair[1]);
    if (!placed || spawned != 0) {
        m_pid = -1;
        why = "cannot start " + exe + ": " + std::strerror(placed ? spawned : errno);
        return false;
    }
    return true;
}

// The child answers Ready once the library has loaded (or says why it did not).
bool IsolatedCalls::awaitReady(std::string &why) {
    const wire::Received got = wire::receiveMessage(m_socket, m_message, loadDeadline(), why);
    if (got != wire::Received::Ok) {
        why = got == wire::Received::Timeout ? "did not load within " + std::to_string(loadDeadline()) + " ms" : ended("start");
        m_dead = why;
        return false;
    }
    wire::Reader r(m_message.data(), m_message.size());
    Op op{};
    uint64_t sequence = 0;
    uint32_t status = 0;
    std::string message, id;
    if (!r.header(op, sequence) || op != Op::Ready || !r.get(status) || !r.getString(message) || !r.getString(id)) {
        m_dead = why = "its host process sent a malformed greeting";
        return false;
    }
    if (status != MNEMO_OK) {
        m_dead = why = message;
        return false;
    }
    if (id != m_id) {
        m_dead = why = "its library now holds module '" + id + "'";
        return false;
    }
    return true;
}

// Reaps the child (it is exiting, or is made to) and says how it ended.
std::string IsolatedCalls::ended(const char *what) {
    if (m_pid <= 0) return std::string("its process is gone (during ") + what + ")";
    int status = 0;
    pid_t reaped = 0;
    for (int waited = 0; waited < 100; ++waited) {
        reaped = waitpid(m_pid, &status, WNOHANG);
        if (reaped != 0 && !(reaped < 0 && errno == EINTR)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (reaped == 0) {
        kill(m_pid, SIGKILL);
        do {
            reaped = waitpid(m_pid, &status, 0);
        } while (reaped < 0 && errno == EINTR);
    }
    m_pid = reaped == m_pid ? -2 : m_pid; // -2: reaped, nothing left to stop
    std::string how = "its process ended";
    if (reaped > 0 && WIFSIGNALED(status)) {
        how = "its process crashed (" + signalName(WTERMSIG(status)) + ")";
    } else if (reaped > 0 && WIFEXITED(status)) {
        how = "its process exited with code " + std::to_string(WEXITSTATUS(status));
    }
    return how + " during " + what;
}

mnemo_status IsolatedCalls::failed(mnemo_error *error, const std::string &why) {
    if (m_dead.empty()) m_dead = why;
    std::snprintf(error->message, sizeof error->message, "isolated: %s", why.c_str());
    return MNEMO_ERR_INTERNAL;
}

void IsolatedCalls::stop() {
    if (m_socket >= 0) close(m_socket); // the child's next read sees the end and it exits
    m_socket = -1;
    if (m_pid > 0) {
        int status = 0;
        pid_t reaped = 0;
        for (int waited = 0; waited < 50 && (reaped = waitpid(m_pid, &status, WNOHANG)) == 0; ++waited) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (reaped == 0) {
            kill(m_pid, SIGKILL);
            waitpid(m_pid, &status, 0);
        }
    }
    m_pid = -1;
}

// One call: the request out, the answer back within the deadline. `answer` reads the call's results after the status.
mnemo_status IsolatedCalls::call(const wire::Writer &request, const char *what, int deadlineMs, mnemo_error *error,
                                 const Answer &answer) {
    if (!m_dead.empty()) return failed(error, m_dead);
    if (m_pid < 0) return failed(error, "its process is not running");
    if (request.bytes().size() > wire::kMaxMessage) { // the call's fault, not the child's: it stays
        std::snprintf(error->message, sizeof error->message, "isolated: %s's request is %zu bytes, more than an "
                      "isolated module takes (%zu)", what, request.bytes().size(), wire::kMaxMessage);
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    std::string why;
    if (!wire::sendMessage(m_socket, request, why)) return failed(error, ended(what));
    const wire::Received got = wire::receiveMessage(m_socket, m_message, deadlineMs, why);
    if (got == wire::Received::Timeout) {
        kill(m_pid, SIGKILL);
        (void)ended(what);
        return failed(error, std::string("no answer to ") + what + " within " + std::to_string(deadlineMs) +
                                 " ms: its process was stopped (a hang)");
    }
    if (got == wire::Received::Closed) return failed(error, ended(what));
    if (got == wire::Received::Error) {
        kill(m_pid, SIGKILL);
        (void)ended(what);
        return failed(error, "a bad answer to " + std::string(what) + " (" + why + "): its process was stopped");
    }
    wire::Reader r(m_message.data(), m_message.size());
    Op op{};
    uint64_t sequence = 0;
    int32_t status = 0;
    std::string message;
    double moduleMs = -1;
    const bool good = r.header(op, sequence) && op == Op::Answer && sequence == request.sequence() && r.get(status) &&
                      status <= MNEMO_OK && status >= MNEMO_ERR_INTERNAL && r.getString(message, 511) &&
                      r.get(moduleMs) && (status != MNEMO_OK || !answer || answer(r)) && !r.failed() && r.atEnd();
    if (!good) {
        kill(m_pid, SIGKILL);
        (void)ended(what);
        return failed(error, "a malformed answer to " + std::string(what) + ": its process was stopped");
    }
    std::snprintf(error->message, sizeof error->message, "%s", message.c_str());
    m_lastModuleMs = moduleMs;
    return mnemo_status(status);
}

mnemo_status IsolatedCalls::worldStep(const mnemo_world_step_input *in, mnemo_world_step_output *out,
                                      mnemo_error *error) {
    const uint32_t n = in->frame_count;
    wire::Layout layout;
    std::vector<size_t> frameAt(n);
    for (uint32_t i = 0; i < n; ++i) frameAt[i] = layout.add(frameBytes(out->frames[i]));
    const uint32_t picks = MNEMO_HAS_FIELD(in, mnemo_world_step_input, memory) ? in->memory_count : 0;
    std::vector<size_t> thumbAt(picks), latentAt(picks);
    for (uint32_t i = 0; i < picks; ++i) {
        const mnemo_memory_pick &p = in->memory[i];
        thumbAt[i] = layout.add(p.thumbnail ? size_t(p.thumb_width) * p.thumb_height * 4 : 0);
        latentAt[i] = layout.add(p.latent ? p.latent_size : 0);
    }
    if (std::string why; !m_shm.grow(layout.size(), why)) return failed(error, why);
    wire::Writer w = request(Op::WorldStep);
    w.put(uint64_t(layout.size()));
    w.put(n);
    for (uint32_t i = 0; i < n; ++i) {
        w.put(in->cameras[i]);
        w.put(uint64_t(frameAt[i]));
        w.put(out->frames[i].index);
    }
    w.put(in->tick_count);
    for (uint32_t i = 0; i < in->tick_count; ++i) {
        const mnemo_ctrl_tick &t = in->ticks[i];
        w.put(t.t_us);
        w.put(t.key_count);
        for (uint32_t k = 0; k < t.key_count; ++k) w.putString(t.keys[k] ? t.keys[k] : "");
        w.put(t.mouse_dx);
        w.put(t.mouse_dy);
        w.put(t.wheel);
    }
    w.put(picks);
    for (uint32_t i = 0; i < picks; ++i) {
        const mnemo_memory_pick &p = in->memory[i];
        w.put(p.entry_id);
        w.put(p.frame_index);
        w.put(p.score);
        w.put(p.covered);
        w.put(p.camera);
        const bool thumb = p.thumbnail != nullptr, latent = p.latent != nullptr;
        w.put(uint8_t(thumb));
        w.put(thumb ? p.thumb_width : 0u);
        w.put(thumb ? p.thumb_height : 0u);
        w.put(uint64_t(thumbAt[i]));
        w.put(uint8_t(latent));
        w.put(uint64_t(latent ? p.latent_size : 0));
        w.put(uint64_t(latentAt[i]));
        if (thumb) std::memcpy(m_shm.data() + thumbAt[i], p.thumbnail, size_t(p.thumb_width) * p.thumb_height * 4);
        if (latent) std::memcpy(m_shm.data() + latentAt[i], p.latent, p.latent_size);
    }
    return call(w, "world_step", int(m_isolation.deadlineMs), error, [&](wire::Reader &r) {
        uint32_t written = 0, ticksUsed = 0;
        if (!r.get(written) || !r.get(ticksUsed) || written > n) return false;
        for (uint32_t i = 0; i < n; ++i) {
            if (!r.get(out->cameras_used[i])) return false;
        }
        for (uint32_t i = 0; i < written; ++i) fromShared(m_shm.data() + frameAt[i], out->frames[i]); // the one copy
        out->frames_written = written;
        out->ticks_used = ticksUsed;
        return true;
    });
}

mnemo_status IsolatedCalls::edit(Op op, const mnemo_frame *in, const mnemo_frame *source, const mnemo_flow *flows,
                                 mnemo_frame *out, uint32_t count, mnemo_error *error) {
    wire::Layout layout;
    std::vector<size_t> inAt(count), outAt(count), sourceAt(count), flowAt(count);
    for (uint32_t i = 0; i < count; ++i) {
        inAt[i] = layout.add(frameBytes(in[i]));
        outAt[i] = layout.add(frameBytes(out[i]));
        if (source) sourceAt[i] = layout.add(frameBytes(source[i]));
        if (flows) flowAt[i] = layout.add(flows[i].xy ? size_t(flows[i].width) * flows[i].height * 8 : 0);
    }
    if (std::string why; !m_shm.grow(layout.size(), why)) return failed(error, why);
    wire::Writer w = request(op);
    w.put(uint64_t(layout.size()));
    w.put(count);
    for (uint32_t i = 0; i < count; ++i) {
        toShared(in[i], m_shm.data() + inAt[i]);
        w.put(in[i].index);
        w.put(uint64_t(inAt[i]));
        w.put(uint64_t(outAt[i]));
        if (source) {
            toShared(source[i], m_shm.data() + sourceAt[i]);
            w.put(source[i].index);
            w.put(uint64_t(sourceAt[i]));
            const bool hasFlow = flows && flows[i].xy;
            w.put(uint8_t(hasFlow));
            w.put(uint64_t(flowAt[i]));
            if (hasFlow) std::memcpy(m_shm.data() + flowAt[i], flows[i].xy, size_t(flows[i].width) * flows[i].height * 8);
        }
    }
    const char *what = op == Op::Edit ? "edit_process" : "edit_process_with_source";
    return call(w, what, int(m_isolation.deadlineMs), error, [&](wire::Reader &) {
        for (uint32_t i = 0; i < count; ++i) fromShared(m_shm.data() + outAt[i], out[i]);
        return true;
    });
}

// ---- in process ----

class InProcessCalls final : public ModuleCalls {
public:
    explicit InProcessCalls(const mnemo_module_api *api) : m_api(api) {}
    mnemo_status create(const mnemo_host_services *host, const mnemo_create_args *args, mnemo_error *error) override {
        return m_api->create(host, args, &m_instance, error);
    }
    void destroy() override { m_api->destroy(m_instance); }
    mnemo_status reset(const mnemo_reset_args *args, mnemo_error *error) override {
        return m_api->reset(m_instance, args, error);
    }
    mnemo_status setParam(const mnemo_param_value *value, mnemo_error *error) override {
        return m_api->set_param(m_instance, value, error);
    }
    mnemo_status setParamText(const char *name, const char *text, mnemo_error *error) override {
        return m_api->set_param_text(m_instance, name, text, error);
    }
    mnemo_status worldStep(const mnemo_world_step_input *in, mnemo_world_step_output *out, mnemo_error *error) override {
        return m_api->world_step(m_instance, in, out, error);
    }
    mnemo_status editProcess(const mnemo_frame *in, mnemo_frame *out, uint32_t count, mnemo_error *error) override {
        return m_api->edit_process(m_instance, in, out, count, error);
    }
    mnemo_status editOutputShape(mnemo_edit_shape *shape, mnemo_error *error) override {
        if (!MNEMO_HAS_FIELD(m_api, mnemo_module_api, edit_output_shape) || !m_api->edit_output_shape) return MNEMO_OK;
        return m_api->edit_output_shape(m_instance, shape, error);
    }
    mnemo_status editWithSource(const mnemo_edit_input *in, mnemo_frame *out, mnemo_error *error) override {
        return m_api->edit_process_with_source(m_instance, in, out, error);
    }
    void *inProcessInstance() const override { return m_instance; }

private:
    const mnemo_module_api *m_api;
    void *m_instance = nullptr;
};

} // namespace

std::unique_ptr<ModuleCalls> inProcessCalls(const mnemo_module_api *api) { return std::make_unique<InProcessCalls>(api); }

std::unique_ptr<ModuleCalls> isolatedCalls(const LoadedModule &module, const Isolation &isolation) {
    return std::make_unique<IsolatedCalls>(module, isolation);
}

std::string moduleHostExecutable() {
    if (const char *env = std::getenv("MNEMO_MODULE_HOST"); env && *env) return env;
    char self[4096];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return "mnemo-module-host";
    self[n] = '\0';
    std::string dir(self);
    dir.resize(dir.rfind('/') + 1);
    return dir + "mnemo-module-host";
}

} // namespace mnemo::modules
