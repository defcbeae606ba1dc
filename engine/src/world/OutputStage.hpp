#pragma once
// What the World shows and records after its module (WorldPipelineConfig::outputChain): an edit chain on the world's
// frames, run on the engine thread. A frame interpolator there (frame-interpolate after a slow world model) makes
// frames between two world frames: each keeps the world frame's index, step, tick, timestamps and retrieval, and gets
// the camera (and pose) interpolated between the world frames around it; Frame::part of parts marks it. Nothing made
// in between is written to the memory bank: that happens before, on the module's own frames.
//
// Presenter hands one world frame's results to the display spread over the world frame's time, on its own thread, so
// the viewport (which shows the newest frame) sees each of them; recording takes them all at once and loses none.

#include "mnemo/core/BoundedQueue.hpp"
#include "mnemo/edit/EditChain.hpp"
#include "mnemo/world/WorldPipeline.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <thread>

namespace mnemo::world {

class OutputStage {
public:
    // Frame interpolators only, keeping the world's size: any other link is refused by name (the viewport and the
    // session video are made for the world's frames, and the recording keeps them as the module made them).
    static Result<std::unique_ptr<OutputStage>> create(modules::ModuleRegistry &registry,
                                                       const std::vector<edit::ChainLink> &links, uint32_t width,
                                                       uint32_t height, uint64_t seed);

    // What one world frame becomes, in order, its own result last (none while a chunked link fills its chunk).
    Result<std::vector<WorldFramePtr>> process(const WorldFramePtr &frame);
    uint32_t framesPerInput() const { return m_chain->framesPerInput(); }

private:
    Result<std::vector<WorldFramePtr>> describe(const std::vector<edit::FramePtr> &results);

    std::unique_ptr<edit::EditChain> m_chain;
    std::deque<WorldFramePtr> m_waiting; // world frames whose results have not all come out
    WorldFramePtr m_previous;            // the world frame before the oldest waiting one
};

class Presenter {
public:
    // `step`: the world's step time, what a group spans when there is no recent one to measure (the first after a
    // start or a pause).
    Presenter(BoundedQueue<WorldFramePtr> &display, std::chrono::microseconds step);
    ~Presenter();
    Presenter(const Presenter &) = delete;
    Presenter &operator=(const Presenter &) = delete;

    // One step's results: the first now, the others spaced by the time since the previous call (the step time when
    // that is over a second or there was none) divided by their number. Never blocks; when the display falls behind,
    // the oldest waiting frame drops.
    void present(const std::vector<WorldFramePtr> &frames);

private:
    using Clock = std::chrono::steady_clock;
    struct Due {
        WorldFramePtr frame;
        Clock::time_point at;
    };
    void run();

    BoundedQueue<WorldFramePtr> &m_display;
    std::chrono::microseconds m_step;
    BoundedQueue<Due> m_queue{32, QueueFullPolicy::DropOldest};
    Clock::time_point m_lastGroup{};
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace mnemo::world
