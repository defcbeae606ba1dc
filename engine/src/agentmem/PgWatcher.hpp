#pragma once
// Live tail for a store read in place from PostgreSQL: a thread that runs a watermark query (the newest row, the row
// counts) once a second on its own connection, until the answer differs from the one the store opened with. The
// store's sourceChanged() reads the flag: cheap, on any thread, never a query on the caller's.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace mnemo::agentmem::pg {

class Watcher {
public:
    Watcher(std::string conninfo, std::string watermarkSql, std::string initial);
    ~Watcher();
    Watcher(const Watcher &) = delete;
    Watcher &operator=(const Watcher &) = delete;
    bool changed() const { return m_changed.load(); }

private:
    void watch(const std::string &conninfo, const std::string &sql, const std::string &initial);
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::atomic<bool> m_changed{false};
};

} // namespace mnemo::agentmem::pg
