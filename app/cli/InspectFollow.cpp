#include "InspectFollow.hpp"

#include "AgentMemoryJson.hpp"
#include "CliOptions.hpp"
#include "Interrupt.hpp"

#include <algorithm>

#include <chrono>
#include <cstdio>
#include <thread>

namespace mnemo::cli {

using namespace agentmem;

namespace {

void printLine(const nlohmann::json &line) {
    printJson(line, -1);
    std::fflush(stdout); // a reader of the pipe sees each event as it comes
}

// The events after `last`, printed; `last` moves to the newest printed.
Status printNewEvents(const AgentStore &store, int64_t &last) {
    for (;;) {
        auto events = store.eventsAfter(last, 1000);
        if (!events.ok()) return events.status();
        for (const MemoryEvent &e : events.value()) {
            printLine({{"event", eventJson(e)}});
            last = std::max(last, e.seq);
        }
        if (events->size() < 1000) return {};
    }
}

} // namespace

Status followEvents(AgentStore &store, int64_t lastSeq, double seconds) {
    stopOnInterrupt();
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    int64_t last = lastSeq;
    std::string problem; // the last one said, so a server away is said once, not every half second
    while (!interrupted() && (seconds <= 0 || std::chrono::steady_clock::now() < end)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        auto changed = store.refreshIfChanged();
        Status shown = changed.ok() ? Status() : changed.status();
        if (shown.ok() && changed.value()) shown = printNewEvents(store, last);
        if (shown.message() != problem) {
            printLine(shown.ok() ? nlohmann::json{{"reconnected", true}}
                                 : nlohmann::json{{"problem", shown.message()}});
            problem = shown.message();
        }
    }
    return {};
}

} // namespace mnemo::cli
