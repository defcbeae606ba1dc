// The player's engine thread: takes the requests, edits the next frame when one is due, publishes what it made.
#include "EditPlayerEngine.hpp"

#include "mnemo/core/Clock.hpp"
#include "mnemo/core/Guard.hpp"
#include "mnemo/core/Log.hpp"
#include "mnemo/media/FrameSource.hpp"

#include <algorithm>
#include <cmath>

namespace mnemo::edit {
namespace {

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// |source - result| per channel, amplified four times so small differences show. A result of another size (an
// upscaler's) is sampled at the source's pixel centres: the difference is shown at the source's size.
FramePtr differenceOf(const Frame &a, const Frame &b) {
    auto out = std::make_shared<Frame>();
    out->width = a.width;
    out->height = a.height;
    out->index = a.index;
    out->rgba.assign(a.rgba.size(), 255);
    if (b.width == 0 || b.height == 0 || b.rgba.size() < size_t(b.width) * b.height * 4 ||
        a.rgba.size() < size_t(a.width) * a.height * 4) {
        return out;
    }
    for (uint32_t y = 0; y < a.height; ++y) {
        const size_t by = std::min<size_t>(b.height - 1, (size_t(y) * 2 + 1) * b.height / (size_t(a.height) * 2));
        for (uint32_t x = 0; x < a.width; ++x) {
            const size_t bx = std::min<size_t>(b.width - 1, (size_t(x) * 2 + 1) * b.width / (size_t(a.width) * 2));
            const uint8_t *pa = &a.rgba[(size_t(y) * a.width + x) * 4], *pb = &b.rgba[(by * b.width + bx) * 4];
            uint8_t *po = &out->rgba[(size_t(y) * a.width + x) * 4];
            for (size_t c = 0; c < 3; ++c)
                po[c] = uint8_t(std::min(std::abs(int(pa[c]) - int(pb[c])) * 4, 255));
        }
    }
    return out;
}

} // namespace

// ---- requests ----

// Waits until there is something to do, then takes the requests (the chain swap happens under the lock so chain()
// always answers the chain the engine runs or is about to run).
EditPlayer::Requests EditPlayer::takeRequests() {
    Engine &e = *m_engine;
    std::unique_lock lock(m_mutex);
    const bool presenting = !e.presenting.empty();
    const auto ready = [&] {
        if (m_stop || m_requests->any()) return true;
        // While frames in between wait for their time, only that time (or a request) wakes the loop: the next
        // source frame waits for them (see run()), so waking for it would spin.
        if (presenting) return Clock::now() >= e.presenting.front().due;
        if (e.state == PlayerState::Failed) return false;
        if (e.steps > 0) return true;
        if (e.state != PlayerState::Playing) return false;
        return e.live ? e.liveQueue.size() > 0 : Clock::now() >= e.due;
    };
    auto until = e.live || e.state != PlayerState::Playing ? Clock::now() + std::chrono::milliseconds(50) : e.due;
    if (presenting) until = std::min(until, e.presenting.front().due);
    m_wake.wait_until(lock, until, ready);
    Requests taken = std::move(*m_requests);
    *m_requests = Requests{};
    // The engine's copy of the chain changes under the lock too: chain() reads it from other threads.
    if (taken.chain) e.links = *taken.chain;
    for (const auto &[key, value] : taken.params) {
        if (key.first < e.links.size()) e.links[key.first].params[key.second] = value;
    }
    for (const auto &[link, automation] : taken.automations) {
        if (link < e.links.size()) e.links[link].automation = automation;
    }
    return taken;
}

void EditPlayer::applyRequests(Requests &req) {
    Engine &e = *m_engine;
    if (req.loop) e.config.loop = *req.loop;
    if (req.restartFailedChain) e.config.restartFailedChain = *req.restartFailedChain;
    if (req.difference) e.config.makeDifference = *req.difference;
    bool reedit = false;
    if (req.gpu && *req.gpu != e.config.gpu) {
        e.config.gpu = *req.gpu;
        e.chain.reset(); // made again at the next frame, on the chosen side
        restartTemporal();
        reedit = true;
    }
    if (req.chain) {
        e.chain.reset(); // made again at the next frame, for its size
        restartTemporal();
        if (e.state == PlayerState::Failed) setState(PlayerState::Paused, {});
        reedit = true;
    }
    for (const auto &[key, value] : req.params) {
        if (!e.chain) continue;
        if (Status s = e.chain->setParam(key.first, key.second, value); !s.ok()) return fail(s);
        reedit = true;
    }
    for (auto &[link, automation] : req.automations) {
        if (!e.chain) continue;
        if (Status s = e.chain->setAutomation(link, automation); !s.ok()) return fail(s);
        reedit = true;
    }
    if (req.seek) return seekTo(*req.seek);
    if (req.steps) e.steps += req.steps;
    if (req.playing) changePlaying(*req.playing);
    if (reedit && e.state != PlayerState::Playing && e.steps == 0) reeditLast();
}

void EditPlayer::changePlaying(bool playing) {
    Engine &e = *m_engine;
    if (e.state == PlayerState::Failed) return;
    if (playing && e.state == PlayerState::Ended) seekTo(0);
    if (e.live) {
        if (!playing) e.liveDropsAtPause = e.liveQueue.droppedCount();
        else if (e.state != PlayerState::Playing) e.liveDropsWhilePaused += e.liveQueue.droppedCount() - e.liveDropsAtPause;
    }
    e.due = Clock::now();
    setState(playing ? PlayerState::Playing : PlayerState::Paused, {});
}

// ---- the loop ----

void EditPlayer::run() {
    Engine &e = *m_engine;
    while (!m_stop) {
        Requests req = takeRequests();
        if (m_stop) break;
        const Status guardedStatus = guarded("editing a frame", [&] {
            applyRequests(req);
            if (e.state == PlayerState::Failed) return;
            // Frames in between wait for their time; the next source frame waits for them (a step, a paused change
            // or a live frame arriving early would otherwise show them out of order or not at all).
            if (present()) return;
            if (e.steps > 0 || e.state == PlayerState::Playing) {
                if (e.steps > 0) --e.steps;
                if (Status s = e.live ? editLive() : editFromFile(); !s.ok()) fail(s);
            }
        });
        if (!guardedStatus.ok()) fail(guardedStatus);
    }
}

Status EditPlayer::editFromFile() {
    Engine &e = *m_engine;
    auto next = e.source->next();
    if (!next.ok()) return next.status().withContext(e.config.source);
    if (!next.value()) return endOfSource();
    auto frame = std::make_shared<Frame>(std::move(next.value()->frame));
    frame->inputUs = frame->producedUs;
    const int64_t pts = next.value()->ptsUs;
    // Files never drop: a slow chain makes playback slower, and the clock starts again from now.
    e.due += std::chrono::microseconds(int64_t(1e6 / e.fps));
    if (e.due < Clock::now()) e.due = Clock::now();
    if (e.still) e.steps = 0, setState(PlayerState::Ended, {});
    return editFrame(std::move(frame), pts);
}

Status EditPlayer::editLive() {
    Engine &e = *m_engine;
    auto next = e.liveQueue.tryPop();
    if (!next || !*next) return {};
    FramePtr frame = std::move(*next);
    if (e.chain && (frame->width != e.chain->width() || frame->height != e.chain->height())) {
        e.chain.reset(); // the stream changed size (another world resolution): start over
        restartTemporal();
    }
    auto copy = std::make_shared<Frame>(*frame);
    copy->index = e.nextLiveIndex++;
    copy->part = 0; // every frame of a live stream is one of its own (the World's frames in between included)
    copy->parts = 1;
    if (copy->inputUs == 0) copy->inputUs = copy->producedUs ? copy->producedUs : steadyNowUs();
    const int64_t pts = int64_t(double(copy->index) * 1e6 / e.fps);
    return editFrame(std::move(copy), pts);
}

Status EditPlayer::endOfSource() {
    Engine &e = *m_engine;
    if (e.chain) {
        auto rest = e.chain->flush();
        if (!rest.ok()) return rest.status();
        if (Status s = deliverAll(rest.value(), {}); !s.ok()) return s;
    }
    if (e.config.loop && e.state == PlayerState::Playing && !e.still) {
        if (Status s = e.source->seek(0); !s.ok()) return s.withContext(e.config.source);
        restartTemporal();
        return {};
    }
    e.steps = 0;
    setState(PlayerState::Ended, {});
    return {};
}

// One source frame into the chain; whatever the chain finishes is measured and published.
Status EditPlayer::editFrame(FramePtr frame, int64_t ptsUs) {
    Engine &e = *m_engine;
    if (!e.chain) {
        auto made = EditChain::create(m_env, e.links, frame->width, frame->height, e.config.seed, e.config.gpu);
        if (!made.ok()) return made.status();
        e.chain = std::move(made.value());
    }
    e.lastSource = frame;
    e.lastSourceUs = ptsUs;
    e.awaiting.emplace_back(frame, ptsUs);
    std::vector<LinkStats> before = e.chain->stats();
    auto out = e.chain->push(frame);
    while (!out.ok()) {
        if (Status s = restartChainAfter(out.status(), frame); !s.ok()) return s;
        before = e.chain->stats();
        out = e.chain->push(frame);
    }
    e.failuresInRow = 0;
    return deliverAll(out.value(), before);
}

// A new chain from the failed one's links as they stand (run-time values included), when the user asked for it.
// Frames a chunked link held are lost with the old chain; `frame` is given to the new one.
Status EditPlayer::restartChainAfter(const Status &failure, const FramePtr &frame) {
    Engine &e = *m_engine;
    if (!e.config.restartFailedChain || ++e.failuresInRow > 3) return failure;
    log::warning("edit", failure.message() + ": making the chain again");
    e.links = e.chain->specs();
    e.chain.reset(); // the failed instances go first
    e.awaiting.clear();
    e.awaiting.emplace_back(frame, e.lastSourceUs);
    auto made = EditChain::create(m_env, e.links, frame->width, frame->height, e.config.seed, e.config.gpu);
    if (!made.ok()) return Status(failure.code(), failure.message() + "; making it again failed: " + made.message());
    e.chain = std::move(made.value());
    std::lock_guard lock(m_mutex);
    ++m_stats.chainRestarts;
    m_stats.lastRestartReason = failure.message();
    return {};
}

// How far apart an interpolating chain's results are shown: a source frame's time split in N. A file's frame time is
// its rate's; a live source's, the time between the producer's stamps on its last two frames (drops included, at
// most a second). Fixed, not measured from the results: a chain slower than the source must not stretch it further.
// The next source frame is edited once its results are shown (run()), so a chain taking longer than a frame time
// over N slows playback by at most (N - 1) / N of a frame time: the price of showing every frame in between.
std::chrono::microseconds EditPlayer::presentationSpacing(const Frame &first) {
    Engine &e = *m_engine;
    const uint32_t n = e.chain ? e.chain->framesPerInput() : 1;
    auto period = std::chrono::microseconds(int64_t(1e6 / std::max(1.0, e.fps)));
    if (e.live && first.producedUs > 0 && e.lastLiveProducedUs > 0 && first.producedUs > e.lastLiveProducedUs) {
        period = std::min<std::chrono::microseconds>(std::chrono::microseconds(first.producedUs - e.lastLiveProducedUs),
                                                     std::chrono::seconds(1));
    }
    if (e.live && first.producedUs > 0) e.lastLiveProducedUs = first.producedUs;
    return n <= 1 ? std::chrono::microseconds(0) : period / n;
}

Status EditPlayer::deliverAll(const std::vector<FramePtr> &edited, const std::vector<LinkStats> &before) {
    Engine &e = *m_engine;
    present(true); // what is left of the previous source frame goes first
    const auto spacing = edited.empty() ? std::chrono::microseconds(0) : presentationSpacing(*edited.front());
    std::vector<float> linkMs; // per source frame: an interpolator's N results share one
    const size_t sourceFrames = size_t(
        std::count_if(edited.begin(), edited.end(), [](const FramePtr &f) { return !f->interpolated(); }));
    if (e.chain && !edited.empty()) {
        const std::vector<LinkStats> after = e.chain->stats();
        for (size_t i = 0; i < after.size(); ++i) {
            const double spent = after[i].totalMs - (i < before.size() ? before[i].totalMs : after[i].totalMs);
            linkMs.push_back(float(std::max(0.0, spent) / double(std::max<size_t>(1, sourceFrames))));
        }
    }
    auto due = Clock::now();
    for (const FramePtr &result : edited) {
        if (e.awaiting.empty()) return {StatusCode::Internal, "the chain returned more frames than it was given"};
        auto [source, pts] = e.awaiting.front();
        if (!result->interpolated()) e.awaiting.pop_front(); // the source frame's last result
        if (Status s = deliver(source, result, pts, linkMs, due); !s.ok()) return s;
        due += spacing;
    }
    present();
    return {};
}

// A result measured (a source frame's own; frames in between have nothing to be measured against) and queued for
// its time on screen.
Status EditPlayer::deliver(const FramePtr &source, const FramePtr &result, int64_t ptsUs,
                           const std::vector<float> &linkMs, Clock::time_point due) {
    Engine &e = *m_engine;
    std::optional<FrameRecord> record;
    if (!result->interpolated()) record = FrameRecord{source->index, -1, linkMs};
    if (e.config.measureConsistency && record) {
        const auto t = Clock::now();
        auto pair = e.meter.push(*source, *result);
        if (!pair.ok()) return pair.status();
        e.meterMs += msSince(t);
        ++e.metered;
        if (pair.value()) {
            record->warpError = pair.value()->error;
            e.warpSum += record->warpError;
            ++e.warpPairs;
        }
    }
    auto preview = std::make_shared<PreviewPair>();
    preview->source = source;
    preview->result = result;
    preview->index = source->index;
    preview->sourceUs = ptsUs;
    if (e.config.makeDifference) preview->difference = differenceOf(*source, *result);
    if (record) ++e.edited;
    e.presenting.push_back(
        {std::move(preview), std::move(record), double(steadyNowUs() - source->inputUs) / 1000.0, due});
    return {};
}

} // namespace mnemo::edit
