#pragma once
// Which network file each choice of neural-upscale's `model` and `denoise` parameters names, where the pinned fetch
// (tools/nn-models.sh) puts it, and how each network is fed (its context border and scale).

#include <string>

namespace upscale {

struct Network {
    std::string name;  // "realesr-animevideov3-x2"
    std::string param; // the .param file (the .bin beside it)
    int scale = 2;
    int pad = 0; // context pixels around each tile (mirrored at the frame's border)
};

extern const char *const kModelNames[4];
extern const char *const kDenoiseNames[5];

// The network for the `model` and `denoise` indices in `folder` (tools/nn-models.sh's OUTDIR).
Network networkFor(int model, int denoise, const std::string &folder);

// Where the networks are when the `models` parameter is empty: $MNEMO_NN_MODELS, else
// ${MNEMO_CACHE:-~/.cache/mnemo}/nn-models (what `tools/nn-models.sh` with no argument fills).
std::string defaultFolder();

} // namespace upscale
