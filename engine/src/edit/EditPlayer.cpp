#include "EditPlayerEngine.hpp"

#include "mnemo/core/Clock.hpp"
#include "mnemo/media/FrameSource.hpp"

#include <cmath>

namespace mnemo::edit {

const char *playerStateName(PlayerState state) {
    switch (state) {
    case PlayerState::Paused: return "paused";
    case PlayerState::Playing: return "playing";
    case PlayerState::Ended: return "ended";
    case PlayerState::Failed: return "failed";
    }
    return "?";
}

EditPlayer::EditPlayer(modules::ModuleEnvironment &env, EditPlayerConfig config)
    : m_env(env), m_engine(std::make_unique<Engine>()), m_requests(std::make_unique<Requests>()) {
    m_engine->config = std::move(config);
    m_engine->links = m_engine->config.chain;
}

EditPlayer::~EditPlayer() {
    m_stop = true;
    m_engine->liveQueue.close();
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
    if (m_capture.joinable()) m_capture.join();
}

Result<std::unique_ptr<EditPlayer>> EditPlayer::open(modules::ModuleEnvironment &env, EditPlayerConfig config) {
    std::unique_ptr<EditPlayer> player(new EditPlayer(env, std::move(config)));
    Engine &e = *player->m_engine;
    if (e.config.source.empty()) {
        e.live = true;
    } else {
        auto kind = media::sourceKind(e.config.source);
        if (!kind.ok()) return kind.status();
        auto source = media::openSource(e.config.source);
        if (!source.ok()) return source.status();
        e.source = std::move(source.value());
        e.live = kind.value() == media::SourceKind::Camera;
        e.still = kind.value() == media::SourceKind::Image;
        if (e.source->info().fps > 0) e.fps = e.source->info().fps;
    }
    player->m_stats.live = e.live;
    player->m_stats.sourceFps = e.fps;
    player->m_stats.frameCountHint = e.live ? 0 : e.source->info().frameCountHint;
    player->m_requests->steps = e.live ? 0 : 1; // show the first frame
    if (e.live && e.source) player->m_capture = std::thread([p = player.get()] { p->captureLive(); });
    player->m_thread = std::thread([p = player.get()] { p->run(); });
    return player;
}

// ---- the public side: record what is asked, wake the engine ----

void EditPlayer::setPlaying(bool playing) {
    std::lock_guard lock(m_mutex);
    m_requests->playing = playing;
    m_wake.notify_all();
}

void EditPlayer::step(int frames) {
    std::lock_guard lock(m_mutex);
    m_requests->playing = false;
    if (frames >= 0) {
        m_requests->steps += frames;
    } else {
        const uint64_t back = uint64_t(-int64_t(frames));
        m_requests->seek = m_stats.position > back ? m_stats.position - back : 0;
    }
    m_wake.notify_all();
}

void EditPlayer::seekFrame(uint64_t index) {
    std::lock_guard lock(m_mutex);
    m_requests->playing = false;
    m_requests->seek = index;
    m_wake.notify_all();
}

void EditPlayer::setLoop(bool loop) {
    std::lock_guard lock(m_mutex);
    m_requests->loop = loop;
    m_wake.notify_all();
}

void EditPlayer::setRestartFailedChain(bool on) {
    std::lock_guard lock(m_mutex);
    m_requests->restartFailedChain = on;
    m_wake.notify_all();
}

void EditPlayer::setChain(std::vector<ChainLink> chain) {
    std::lock_guard lock(m_mutex);
    m_requests->chain = std::move(chain);
    m_requests->params.clear(); // the new chain carries its own values
    m_requests->automations.clear();
    m_wake.notify_all();
}

void EditPlayer::setParam(size_t link, const std::string &name, double value) {
    std::lock_guard lock(m_mutex);
    m_requests->params[{link, name}] = value;
    m_wake.notify_all();
}

void EditPlayer::setAutomation(size_t link, std::shared_ptr<const ParamAutomation> automation) {
    std::lock_guard lock(m_mutex);
    m_requests->automations[link] = std::move(automation);
    m_wake.notify_all();
}

void EditPlayer::setGpuUse(GpuUse use) {
    std::lock_guard lock(m_mutex);
    m_requests->gpu = use;
    m_wake.notify_all();
}

void EditPlayer::setMakeDifference(bool on) {
    std::lock_guard lock(m_mutex);
    m_requests->difference = on;
    m_wake.notify_all();
}

void EditPlayer::pushLive(FramePtr frame) {
    if (!frame) return;
    m_engine->liveQueue.push(std::move(frame));
    m_wake.notify_all();
}

std::shared_ptr<const PreviewPair> EditPlayer::takePreview() {
    std::lock_guard lock(m_mutex);
    return std::move(m_preview);
}

EditPlayerStats EditPlayer::stats() const {
    std::lock_guard lock(m_mutex);
    return m_stats;
}

FrameRecords EditPlayer::records() const {
    std::lock_guard lock(m_mutex);
    return m_records;
}

std::vector<ChainLink> EditPlayer::chain() const {
    std::lock_guard lock(m_mutex);
    if (m_requests->chain) return *m_requests->chain;
    return m_engine->links;
}

} // namespace mnemo::edit

