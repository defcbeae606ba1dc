#pragma once
// mnemo-cli inspect PATH --follow: after the store's JSON, one JSON line per new event as agents write (the live
// tail, polled every half second), until interrupted or --follow-for seconds passed. A database that cannot be
// reached says so in a line and is asked again; nothing ends the follow but the user.

#include "mnemo/agentmem/AgentStore.hpp"

namespace mnemo::cli {

// The events after `lastSeq` (the newest the printed JSON counted); seconds <= 0: until interrupted (SIGINT, SIGTERM).
Status followEvents(agentmem::AgentStore &store, int64_t lastSeq, double seconds);

} // namespace mnemo::cli
