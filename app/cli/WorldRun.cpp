#include "WorldRun.hpp"
#include "mnemo/core/Clock.hpp"
#include "mnemo/core/JsonText.hpp"

#include "mnemo/media/ImageFile.hpp"
#include "mnemo/session/SessionRecorder.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

namespace mnemo::cli {

bool parseParams(const std::vector<std::string> &items, modules::ParamValues &out, std::string &error) {
    for (const auto &item : items) {
        const auto eq = item.find('=');
        char *end = nullptr;
        const double v = eq == std::string::npos ? 0 : std::strtod(item.c_str() + eq + 1, &end);
        if (eq == std::string::npos || eq == 0 || !end || *end != '\0' || end == item.c_str() + eq + 1) {
            error = "--param '" + item + "' must look like name=number";
            return false;
        }
        out[item.substr(0, eq)] = v;
    }
    return true;
}

namespace {

// A session recorder when the run is recorded (nullptr when not), set up with the run's module and parameters.
Result<std::unique_ptr<session::SessionRecorder>> startRecorder(modules::ModuleEnvironment &env,
                                                                const world::WorldPipelineConfig &cfg,
                                                                const WorldRunOutputs &outputs) {
    if (!outputs.sessionFolder) return std::unique_ptr<session::SessionRecorder>();
    const auto *module = env.registry->find(cfg.moduleId);
    nlohmann::json params(cfg.params);
    session::SessionInfo info{"", cfg.moduleId, module ? module->version : "", mnemo::toJson(params), cfg.seed,
                              cfg.width, cfg.height, cfg.targetFps};
    session::RecorderConfig rc;
    rc.folder = *outputs.sessionFolder;
    rc.codec = outputs.losslessVideo ? media::VideoCodec::FFV1 : media::VideoCodec::H264;
    return session::SessionRecorder::start(rc, info);
}

// The consumer's side of a run: what it measures, and where frames go.
struct Consumer {
    world::WorldPipeline &pipeline;
    session::SessionRecorder *recorder;
    const std::optional<std::string> &pngFolder;
    double fps;
    WorldRunReport &report;
    SampleWindow steps{1u << 20}, latencies{1u << 20};

    // One frame the pipeline handed over: measured, recorded, written. False (report.error set) stops the run.
    bool consume(const world::WorldFramePtr &item) {
        const world::WorldFrame &wf = *item;
        if (wf.frame->interpolated()) return consumeBetween(item);
        const auto consumeStart = std::chrono::steady_clock::now();
        pipeline.reportDisplayed(*wf.frame); // in a CLI run the consumer is the "display"
        latencies.push(double(mnemo::steadyNowUs() - wf.frame->inputUs) / 1000.0);
        const uint32_t chunk = pipeline.module() ? pipeline.module()->chunkFrames : 1;
        if (wf.frame->index % chunk == 0) {
            steps.push(wf.stepMs);
            report.moduleMsTotal += wf.stepMs;
        }
        camera::CameraTrackFrame used;
        used.camera = wf.camera;
        used.tUs = int64_t(double(wf.frame->index) * 1e6 / fps);
        report.camerasUsed.frames.push_back(used);
        if (recorder && !recorder->push(item)) {
            report.error = "recording stopped: " + recorder->stats().error;
            return false;
        }
        if (pngFolder) {
            char name[64];
            std::snprintf(name, sizeof name, "/frame_%06llu.png", static_cast<unsigned long long>(wf.frame->index));
            if (Status s = media::writePng(*pngFolder + name, *wf.frame); !s.ok()) {
                report.error = s.message();
                return false;
            }
        }
        ++report.frames;
        report.consumerMsTotal +=
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - consumeStart).count();
        return true;
    }

    // A frame the output chain made between world frames: recorded (marked as such), not measured or written as a
    // world frame.
    bool consumeBetween(const world::WorldFramePtr &item) {
        ++report.framesBetween;
        if (recorder && !recorder->push(item)) {
            report.error = "recording stopped: " + recorder->stats().error;
            return false;
        }
        return true;
    }