namespace mnemo::edit {

// ---- state changes, on the engine thread ----

// Pauses on frame `index`: the source is positioned there and that one frame is edited as the start of a stream.
void EditPlayer::seekTo(uint64_t index) {
    Engine &e = *m_engine;
    if (e.live) return;
    const int64_t us = e.still ? 0 : int64_t(std::llround(double(index) * 1e6 / e.fps));
    if (Status s = e.source->seek(us); !s.ok()) return fail(s.withContext(e.config.source));
    restartTemporal();
    e.steps = 1;
    setState(PlayerState::Paused, {});
}

// A new stream starts for the chain and the meter: after a seek, a loop, a new chain or a size change.
void EditPlayer::restartTemporal() {
    Engine &e = *m_engine;
    if (e.chain) {
        auto made = EditChain::create(m_env, e.links, e.chain->width(), e.chain->height(), e.config.seed, e.config.gpu);
        if (made.ok()) e.chain = std::move(made.value());
        else e.chain.reset(); // editFrame reports why when it tries again
    }
    e.awaiting.clear();
    e.presenting.clear(); // the old stream's frames in between
    e.meter.reset();
}

// After a change while paused: the frame on screen is edited again, as a one-frame stream, so the preview shows the
// change without moving the source.
void EditPlayer::reeditLast() {
    Engine &e = *m_engine;
    if (!e.lastSource) return;
    restartTemporal();
    const PlayerState was = e.state;
    if (Status s = editFrame(e.lastSource, e.lastSourceUs); !s.ok()) return fail(s);
    if (!e.chain) return;
    auto rest = e.chain->flush();
    if (!rest.ok()) return fail(rest.status());
    if (Status s = deliverAll(rest.value(), {}); !s.ok()) return fail(s);
    restartTemporal();
    setState(was, {});
}

void EditPlayer::fail(const Status &status) {
    Engine &e = *m_engine;
    e.steps = 0;
    e.chain.reset(); // a module that failed mid-stream is not trusted with the next frame
    e.awaiting.clear();
    e.presenting.clear();
    setState(PlayerState::Failed, status.message());
}

void EditPlayer::setState(PlayerState state, const std::string &problem) {
    Engine &e = *m_engine;
    e.state = state;
    std::lock_guard lock(m_mutex);
    m_stats.state = state;
    m_stats.problem = problem;
}

std::optional<Clock::time_point> EditPlayer::present(bool all) {
    Engine &e = *m_engine;
    while (!e.presenting.empty() && (all || e.presenting.front().due <= Clock::now())) {
        Engine::Presentation next = std::move(e.presenting.front());
        e.presenting.pop_front();
        publish(std::move(next.preview), std::move(next.record), next.latencyMs);
    }
    if (e.presenting.empty()) return std::nullopt;
    return e.presenting.front().due;
}

void EditPlayer::publish(std::shared_ptr<const PreviewPair> preview, std::optional<FrameRecord> record,
                         double latencyMs) {
    Engine &e = *m_engine;
    const auto now = Clock::now();
    e.recentEdits.push_back(now);
    while (!e.recentEdits.empty() && now - e.recentEdits.front() > std::chrono::seconds(1))
        e.recentEdits.pop_front();
    std::lock_guard lock(m_mutex);
    m_stats.width = preview->source->width;
    m_stats.height = preview->source->height;
    m_stats.resultWidth = preview->result ? preview->result->width : 0;
    m_stats.resultHeight = preview->result ? preview->result->height : 0;
    m_stats.position = preview->index;
    m_stats.framesEdited = e.edited;
    if (e.live) m_stats.framesDropped = e.liveQueue.droppedCount() - e.liveDropsWhilePaused;
    m_stats.editFps = double(e.recentEdits.size());
    m_stats.latencyMs = latencyMs;
    m_stats.meterMsPerFrame = e.metered ? e.meterMs / double(e.metered) : 0;
    m_stats.warpErrorMean = e.warpPairs ? e.warpSum / double(e.warpPairs) : 0;
    if (e.chain) {
        m_stats.links = e.chain->stats();
        m_stats.framesPerInput = e.chain->framesPerInput();
        m_stats.gpu = e.chain->usesGpu();
        m_stats.gpuCopiesPerFrame = e.chain->gpuCopiesPerFrame();
    }
    if (record) {
        m_records.put(std::move(*record));
        m_records.keepNewest(Engine::kMaxRecords);
        ++m_stats.recordsVersion;
    }
    m_preview = std::move(preview);
}

// A live camera: frames are read as fast as the device gives them and wait in the live queue, which drops the
// oldest when the chain is behind.
void EditPlayer::captureLive() {
    Engine &e = *m_engine;
    while (!m_stop) {
        auto next = e.source->next();
        if (!next.ok() || !next.value()) {
            std::lock_guard lock(m_mutex);
            m_stats.problem = next.ok() ? e.config.source + ": the camera stopped" : next.status().message();
            return;
        }
        pushLive(std::make_shared<Frame>(std::move(next.value()->frame)));
    }
}

} // namespace mnemo::edit
