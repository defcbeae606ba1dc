#pragma once
// Live tail for a store read in place from PostgreSQL: a thread that runs a watermark query (the server's row-change
// counters) once a second on its own connection, until the answer differs from the one the store opened with, or
// the connection came back after it was lost. The
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
    // Why the database cannot be reached now (the server restarting, the network gone), empty while it can. When it
    // can again, changed() turns true: the views reload whatever happened meanwhile.
    std::string problem() const {
        std::lock_guard lock(m_mutex);
        return m_problem;
    }

private:
    void watch(const std::string &conninfo, const std::string &sql, const std::string &initial);
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::string m_problem;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::atomic<bool> m_changed{false};
};

} // namespace mnemo::agentmem::pg
