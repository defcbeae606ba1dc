#include "mnemo/render/TestPatternSource.hpp"

#include "mnemo/core/Log.hpp"
#include "mnemo/render/TestPatternRenderer.hpp"

#include <algorithm>
#include <chrono>

namespace mnemo {

TestPatternSource::TestPatternSource(std::shared_ptr<gpu::VulkanContext> context) : m_context(std::move(context)) {}

TestPatternSource::~TestPatternSource() { stop(); }

void TestPatternSource::start(const TestPatternSourceConfig &config) {
    stop();
    m_stopRequested = false;
    m_state = State::Starting;
    m_thread = std::thread([this, config] { run(config); });
}

void TestPatternSource::stop() {
    m_stopRequested = true;
    if (m_thread.joinable()) m_thread.join();
    if (m_state != State::Failed) m_state = State::Stopped;
}

std::string TestPatternSource::error() const {
    std::lock_guard lock(m_mutex);
    return m_error;
}

gpu::GpuDeviceInfo TestPatternSource::deviceInfo() const {
    std::lock_guard lock(m_mutex);
    return m_deviceInfo;
}

TestPatternSource::Stats TestPatternSource::stats() const {
    return {m_mailbox.publishedCount(), m_mailbox.droppedCount(), m_lateFrames.load(), m_lastRenderMs.load()};
}

void TestPatternSource::fail(const std::string &message) {
    {
        std::lock_guard lock(m_mutex);
        m_error = message;
    }
    log::error("source", message);
    m_state = State::Failed;
}

void TestPatternSource::run(TestPatternSourceConfig config) {
    if (!m_context) {
        auto ctx = gpu::VulkanContext::create();
        if (!ctx.ok()) return fail("cannot start the test pattern: " + ctx.message());
        m_context = std::move(ctx.value());
    }
    auto renderer = TestPatternRenderer::create(*m_context, config.width, config.height);
    if (!renderer.ok()) return fail("cannot start the test pattern: " + renderer.message());
    {
        std::lock_guard lock(m_mutex);
        m_deviceInfo = m_context->deviceInfo();
        m_error.clear();
    }
    m_state = State::Running;

    using Clock = std::chrono::steady_clock;
    const auto interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / std::max(1.0, config.targetFps)));
    const auto start = Clock::now();
    auto next = start;
    for (uint64_t index = 0; !m_stopRequested; ++index) {
        const double t = std::chrono::duration<double>(Clock::now() - start).count();
        auto frame = renderer.value()->render(t, index);
        if (!frame.ok()) return fail(frame.message());
        m_lastRenderMs = frame->renderMs;
        m_mailbox.publish(std::make_shared<const Frame>(std::move(frame.value())));
        next += interval;
        const auto now = Clock::now();
        if (now > next) {
            // Late: count it and re-anchor instead of bursting to catch up (a burst would only be dropped).
            ++m_lateFrames;
            next = now;
        } else {
            std::this_thread::sleep_until(next);
        }
    }
}

} // namespace mnemo
