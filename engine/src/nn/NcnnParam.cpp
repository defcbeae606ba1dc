// The .param text of an ncnn model: layers, their blobs and parameters.
#include "mnemo/nn/NcnnModel.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <fstream>
#include <set>
#include <sstream>

namespace mnemo::nn {

int ParamDict::i(int id, int fallback) const {
    auto it = m_values.find(id);
    if (it == m_values.end() || it->second.empty()) return fallback;
    const std::string &t = it->second.front();
    int v = fallback;
    if (t.find_first_of(".eE") != std::string::npos) return int(f(id, float(fallback)));
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
}

float ParamDict::f(int id, float fallback) const {
    auto it = m_values.find(id);
    if (it == m_values.end() || it->second.empty()) return fallback;
    float v = fallback;
    const std::string &t = it->second.front();
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
}

std::vector<float> ParamDict::floats(int id) const {
    std::vector<float> out;
    auto it = m_values.find(id);
    if (it == m_values.end()) return out;
    for (const std::string &t : it->second) {
        float v = 0;
        std::from_chars(t.data(), t.data() + t.size(), v);
        out.push_back(v);
    }
    return out;
}

std::vector<int> ParamDict::ints(int id) const {
    std::vector<int> out;
    auto it = m_values.find(id);
    if (it == m_values.end()) return out;
    for (const std::string &t : it->second) {
        long long v = 0; // ONNX writes INT64 bounds ("9223372036854775807"): read wide, then clamp
        if (std::from_chars(t.data(), t.data() + t.size(), v).ec == std::errc::result_out_of_range)
            v = t.starts_with('-') ? LLONG_MIN : LLONG_MAX;
        out.push_back(int(std::clamp<long long>(v, INT_MIN, INT_MAX)));
    }
    return out;
}

const std::vector<std::string> &supportedLayerTypes() {
    static const std::vector<std::string> types = {"Input",   "Split",   "Convolution",  "Deconvolution", "PReLU",
                                                   "ReLU",    "Sigmoid", "PixelShuffle", "Interp",        "BinaryOp",
                                                   "Eltwise", "Concat",  "Crop",         "rife.Warp",
                                                   "Swish",   "InstanceNorm", "GroupNorm"};
    return types;
}

std::vector<std::string> NcnnModel::inputs() const {
    std::vector<std::string> out;
    for (const Layer &l : layers) {
        if (l.type == "Input") out.insert(out.end(), l.outputs.begin(), l.outputs.end());
    }
    return out;
}

std::vector<std::string> NcnnModel::outputs() const {
    std::set<std::string> consumed;
    for (const Layer &l : layers)
        consumed.insert(l.inputs.begin(), l.inputs.end());
    std::vector<std::string> out;
    for (const Layer &l : layers) {
        for (const std::string &t : l.outputs) {
            if (!consumed.count(t)) out.push_back(t);
        }
    }
    return out;
}

namespace {

// "id=value" or, for an array, "-233xx=count,v1,v2,..." (the id is -23300 - id).
Status parseParam(const std::string &token, ParamDict &params, const std::string &where) {
    const size_t eq = token.find('=');
    int id = 0;
    if (eq == std::string::npos || std::from_chars(token.data(), token.data() + eq, id).ec != std::errc()) {
        return Status(StatusCode::InvalidArgument, where + ": '" + token + "' is not a parameter (id=value)");
    }
    std::vector<std::string> values;
    std::stringstream rest(token.substr(eq + 1));
    for (std::string v; std::getline(rest, v, ',');)
        values.push_back(v);
    if (id <= -23300) {
        if (values.empty()) return Status(StatusCode::InvalidArgument, where + ": an empty array in '" + token + "'");
        values.erase(values.begin()); // the count
        id = -id - 23300;
    }
    params.set(id, std::move(values));
    return {};
}

Result<Layer> parseLayer(const std::string &line, const std::string &where) {
    std::istringstream in(line);
    Layer l;
    int bottoms = -1, tops = -1;
    in >> l.type >> l.name >> bottoms >> tops;
    if (!in || bottoms < 0 || tops < 0 || bottoms > 64 || tops > 64) {
        return Status(StatusCode::InvalidArgument, where + ": not a layer (TYPE NAME INPUTS OUTPUTS ...)");
    }
    const auto &types = supportedLayerTypes();
    if (std::find(types.begin(), types.end(), l.type) == types.end()) {
        return Status(StatusCode::Unsupported, where + ": layer type '" + l.type + "' (layer '" + l.name +
                                                   "') is not supported by Mnemo's runtime yet");
    }
    l.inputs.resize(size_t(bottoms));
    l.outputs.resize(size_t(tops));
    for (auto &b : l.inputs)
        in >> b;
    for (auto &t : l.outputs)
        in >> t;
    if (!in) return Status(StatusCode::InvalidArgument, where + ": fewer blob names than the layer counts");
    for (std::string token; in >> token;) {
        if (Status s = parseParam(token, l.params, where); !s.ok()) return s;
    }
    return l;
}

} // namespace

Result<std::vector<Layer>> parseNcnnParam(const std::string &path) {
    std::ifstream file(path);
    if (!file) return Status(StatusCode::NotFound, "cannot read '" + path + "'");
    int magic = 0, layerCount = 0, blobCount = 0;
    file >> magic >> layerCount >> blobCount;
    if (!file || magic != 7767517) {
        return Status(StatusCode::InvalidArgument, "'" + path + "' is not an ncnn .param file (no 7767517 magic)");
    }
    if (layerCount <= 0 || layerCount > 100000) {
        return Status(StatusCode::InvalidArgument, "'" + path + "': " + std::to_string(layerCount) + " layers");
    }
    std::vector<Layer> layers;
    std::string line;
    std::getline(file, line);
    for (int n = 3; std::getline(file, line); ++n) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        auto layer = parseLayer(line, "'" + path + "' line " + std::to_string(n));
        if (!layer.ok()) return layer.status();
        layers.push_back(std::move(layer.value()));
    }
    if (int(layers.size()) != layerCount) {
        return Status(StatusCode::InvalidArgument, "'" + path + "' says " + std::to_string(layerCount) +
                                                       " layers but has " + std::to_string(layers.size()));
    }
    return layers;
}

} // namespace mnemo::nn
