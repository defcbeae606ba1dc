// mnemo-cli bench remote: modules served over the remote protocol on 127.0.0.1, by this process's own server (as
// `mnemo-cli serve` runs it), against the same modules in process; and the Python SDK's example world, served by
// /usr/bin/python3. JSON: per module, fps and the round trip per step
// (rtt_ms_p50/p95: the client's whole call, the module's own time included) served, fps in process, and their ratio.
#include "Commands.hpp"

#include "mnemo/camera/CameraTrack.hpp"
#include "mnemo/core/SampleWindow.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/modules/ModuleInstance.hpp"
#include "mnemo/modules/Remote.hpp"

#include <atomic>
#include <csignal>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <memory>
#include <thread>

extern char **environ;

namespace mnemo::cli {
namespace {

struct BenchRemoteOptions {
    Size size{640, 360};
    long frames = 120;
    std::string python = "/usr/bin/python3";
    std::string pythonServer; // the SDK's example world; default: python/examples/numpy_world.py of the source tree
    std::string format = "rgba"; // the frames' format on the wire: rgba or jpeg
    int jpegQuality = 85;
};

modules::RemoteEndpoint benchEndpoint(uint16_t port, const BenchRemoteOptions &o) {
    modules::RemoteEndpoint endpoint{"127.0.0.1", std::to_string(port), "bench"};
    endpoint.frameFormat = o.format;
    endpoint.jpegQuality = o.jpegQuality;
    return endpoint;
}

struct Timing {
    double fps = 0, p50 = 0, p95 = 0;
};

// Steps `module` along a walk, one frame a step; the time of each call.
Result<Timing> drive(modules::ModuleEnvironment &env, const modules::LoadedModule &module, const BenchRemoteOptions &o) {
    auto track = camera::makeScriptedTrack("walk", uint32_t(o.frames), o.size.width, o.size.height);
    if (!track.ok()) return track.status();
    auto instance = modules::ModuleInstance::create(module, *env.host, o.size.width, o.size.height);
    if (!instance.ok()) return instance.status();
    if (Status s = instance.value()->reset(1); !s.ok()) return s;
    Frame frame;
    frame.width = o.size.width;
    frame.height = o.size.height;
    frame.rgba.assign(size_t(frame.width) * frame.height * 4, 0);
    SampleWindow calls(size_t(o.frames));
    const auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < track->frames.size(); ++i) {
        frame.index = i;
        const auto t = std::chrono::steady_clock::now();
        if (Status s = instance.value()->worldStep({track->frames[i].camera}, {}, {&frame}); !s.ok()) return s;
        calls.push(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return Timing{double(track->frames.size()) / seconds, calls.percentile(0.5), calls.percentile(0.95)};
}

// The same walk with two steps in flight (submit, then collect the oldest): frames per second.
Result<double> drivePipelined(modules::ModuleEnvironment &env, const modules::LoadedModule &module,
                              const BenchRemoteOptions &o) {
    auto track = camera::makeScriptedTrack("walk", uint32_t(o.frames), o.size.width, o.size.height);
    if (!track.ok()) return track.status();
    auto instance = modules::ModuleInstance::create(module, *env.host, o.size.width, o.size.height);
    if (!instance.ok()) return instance.status();
    if (Status s = instance.value()->reset(1); !s.ok()) return s;
    Frame frame;
    frame.width = o.size.width;
    frame.height = o.size.height;
    frame.rgba.assign(size_t(frame.width) * frame.height * 4, 0);
    modules::ModuleInstance &m = *instance.value();
    const auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < track->frames.size() || m.stepsInFlight() > 0;) {
        if (i < track->frames.size() && m.stepsInFlight() < modules::kMaxStepsInFlight) {
            if (Status s = m.submitWorldStep({track->frames[i].camera}, {}, {i}); !s.ok()) return s;
            ++i;
            continue;
        }
        if (Status s = m.collectWorldStep({&frame}); !s.ok()) return s;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return double(track->frames.size()) / seconds;
}

// One module served on a thread of this process and driven through the protocol, then driven in process.
Result<nlohmann::json> measure(modules::ModuleEnvironment &env, const std::string &id, const BenchRemoteOptions &o) {
    const modules::LoadedModule *local = env.registry->find(id);
    if (!local) return Status(StatusCode::NotFound, "module '" + id + "' is not loaded");
    std::atomic<uint16_t> port{0};
    std::atomic<bool> stop{false};
    Status served;
    std::thread server([&] {
        served = modules::serveModule(env, {id, "127.0.0.1", 0, "bench", false}, [&](uint16_t p) { port = p; },
                                      [&] { return stop.load(); });
    });
    for (int i = 0; i < 1000 && !port && served.ok(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    Result<Timing> remote = Status(StatusCode::Internal, "the server did not start");
    Result<double> pipelined = 0.0;
    if (port) {
        auto described = modules::describeRemote(benchEndpoint(port, o));
        remote = described.ok() ? drive(env, described.value(), o) : Result<Timing>(described.status());
        if (remote.ok()) pipelined = drivePipelined(env, described.value(), o);
    }
    stop = true;
    server.join();
    if (!remote.ok()) return remote.status();
    if (!pipelined.ok()) return pipelined.status();
    auto inProcess = drive(env, *local, o);
    if (!inProcess.ok()) return inProcess.status();
    return nlohmann::json{{"fps", remote->fps},
                          {"rtt_ms_p50", remote->p50},
                          {"rtt_ms_p95", remote->p95},
                          {"fps_two_in_flight", pipelined.value()},
                          {"in_process_fps", inProcess->fps},
                          {"in_process_step_ms_p50", inProcess->p50},
                          {"fps_ratio", inProcess->fps > 0 ? remote->fps / inProcess->fps : 0.0}};
}

// The Python SDK's example world, started as a child, measured served (it has no in-process twin).
Result<nlohmann::json> measurePython(modules::ModuleEnvironment &env, const BenchRemoteOptions &o) {
    const std::string script = o.pythonServer.empty() ? std::string(MNEMO_SOURCE_DIR "/python/examples/numpy_world.py")
                                                      : o.pythonServer;
    int out[2];
    if (pipe(out) != 0) return Status(StatusCode::Internal, "cannot make a pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<std::string> args{o.python, script, "--port", "0", "--token", "bench"};
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, o.python.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (spawned != 0) {
        close(out[0]);
        return Status(StatusCode::NotFound, "cannot start " + o.python + ": " + std::strerror(spawned));
    }
    std::string line;
    char c = 0;
    while (line.size() < 4096 && read(out[0], &c, 1) == 1 && c != '\n') line += c; // {"serving", "port", ...}
    close(out[0]);
    Result<nlohmann::json> result = Status(StatusCode::Internal, script + " did not start (is python3-websockets installed?)");
    const nlohmann::json listening = nlohmann::json::parse(line, nullptr, false);
    if (listening.is_object() && listening.value("port", 0) > 0) {
        auto described = modules::describeRemote(benchEndpoint(uint16_t(listening.value("port", 0)), o));
        auto timing = described.ok() ? drive(env, described.value(), o) : Result<Timing>(described.status());
        auto pipelined = timing.ok() ? drivePipelined(env, described.value(), o) : Result<double>(timing.status());
        if (timing.ok() && pipelined.ok()) {
            result = nlohmann::json{{"server", script}, {"fps", timing->fps}, {"rtt_ms_p50", timing->p50},
                                    {"rtt_ms_p95", timing->p95}, {"fps_two_in_flight", pipelined.value()},
                                    {"format", described->remote->frameFormat}};
        } else if (!pipelined.ok()) {
            result = pipelined.status();
        } else {
            result = timing.status();
        }
    }
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    return result;
}

Result<nlohmann::json> runBenchRemote(const BenchRemoteOptions &o) {
    auto env = modules::ModuleEnvironment::create();
    nlohmann::json out{{"bench", "remote"}, {"size", o.size.text()}, {"frames", o.frames}, {"format", o.format},
                       {"server", "mnemo-cli serve (in this process, 127.0.0.1)"}};
    for (const char *id : {"null-world", "reference-world"}) {
        auto figures = measure(*env, id, o);
        if (!figures.ok()) return figures.status();
        out[id] = figures.value();
    }
    auto python = measurePython(*env, o);
    if (!python.ok()) return python.status();
    out["python-world"] = python.value(); // the SDK server measured (its script in "server")
    return out;
}

} // namespace

void addBenchRemoteCommand(CLI::App &bench, CommandLine &line) {
    auto o = std::make_shared<BenchRemoteOptions>();
    CLI::App *command = bench.add_subcommand("remote", "modules served over the remote protocol vs in process (JSON)");
    addSizeOption(*command, o->size);
    addFramesOption(*command, o->frames, "steps per measurement (a walk)");
    command->add_option("--python", o->python, "the Python that runs the SDK's example server")->capture_default_str();
    command->add_option("--python-server", o->pythonServer, "another SDK server script to measure (same arguments)");
    command->add_option("--format", o->format, "the frames on the wire: rgba (exact) or jpeg")
        ->check(CLI::IsMember({"rgba", "jpeg"}))
        ->capture_default_str();
    command->add_option("--jpeg-quality", o->jpegQuality, "1..100, with --format jpeg")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    onParsed(*command, line, [o] {
        return finish("bench remote", runBenchRemote(*o), [](const nlohmann::json &j) { printJson(j); });
    });
}

} // namespace mnemo::cli
