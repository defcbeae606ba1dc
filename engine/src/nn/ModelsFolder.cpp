#include "mnemo/nn/ModelsFolder.hpp"

#include <cstdlib>

namespace mnemo::nn {

std::string defaultModelsFolder() {
    if (const char *dir = std::getenv("MNEMO_NN_MODELS"); dir && *dir) return dir;
    if (const char *cache = std::getenv("MNEMO_CACHE"); cache && *cache) return std::string(cache) + "/nn-models";
    const char *home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.cache/mnemo/nn-models";
}

} // namespace mnemo::nn
