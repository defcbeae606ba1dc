#pragma once
// A single-slot, latest-wins hand-over between one producer thread and one or more readers (the viewport mailbox of
// the frame pipeline). Publishing never blocks on a reader: a value nobody took is replaced and counted as dropped,
// because a display wants the newest frame, not a backlog.

#include <cstdint>
#include <memory>
#include <mutex>

namespace mnemo {

template <typename T>
class Mailbox {
public:
    // Thread: producer. Replaces any value not yet taken.
    void publish(std::shared_ptr<const T> value) {
        std::lock_guard lock(m_mutex);
        if (m_value && !m_taken) {
            ++m_dropped;
        }
        m_value = std::move(value);
        m_taken = false;
        ++m_published;
    }

    // Thread: reader. Returns the newest value if it was not taken before, else nullptr.
    std::shared_ptr<const T> takeIfNew() {
        std::lock_guard lock(m_mutex);
        if (!m_value || m_taken) {
            return nullptr;
        }
        m_taken = true;
        return m_value;
    }

    // Thread: any. The newest value, taken or not (for redraws that need the current frame again).
    std::shared_ptr<const T> peek() const {
        std::lock_guard lock(m_mutex);
        return m_value;
    }

    uint64_t publishedCount() const {
        std::lock_guard lock(m_mutex);
        return m_published;
    }
    // Values replaced before any reader took them.
    uint64_t droppedCount() const {
        std::lock_guard lock(m_mutex);
        return m_dropped;
    }

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<const T> m_value;
    bool m_taken = false;
    uint64_t m_published = 0;
    uint64_t m_dropped = 0;
};

} // namespace mnemo
