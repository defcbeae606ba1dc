#pragma once
// The player's private parts, shared by EditPlayer.cpp (the public side, state changes) and EditPlayerRun.cpp (the
// engine thread's loop).

#include "mnemo/core/BoundedQueue.hpp"
#include "mnemo/edit/EditPlayer.hpp"
#include "mnemo/metrics/WarpError.hpp"

#include <chrono>
#include <deque>
#include <optional>

namespace mnemo::edit {

using Clock = std::chrono::steady_clock;

// What the UI asked for since the engine thread last looked: state, newest value wins.
struct EditPlayer::Requests {
    std::optional<bool> playing;
    int steps = 0;
    std::optional<uint64_t> seek;
    std::optional<std::vector<ChainLink>> chain;
    std::map<std::pair<size_t, std::string>, double> params;
    std::map<size_t, std::shared_ptr<const ParamAutomation>> automations;
    std::optional<bool> loop, difference, restartFailedChain;
    std::optional<GpuUse> gpu;

    bool any() const {
        return playing || steps || seek || chain || !params.empty() || !automations.empty() || loop || difference ||
               gpu || restartFailedChain;
    }
};

// The engine thread's own state; nothing here is touched by another thread except the live queue.
struct EditPlayer::Engine {
    static constexpr size_t kLiveQueue = 2;     // frames a live source may wait; older ones drop
    static constexpr size_t kMaxRecords = 100000; // the curve keeps the newest frames of a long live run

    EditPlayerConfig config;
    std::unique_ptr<media::FrameSource> source; // null for a pushed live source
    bool live = false;
    bool still = false;
    double fps = 30;
    BoundedQueue<FramePtr> liveQueue{kLiveQueue, QueueFullPolicy::DropOldest};
    uint64_t liveDropsWhilePaused = 0, liveDropsAtPause = 0;

    std::unique_ptr<EditChain> chain;
    std::vector<ChainLink> links;
    metrics::WarpErrorMeter meter;
    std::deque<std::pair<FramePtr, int64_t>> awaiting; // source frames (and pts) inside the chain
    // Results waiting for their time on screen: an interpolating chain's frames for one source frame are shown
    // spread over that frame's time (EditPlayer::present), not all at once. Bounded by the chain's frames per input:
    // a new source frame's results first publish whatever is still here.
    struct Presentation {
        std::shared_ptr<const PreviewPair> preview;
        std::optional<FrameRecord> record; // source frames only
        double latencyMs = 0;
        Clock::time_point due;
    };
    std::deque<Presentation> presenting;
    int64_t lastLiveProducedUs = 0;         // the producer's stamp on the previous live frame (pacing)
    FramePtr lastSource;                               // for re-editing a paused frame after a change
    int64_t lastSourceUs = 0;

    PlayerState state = PlayerState::Paused;
    int steps = 0;
    Clock::time_point due = Clock::now();      // when the next file frame is due
    std::deque<Clock::time_point> recentEdits; // for editFps
    double warpSum = 0, meterMs = 0;
    uint64_t warpPairs = 0, metered = 0, edited = 0, nextLiveIndex = 0;
    uint32_t failuresInRow = 0; // chain failures since the last frame that went through
};

} // namespace mnemo::edit
