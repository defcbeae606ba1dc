#pragma once
// A reader for the small subset of Python's pickle format that Chroma's index_metadata.pickle uses (dicts, lists,
// tuples, strings, ints, floats, bools, None; protocols 2-5). It builds JSON; dict keys that are not strings are
// written as their JSON text. Anything else (classes, reduce) is refused: never executed, never guessed.

#include "mnemo/core/Status.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mnemo::agentmem {

Result<nlohmann::json> readPickle(const std::vector<uint8_t> &bytes);

} // namespace mnemo::agentmem