    // Takes every frame until the pipeline ends; false when a frame could not be consumed.
    bool drain() {
        auto &queue = pipeline.record();
        while (true) {
            auto item = queue.pop(std::chrono::milliseconds(100));
            if (!item) {
                const auto s = pipeline.state();
                if (s == world::WorldPipeline::State::Failed) return true;
                if ((s == world::WorldPipeline::State::Finished || s == world::WorldPipeline::State::Stopped) &&
                    queue.size() == 0) {
                    return true;
                }
                continue;
            }
            if (!consume(*item)) {
                pipeline.stop();
                return false;
            }
        }
    }
};

void finishTimings(WorldRunReport &report, const SampleWindow &steps, const SampleWindow &latencies) {
    report.fps = report.wallSeconds > 0 ? double(report.frames) / report.wallSeconds : 0;
    report.stepMsP50 = steps.percentile(0.5);
    report.stepMsP95 = steps.percentile(0.95);
    report.latencyMsP50 = latencies.percentile(0.5);
    report.latencyMsP95 = latencies.percentile(0.95);
    if (report.frames > 0) {
        report.hostOverheadMsPerFrame =
            (report.wallSeconds * 1000.0 - report.moduleMsTotal - report.consumerMsTotal) / double(report.frames);
    }
}

} // namespace

WorldRunReport runWorld(modules::ModuleEnvironment &env, const world::WorldPipelineConfig &config,
                        const WorldRunOutputs &outputs) {
    WorldRunReport report;
    world::WorldPipelineConfig cfg = config;
    cfg.record = true;
    if (outputs.memoryOut) cfg.memorySavePath = *outputs.memoryOut; // saved by the engine thread when the run ends
    // A recorded session keeps the world's memory too, unless it is saved elsewhere.
    if (outputs.sessionFolder && cfg.memoryEnabled && !outputs.memoryOut) {
        cfg.memorySavePath = *outputs.sessionFolder + "/memory.mnemo-memory";
    }
    auto recorder = startRecorder(env, cfg, outputs);
    if (!recorder.ok()) {
        report.error = recorder.message();
        return report;
    }
    world::WorldPipeline pipeline(*env.registry);
    pipeline.start(cfg);
    // Time from the first step on: creating the module (shader compilation) is set-up, not per-frame cost.
    while (pipeline.state() == world::WorldPipeline::State::Starting) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    const auto start = std::chrono::steady_clock::now();
    report.camerasUsed.width = cfg.width;
    report.camerasUsed.height = cfg.height;
    report.camerasUsed.fps = cfg.targetFps;
    Consumer consumer{pipeline, recorder.value().get(), outputs.pngFolder, cfg.targetFps, report};
    if (!consumer.drain()) return report;
    report.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    report.stats = pipeline.stats();
    if (recorder.value()) {
        if (Status s = recorder.value()->finish(); !s.ok()) {
            report.error = s.message();
            return report;
        }
    }
    if (const auto snapshot = pipeline.memorySnapshot()) report.memoryEntries = snapshot->entries.size();
    if (outputs.memoryOut && !pipeline.warning().empty()) {
        report.error = pipeline.warning();
        return report;
    }
    if (pipeline.state() == world::WorldPipeline::State::Failed) {
        report.error = pipeline.error();
        return report;
    }
    pipeline.stop();
    finishTimings(report, consumer.steps, consumer.latencies);
    report.ok = true;
    return report;
}

nlohmann::json statsJson(const WorldRunReport &r) {
    return {{"frames", r.frames},
            {"wall_s", r.wallSeconds},
            {"fps", r.fps},
            {"step_ms_p50", r.stepMsP50},
            {"step_ms_p95", r.stepMsP95},
            {"latency_ms_p50", r.latencyMsP50},
            {"latency_ms_p95", r.latencyMsP95},
            {"host_overhead_ms_per_frame", r.hostOverheadMsPerFrame},
            {"engine_loop_overhead_ms_per_frame", r.stats.hostOverheadMsPerFrame},
            {"module_restarts", r.stats.moduleRestarts},
            {"frames_between", r.framesBetween}};
}

} // namespace mnemo::cli
