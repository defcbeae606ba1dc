#include "mnemo/session/FrameComparer.hpp"

#include "mnemo/core/Guard.hpp"

namespace mnemo::session {

FrameComparer::FrameComparer(modules::ModuleEnvironment &env, world::WorldPipelineConfig config, Done done)
    : m_env(env), m_config(std::move(config)), m_done(std::move(done)), m_worker([this] { run(); }) {}

FrameComparer::~FrameComparer() {
    m_requests.close();
    m_worker.join();
}

void FrameComparer::request(Request request) { m_requests.push(std::move(request)); }

void FrameComparer::run() {
    while (auto request = m_requests.pop(std::chrono::hours(1))) {
        Outcome outcome;
        // A throw becomes the outcome's problem, like any other reason the comparison could not be made.
        const Status s = guarded("comparing frame " + std::to_string(request->row.frameIndex) + " with the engine",
                                 [&] {
                                     faultPoint("engine.replay.compare");
                                     outcome = compare(*request);
                                 });
        if (!s.ok()) outcome = Outcome{request->id, nullptr, std::nullopt, s.message()};
        m_done(std::move(outcome));
    }
}

// Created on first use and kept: a new instance per request would rebuild the module's GPU pipelines every time.
Status FrameComparer::ensureInstance() {
    if (m_instance) return {};
    const auto *module = m_env.registry->find(m_config.moduleId);
    if (!module) return {StatusCode::NotFound, "engine '" + m_config.moduleId + "' is not loaded"};
    auto instance = modules::ModuleInstance::create(*module, *m_env.host, m_config.width, m_config.height,
                                                    m_config.params);
    if (!instance.ok()) return instance.status();
    m_instance = std::move(instance.value());
    return {};
}

FrameComparer::Outcome FrameComparer::compare(const Request &request) {
    Outcome outcome{request.id, nullptr, std::nullopt, {}};
    if (Status s = ensureInstance(); !s.ok()) {
        outcome.problem = s.message();
        return outcome;
    }
    // Every comparison starts from the session's seed, as the recording did.
    (void)m_instance->reset(m_config.seed);
    auto frame = std::make_shared<Frame>();
    frame->width = m_config.width;
    frame->height = m_config.height;
    frame->rgba.resize(size_t(m_config.width) * m_config.height * 4);
    if (Status s = m_instance->worldStep({request.row.camera}, {request.row.controller}, {frame.get()}); !s.ok()) {
        outcome.problem = s.message();
        return outcome;
    }
    outcome.engine = frame;
    if (!request.recorded) {
        outcome.problem = "no recorded frame to compare";
        return outcome;
    }
    auto comparison = metrics::compareFrames(*frame, *request.recorded);
    if (comparison.ok()) outcome.comparison = comparison.value();
    else outcome.problem = comparison.message();
    return outcome;
}

} // namespace mnemo::session
