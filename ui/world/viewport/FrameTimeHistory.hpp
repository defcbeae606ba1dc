#pragma once
// A fixed-size ring of frame intervals for the overlay's frame-time graph and FPS readout. UI thread only.

#include <array>
#include <chrono>
#include <cstddef>

namespace mnemo::ui {

class FrameTimeHistory {
public:
    static constexpr size_t kCapacity = 240;

    // Call once per presented frame.
    void markFrame() {
        const auto now = std::chrono::steady_clock::now();
        if (m_hasLast) {
            push(std::chrono::duration<float, std::milli>(now - m_last).count());
        }
        m_last = now;
        m_hasLast = true;
    }

    void push(float ms) {
        m_values[m_next] = ms;
        m_next = (m_next + 1) % kCapacity;
        if (m_count < kCapacity) ++m_count;
    }

    size_t count() const { return m_count; }
    // Oldest-first access, i in [0, count()).
    float at(size_t i) const { return m_values[(m_next + kCapacity - m_count + i) % kCapacity]; }

    // Mean over the last `window` intervals; 0 when empty.
    float averageMs(size_t window = 60) const {
        const size_t n = window < m_count ? window : m_count;
        if (n == 0) return 0.0f;
        float sum = 0.0f;
        for (size_t i = m_count - n; i < m_count; ++i) sum += at(i);
        return sum / float(n);
    }
    float fps() const {
        const float ms = averageMs();
        return ms > 0.0f ? 1000.0f / ms : 0.0f;
    }

private:
    std::array<float, kCapacity> m_values{};
    size_t m_next = 0;
    size_t m_count = 0;
    std::chrono::steady_clock::time_point m_last;
    bool m_hasLast = false;
};

} // namespace mnemo::ui
