#pragma once
// Where tools/nn-models.sh puts the pretrained networks when given no folder, and where modules and the CLI look for
// them by default: $MNEMO_NN_MODELS, else ${MNEMO_CACHE:-~/.cache/mnemo}/nn-models.

#include <string>

namespace mnemo::nn {

std::string defaultModelsFolder();

} // namespace mnemo::nn
