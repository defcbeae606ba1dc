// Runs an ncnn model on the CPU reference operators, layer by layer in the file's order.
#include "mnemo/nn/CpuReference.hpp"

namespace mnemo::nn::cpu {
namespace {

using Blobs = std::map<std::string, Tensor>;

Result<std::vector<const Tensor *>> inputsOf(const Layer &l, const Blobs &blobs) {
    std::vector<const Tensor *> in;
    for (const std::string &name : l.inputs) {
        auto it = blobs.find(name);
        if (it == blobs.end()) {
            return Status(StatusCode::InvalidArgument,
                          "layer '" + l.name + "' reads blob '" + name + "', which no earlier layer or input made");
        }
        in.push_back(&it->second);
    }
    if (in.empty()) return Status(StatusCode::InvalidArgument, "layer '" + l.name + "' has no input");
    return in;
}

std::vector<float> weight(const Layer &l, size_t i) {
    return l.weights.size() > i ? l.weights[i] : std::vector<float>{};
}

// One layer's single output (every supported type but Split has one).
Result<Tensor> forward(const Layer &l, const std::vector<const Tensor *> &in) {
    const ParamDict &p = l.params;
    const Tensor &x = *in[0];
    if (l.type == "Convolution") return convolution(x, weight(l, 0), weight(l, 1), ConvParams::from(p));
    if (l.type == "Deconvolution") return deconvolution(x, weight(l, 0), weight(l, 1), ConvParams::from(p));
    if (l.type == "PReLU") return prelu(x, weight(l, 0));
    if (l.type == "ReLU") return relu(x, p.f(0, 0.f));
    if (l.type == "Sigmoid") return sigmoid(x);
    if (l.type == "Swish") return swish(x);
    if (l.type == "InstanceNorm") return groupNorm(x, x.c, p.f(1, 0.001f), weight(l, 0), weight(l, 1));
    if (l.type == "GroupNorm") return groupNorm(x, p.i(0, 1), p.f(2, 0.001f), weight(l, 0), weight(l, 1));
    if (l.type == "PixelShuffle") {
        const int r = p.i(0, 1);
        if (r <= 0 || x.c % (r * r) != 0 || p.i(1, 0) != 0) {
            return Status(StatusCode::InvalidArgument, "PixelShuffle '" + l.name + "': factor or mode unsupported");
        }
        return pixelShuffle(x, r);
    }
    if (l.type == "Interp") {
        if (p.i(6, 0) != 0 || p.i(0, 1) < 1 || p.i(0, 1) > 3) {
            return Status(StatusCode::Unsupported, "Interp '" + l.name +
                                                       "': only nearest, bilinear and bicubic without "
                                                       "align_corner");
        }
        return interp(x, p.i(0, 1), p.f(1, 1.f), p.f(2, 1.f), p.i(3, 0), p.i(4, 0));
    }
    if (l.type == "BinaryOp") {
        if (in.size() == 2) return binaryOp(x, *in[1], p.i(0, 0));
        Tensor scalar(1, 1, 1, p.f(2, 0.f)); // with_scalar (1=1): b is 2=
        return binaryOp(x, scalar, p.i(0, 0));
    }
    if (l.type == "Eltwise") return eltwise(in, p.i(0, 0), p.floats(1)); // ncnn: 0 product by default
    if (l.type == "Concat") {
        if (p.i(0, 0) != 0) return Status(StatusCode::Unsupported, "Concat '" + l.name + "': only along channels");
        return concatChannels(in);
    }
    if (l.type == "Crop") {
        if (!p.has(9) || !p.has(10)) {
            return Status(StatusCode::Unsupported,
                          "Crop '" + l.name + "': only ranges (starts, ends, axes) are supported");
        }
        return crop(x, p.ints(9), p.ints(10), p.ints(11));
    }
    if (l.type == "rife.Warp") {
        if (in.size() != 2) return Status(StatusCode::InvalidArgument, "rife.Warp '" + l.name + "' needs two inputs");
        return warp(x, *in[1]);
    }
    return Status(StatusCode::Unsupported, "layer type '" + l.type + "' (layer '" + l.name + "') has no CPU operator");
}

Status step(const Layer &l, Blobs &blobs) {
    if (l.type == "Input") return {}; // its blob was given
    auto in = inputsOf(l, blobs);
    if (!in.ok()) return in.status();
    if (l.type == "Split") {
        for (const std::string &t : l.outputs)
            blobs[t] = *in.value()[0];
        return {};
    }
    auto out = forward(l, in.value());
    if (!out.ok()) return Status(out.status().code(), "layer '" + l.name + "' (" + l.type + "): " + out.message());
    if (l.outputs.size() != 1) return Status(StatusCode::Unsupported, "layer '" + l.name + "': several outputs");
    blobs[l.outputs[0]] = std::move(out.value());
    return {};
}

} // namespace

Result<std::map<std::string, Tensor>> run(const NcnnModel &model, const std::map<std::string, Tensor> &inputs,
                                          std::vector<std::string> outputs) {
    Blobs blobs;
    for (const std::string &name : model.inputs()) {
        auto it = inputs.find(name);
        if (it == inputs.end()) return Status(StatusCode::InvalidArgument, "no value for the input '" + name + "'");
        blobs[name] = it->second;
    }
    for (const Layer &l : model.layers) {
        if (Status s = step(l, blobs); !s.ok()) return s;
    }
    if (outputs.empty()) outputs = model.outputs();
    std::map<std::string, Tensor> out;
    for (const std::string &name : outputs) {
        auto it = blobs.find(name);
        if (it == blobs.end()) return Status(StatusCode::NotFound, "the model makes no blob '" + name + "'");
        out[name] = std::move(it->second);
    }
    return out;
}

} // namespace mnemo::nn::cpu
