#pragma once
// Readers (connections onto one open store) for work pushed to a thread, handed back to the pool when the work is
// done: a database read over the network is not reconnected for every page, and a file store's catalogue is not
// re-attached. A lease is a shared_ptr whose deleter returns the reader; the pool's idle list lives as long as the
// last lease, so a store replaced while a worker still reads (a live refresh) loses nothing and leaks nothing.

#include "mnemo/agentmem/AgentStore.hpp"

#include <memory>
#include <mutex>
#include <vector>

namespace mnemo::ui {

class ReaderPool {
public:
    explicit ReaderPool(const agentmem::AgentStore &store) : m_store(store) {}

    // Thread-safe. Null when the store cannot open another connection.
    std::shared_ptr<agentmem::AgentStore> lease() const {
        std::unique_ptr<agentmem::AgentStore> reader;
        {
            std::lock_guard lock(m_idle->mutex);
            if (!m_idle->readers.empty()) {
                reader = std::move(m_idle->readers.back());
                m_idle->readers.pop_back();
            }
        }
        if (!reader) {
            auto opened = m_store.openReader();
            if (!opened.ok()) return nullptr;
            reader = std::move(opened.value());
        }
        return std::shared_ptr<agentmem::AgentStore>(reader.release(), [idle = m_idle](agentmem::AgentStore *r) {
            std::unique_ptr<agentmem::AgentStore> back(r);
            std::lock_guard lock(idle->mutex);
            if (idle->readers.size() < kMaxIdle) idle->readers.push_back(std::move(back));
        });
    }

private:
    static constexpr size_t kMaxIdle = 4; // about the views that read at once; more are closed when handed back
    struct Idle {
        std::mutex mutex;
        std::vector<std::unique_ptr<agentmem::AgentStore>> readers;
    };
    const agentmem::AgentStore &m_store;
    std::shared_ptr<Idle> m_idle = std::make_shared<Idle>();
};

} // namespace mnemo::ui
