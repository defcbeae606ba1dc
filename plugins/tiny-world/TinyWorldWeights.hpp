#pragma once
// What tiny-world loads: its network (tiny-world.param and .bin, written by tools/train/train-tiny-world.py in ncnn's
// format) and its start picture (start.ppm: a binary PPM of 64x36 whose comment line "# c2w" gives the 16 values of
// the camera it was rendered from), from one folder.

#include "TinyWorldInputs.hpp"

#include "mnemo/core/Status.hpp"
#include "mnemo/nn/NcnnModel.hpp"

#include <string>

namespace mnemo::tiny_world {

struct Weights {
    std::string folder;
    nn::NcnnModel network;
    Picture start;
};

// `folder`, or when empty $MNEMO_TINY_WORLD, else the weights that ship in the source tree's assets/tiny-world.
std::string weightsFolder(const std::string &folder);

// Errors name the file and what is wrong with it.
Result<Weights> loadWeights(const std::string &folder);
Result<Picture> readStartPicture(const std::string &path);

} // namespace mnemo::tiny_world
