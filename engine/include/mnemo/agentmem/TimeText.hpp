#pragma once
// Reading the many timestamp spellings agent stores use into microseconds since the Unix epoch (UTC).

#include <cstdint>
#include <optional>
#include <string>

namespace mnemo::agentmem {

// Accepts ISO-8601 / SQL ("2026-03-01T09:00:00.123Z", "2026-03-01 09:00:00.123456+00:00", "2026-03-01 09:00:00"),
// A-MEM's "%Y%m%d%H%M", and epoch numbers in s, ms or us (told apart by magnitude).
std::optional<int64_t> parseTimeUs(const std::string &text);
std::string formatTimeUs(int64_t us); // "2026-03-01T09:00:00.123456Z"

} // namespace mnemo::agentmem
