#include "TinyWorldWeights.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mnemo::tiny_world {
namespace {

Status badStart(const std::string &path, const std::string &why) {
    return {StatusCode::InvalidArgument, "'" + path + "' is not a tiny-world start picture: " + why};
}

} // namespace

std::string weightsFolder(const std::string &folder) {
    if (!folder.empty()) return folder;
    if (const char *env = std::getenv("MNEMO_TINY_WORLD"); env && *env) return env;
    return MNEMO_TINY_WORLD_DIR;
}

Result<Picture> readStartPicture(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status(StatusCode::NotFound, "cannot open '" + path + "'");
    std::string magic, comment;
    std::getline(in, magic);
    if (magic != "P6") return badStart(path, "it does not start with P6 (a binary PPM)");
    std::getline(in, comment);
    std::istringstream values(comment);
    std::string hash, key;
    values >> hash >> key;
    if (hash != "#" || key != "c2w") return badStart(path, "its second line is not '# c2w' and 16 numbers");
    Picture p;
    for (double &v : p.c2w) {
        if (!(values >> v)) return badStart(path, "its '# c2w' line has fewer than 16 numbers");
    }
    int width = 0, height = 0, maxValue = 0;
    in >> width >> height >> maxValue;
    in.get(); // the one whitespace byte before the pixels
    if (!in || width != kWidth || height != kHeight || maxValue != 255) {
        return badStart(path, "it must be " + std::to_string(kWidth) + "x" + std::to_string(kHeight) + ", 8-bit");
    }
    std::vector<uint8_t> rgb(kPictureBytes);
    if (!in.read(reinterpret_cast<char *>(rgb.data()), std::streamsize(rgb.size()))) {
        return badStart(path, "its pixels end early");
    }
    p.rgb = pictureFromRgb8(rgb.data());
    return p;
}

Result<Weights> loadWeights(const std::string &folder) {
    Weights w;
    w.folder = weightsFolder(folder);
    const std::string param = w.folder + "/tiny-world.param";
    if (!std::filesystem::exists(param)) {
        return Status(StatusCode::NotFound, "no tiny-world weights in '" + w.folder + "' (no tiny-world.param): " +
                                                "train them with tools/train/train-tiny-world.py --export");
    }
    auto network = nn::loadNcnnModel(param, w.folder + "/tiny-world.bin");
    if (!network.ok()) return network.status();
    w.network = std::move(network.value());
    if (w.network.inputs().size() != 1) return Status(StatusCode::InvalidArgument, param + ": expected one input");
    auto start = readStartPicture(w.folder + "/start.ppm");
    if (!start.ok()) return start.status();
    w.start = std::move(start.value());
    return w;
}

} // namespace mnemo::tiny_world
