#include "PgWatcher.hpp"

#include "Pg.hpp"

namespace mnemo::agentmem::pg {

Watcher::Watcher(std::string conninfo, std::string watermarkSql, std::string initial) {
    m_thread = std::thread([this, conninfo = std::move(conninfo), sql = std::move(watermarkSql),
                            initial = std::move(initial)] { watch(conninfo, sql, initial); });
}

Watcher::~Watcher() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void Watcher::watch(const std::string &conninfo, const std::string &sql, const std::string &initial) {
    std::unique_ptr<Connection> db;
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, std::chrono::seconds(1), [this] { return m_stop; })) {
        const bool wasLost = !m_problem.empty();
        lock.unlock();
        std::string problem;
        if (!db) { // a server away: try again at the next poll
            auto connected = Connection::connect(conninfo, 2000);
            if (connected.ok()) db = std::move(connected.value());
            else problem = connected.message();
        }
        if (db) {
            auto now = db->query(sql); // a failure resets the connection for the next poll (Connection::failure)
            if (!now.ok()) problem = now.message();
            else if (now->text(0, 0) != initial || wasLost) m_changed = true;
        }
        lock.lock();
        m_problem = problem;
        if (m_changed) return;
    }
}

} // namespace mnemo::agentmem::pg
