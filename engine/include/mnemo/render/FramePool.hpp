#pragma once
// Recycles frame buffers so a steady stream allocates (and page-faults) nothing per frame. A frame handed out as
// shared_ptr returns its buffer to the pool when the last holder releases it, from any thread; the pool may be
// destroyed first (the buffer is then simply freed).

#include "mnemo/render/Frame.hpp"

#include <memory>
#include <mutex>
#include <vector>

namespace mnemo {

class FramePool : public std::enable_shared_from_this<FramePool> {
public:
    static std::shared_ptr<FramePool> create(size_t maxIdle = 16) {
        return std::shared_ptr<FramePool>(new FramePool(maxIdle));
    }

    // A frame of the given size; pixel contents are whatever the recycled buffer held.
    std::shared_ptr<Frame> acquire(uint32_t width, uint32_t height) {
        Frame *frame = nullptr;
        {
            std::lock_guard lock(m_mutex);
            const size_t bytes = size_t(width) * height * 4;
            for (size_t i = 0; i < m_idle.size(); ++i) {
                if (m_idle[i]->rgba.size() == bytes) {
                    frame = m_idle[i];
                    m_idle.erase(m_idle.begin() + long(i));
                    break;
                }
            }
        }
        if (!frame) {
            frame = new Frame();
            frame->rgba.resize(size_t(width) * height * 4);
        }
        frame->width = width;
        frame->height = height;
        std::weak_ptr<FramePool> weak = weak_from_this();
        return std::shared_ptr<Frame>(frame, [weak](Frame *f) {
            if (auto pool = weak.lock()) {
                pool->recycle(f);
            } else {
                delete f;
            }
        });
    }

    ~FramePool() {
        for (Frame *f : m_idle) delete f;
    }

private:
    explicit FramePool(size_t maxIdle) : m_maxIdle(maxIdle) {}
    void recycle(Frame *f) {
        std::lock_guard lock(m_mutex);
        if (m_idle.size() < m_maxIdle) {
            m_idle.push_back(f);
        } else {
            delete f;
        }
    }
    std::mutex m_mutex;
    std::vector<Frame *> m_idle;
    const size_t m_maxIdle;
};

} // namespace mnemo
