// A recorded session's database: opened read-only, its frames, memory events and metadata read, and the replay
// configuration built from it, as `mnemo-cli session` and the replay window do.
#include "FuzzCommon.hpp"

#include "mnemo/session/SessionDatabase.hpp"
#include "mnemo/session/SessionReplay.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mnemo::fuzz::clearScratch();
    const std::string path = mnemo::fuzz::writeInput(data, size, "session.sqlite");
    auto db = mnemo::session::SessionDatabase::openReadOnly(path);
    if (!db.ok()) return 0;
    (void)db.value()->meta();
    (void)db.value()->frames();
    (void)db.value()->memoryEvents();
    (void)mnemo::session::replayConfig(*db.value());
    return 0;
}
