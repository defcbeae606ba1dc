#pragma once
// mnemo-cli bench inspect --postgres (CommandBenchInspectPostgres.cpp).

#include "mnemo/core/Status.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace mnemo::cli {

struct PostgresBenchOptions {
    int64_t rows = 1000000;
    long queries = 50;
};

Result<nlohmann::json> runBenchInspectPostgres(const PostgresBenchOptions &o);

} // namespace mnemo::cli
