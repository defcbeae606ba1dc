// The .bin weights of an ncnn model, read layer by layer as ncnn's ModelBin does, and the whole model.
#include "mnemo/nn/NcnnModel.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

namespace mnemo::nn {

Result<std::vector<Layer>> parseNcnnParam(const std::string &path); // NcnnParam.cpp

namespace {

float halfToFloat(uint16_t h) {
    const int sign = (h >> 15) & 1, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
    float v;
    if (exponent == 0)
        v = std::ldexp(float(mantissa), -24); // subnormal
    else if (exponent == 31)
        v = mantissa ? NAN : INFINITY;
    else
        v = std::ldexp(float(mantissa | 0x400), exponent - 25);
    return sign ? -v : v;
}

// The weights file as ncnn's ModelBin reads it.
class BinReader {
public:
    BinReader(std::vector<uint8_t> bytes, std::string path) : m_bytes(std::move(bytes)), m_path(std::move(path)) {}

    // `count` values: tagged (fp16 behind 0x01306B47, raw fp32 behind a zero tag) when `tagged`, else raw fp32.
    Result<std::vector<float>> load(size_t count, bool tagged, const std::string &what) {
        uint32_t tag = 0;
        if (tagged && !take(&tag, 4, what)) return truncated(what);
        std::vector<float> out(count);
        if (tagged && tag == 0x01306B47) {
            std::vector<uint16_t> half(count);
            if (!take(half.data(), count * 2, what)) return truncated(what);
            m_at += (count * 2) % 4 ? 2 : 0; // fp16 data is padded to 4 bytes
            for (size_t i = 0; i < count; ++i)
                out[i] = halfToFloat(half[i]);
            return out;
        }
        if (tagged && tag != 0) {
            return Status(StatusCode::Unsupported, "'" + m_path + "': " + what + " is stored with tag 0x" + hex(tag) +
                                                       " (int8 or quantized weights: not supported)");
        }
        if (!take(out.data(), count * 4, what)) return truncated(what);
        return out;
    }
    size_t left() const { return m_bytes.size() - m_at; }

private:
    bool take(void *to, size_t bytes, const std::string &) {
        if (bytes > left()) return false;
        std::memcpy(to, m_bytes.data() + m_at, bytes);
        m_at += bytes;
        return true;
    }
    Status truncated(const std::string &what) const {
        return Status(StatusCode::InvalidArgument,
                      "'" + m_path + "' ends early: " + what + " needs more than the " + std::to_string(left()) +
                          " bytes left (a truncated download, or the .bin of another model)");
    }
    static std::string hex(uint32_t v) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%08X", v);
        return buf;
    }
    std::vector<uint8_t> m_bytes;
    std::string m_path;
    size_t m_at = 0;
};

Status loadWeights(Layer &l, BinReader &bin) {
    auto add = [&](size_t count, bool tagged, const std::string &what) -> Status {
        auto w = bin.load(count, tagged, "layer '" + l.name + "' " + what);
        if (!w.ok()) return w.status();
        l.weights.push_back(std::move(w.value()));
        return {};
    };
    if (l.type == "Convolution" || l.type == "Deconvolution") {
        const int count = l.params.i(6, 0), outputs = l.params.i(0, 0);
        if (count <= 0 || outputs <= 0) {
            return Status(StatusCode::InvalidArgument,
                          "layer '" + l.name + "': no weight_data_size (6=) or num_output (0=)");
        }
        if (Status s = add(size_t(count), true, "weights"); !s.ok()) return s;
        if (l.params.i(5, 0)) return add(size_t(outputs), false, "bias");
        return {};
    }
    if (l.type == "PReLU") return add(size_t(std::max(1, l.params.i(0, 1))), false, "slopes");
    // InstanceNorm (0 channels, 2 affine) and GroupNorm (1 channels, 3 affine): gamma and beta, one per channel.
    const bool instance = l.type == "InstanceNorm";
    if (instance || l.type == "GroupNorm") {
        const int channels = l.params.i(instance ? 0 : 1, 0);
        if (!l.params.i(instance ? 2 : 3, 1)) return {};
        if (channels <= 0) {
            return Status(StatusCode::InvalidArgument, "layer '" + l.name + "': an affine norm needs its channels (" +
                                                           (instance ? "0=" : "1=") + ")");
        }
        if (Status s = add(size_t(channels), false, "gamma"); !s.ok()) return s;
        return add(size_t(channels), false, "beta");
    }
    return {};
}

} // namespace

Result<NcnnModel> loadNcnnModel(const std::string &paramPath, const std::string &binPath) {
    auto layers = parseNcnnParam(paramPath);
    if (!layers.ok()) return layers.status();
    std::ifstream file(binPath, std::ios::binary);
    if (!file) {
        return Status(StatusCode::NotFound, "cannot read the weights '" + binPath +
                                                "' (tools/nn-models.sh DIR fetches the bundled networks)");
    }
    BinReader bin(std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {}), binPath);
    NcnnModel model;
    model.path = paramPath;
    model.layers = std::move(layers.value());
    for (Layer &l : model.layers) {
        if (Status s = loadWeights(l, bin); !s.ok()) {
            return s.message().rfind("'", 0) == 0 ? s : Status(s.code(), "'" + binPath + "': " + s.message());
        }
    }
    if (bin.left() != 0) {
        return Status(StatusCode::InvalidArgument,
                      "'" + binPath + "' has " + std::to_string(bin.left()) +
                          " bytes after the last layer's weights (the .bin of another model?)");
    }
    return model;
}

} // namespace mnemo::nn
