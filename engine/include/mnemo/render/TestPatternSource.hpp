#pragma once
// Runs the test-pattern renderer on its own thread at a target rate and publishes each frame into a latest-wins
// mailbox. The thread creates (or shares) the Vulkan context itself, so starting a source never blocks the caller
// on driver initialisation; readiness and failures are reported through state().
//
// This is the engine's frame producer until world modules plug in (they will publish into the same mailbox type).

#include "mnemo/core/Mailbox.hpp"
#include "mnemo/gpu/VulkanContext.hpp"
#include "mnemo/render/Frame.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace mnemo {

struct TestPatternSourceConfig {
    uint32_t width = 640;
    uint32_t height = 360;
    double targetFps = 60.0;
};

class TestPatternSource {
public:
    enum class State { Stopped, Starting, Running, Failed };

    struct Stats {
        uint64_t framesProduced = 0;
        uint64_t framesDropped = 0;  // replaced in the mailbox before a reader took them
        uint64_t lateFrames = 0;     // frames that took longer than the target interval
        double lastRenderMs = 0.0;
    };

    // `context` may be null: the thread then creates its own.
    explicit TestPatternSource(std::shared_ptr<gpu::VulkanContext> context = nullptr);
    ~TestPatternSource();

    // Thread: owner. Restarts with the new config if running.
    void start(const TestPatternSourceConfig &config);
    // Thread: owner. Joins the render thread (at most one frame's work).
    void stop();

    Mailbox<Frame> &frames() { return m_mailbox; }
    State state() const { return m_state.load(); }
    // Why the source failed (empty unless state() == Failed).
    std::string error() const;
    // Valid once state() is Running.
    gpu::GpuDeviceInfo deviceInfo() const;
    Stats stats() const;

private:
    void run(TestPatternSourceConfig config);
    void fail(const std::string &message);

    std::shared_ptr<gpu::VulkanContext> m_context;
    Mailbox<Frame> m_mailbox;
    std::thread m_thread;
    std::atomic<bool> m_stopRequested{false};
    std::atomic<State> m_state{State::Stopped};
    mutable std::mutex m_mutex; // guards m_error, m_deviceInfo
    std::string m_error;
    gpu::GpuDeviceInfo m_deviceInfo;
    std::atomic<uint64_t> m_lateFrames{0};
    std::atomic<double> m_lastRenderMs{0.0};
};

} // namespace mnemo
