#pragma once
// A bounded multi-producer/multi-consumer queue with an explicit policy for when it is full:
//  - DropOldest: push never blocks; the oldest item is discarded and counted (displays: newest wins).
//  - Block: push waits for room (recorders and exporters: nothing may be lost).
// close() wakes everyone: pushes then fail, pops drain what is left and then return nothing.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace mnemo {

enum class QueueFullPolicy { DropOldest, Block };

template <typename T>
class BoundedQueue {
public:
    BoundedQueue(size_t capacity, QueueFullPolicy policy) : m_capacity(capacity ? capacity : 1), m_policy(policy) {}

    // Returns false only if the queue is closed.
    bool push(T item) {
        std::unique_lock lock(m_mutex);
        if (m_policy == QueueFullPolicy::Block) {
            m_notFull.wait(lock, [&] { return m_closed || m_items.size() < m_capacity; });
        }
        if (m_closed) return false;
        if (m_items.size() >= m_capacity) {
            m_items.pop_front();
            ++m_dropped;
        }
        m_items.push_back(std::move(item));
        ++m_pushed;
        lock.unlock();
        m_notEmpty.notify_one();
        return true;
    }

    // Waits up to `timeout` for an item; nothing if none arrived or the queue is closed and empty.
    std::optional<T> pop(std::chrono::microseconds timeout) {
        std::unique_lock lock(m_mutex);
        if (!m_notEmpty.wait_for(lock, timeout, [&] { return m_closed || !m_items.empty(); }) || m_items.empty()) {
            return std::nullopt;
        }
        T item = std::move(m_items.front());
        m_items.pop_front();
        lock.unlock();
        m_notFull.notify_one();
        return item;
    }

    std::optional<T> tryPop() { return pop(std::chrono::microseconds(0)); }

    // Takes the newest item and discards (and counts) any older ones: for a consumer that only shows the latest.
    std::optional<T> takeNewest() {
        std::unique_lock lock(m_mutex);
        if (m_items.empty()) return std::nullopt;
        m_dropped += m_items.size() - 1;
        T item = std::move(m_items.back());
        m_items.clear();
        lock.unlock();
        m_notFull.notify_all();
        return item;
    }

    void close() {
        {
            std::lock_guard lock(m_mutex);
            m_closed = true;
        }
        m_notEmpty.notify_all();
        m_notFull.notify_all();
    }

    bool closed() const {
        std::lock_guard lock(m_mutex);
        return m_closed;
    }

    size_t size() const {
        std::lock_guard lock(m_mutex);
        return m_items.size();
    }
    uint64_t pushedCount() const {
        std::lock_guard lock(m_mutex);
        return m_pushed;
    }
    uint64_t droppedCount() const {
        std::lock_guard lock(m_mutex);
        return m_dropped;
    }
    size_t capacity() const { return m_capacity; }
    QueueFullPolicy policy() const { return m_policy; }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_notEmpty;
    std::condition_variable m_notFull;
    std::deque<T> m_items;
    const size_t m_capacity;
    const QueueFullPolicy m_policy;
    bool m_closed = false;
    uint64_t m_pushed = 0;
    uint64_t m_dropped = 0;
};

} // namespace mnemo
