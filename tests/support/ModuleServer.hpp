#pragma once
// A module served over the remote protocol on 127.0.0.1 (any free port), on a thread, for tests that need a server:
// tst_remote (the protocol) and tst_main_window (the studio's remote-engine dialog).

#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/modules/Remote.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace mnemo::test {

inline const std::string kServerToken = "test-token";

// A server on a thread, stopped by the destructor.
class ModuleServer {
public:
    ModuleServer(modules::ModuleEnvironment &env, const std::string &module) {
        m_thread = std::thread([&env, module, this] {
            m_status = modules::serveModule(env, {module, "127.0.0.1", 0, kServerToken, false},
                                            [this](uint16_t port) { m_port = port; }, [this] { return m_stop.load(); });
        });
        for (int i = 0; i < 500 && !m_port; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ~ModuleServer() { stop(); }
    void stop() {
        m_stop = true;
        if (m_thread.joinable()) m_thread.join();
    }
    modules::RemoteEndpoint endpoint(const std::string &token = kServerToken) const {
        modules::RemoteEndpoint e{"127.0.0.1", std::to_string(m_port.load()), token};
        e.deadlineMs = 5000;
        return e;
    }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(m_port.load()); }

private:
    std::thread m_thread;
    std::atomic<uint16_t> m_port{0};
    std::atomic<bool> m_stop{false};
    Status m_status;
};

} // namespace mnemo::test
