"""Export a PyTorch network to ncnn's format (.param + .bin), which Mnemo's neural runtime reads (docs/nn-runtime.md).

ncnn's own converters are not available here (no hub, no PyPI), and the format is simple: this writes it directly for
the layers the runtime runs. A torch.nn.Sequential of

    Conv2d (groups 1, any kernel, stride, padding, dilation, bias or not), ReLU, LeakyReLU, PReLU, SiLU, Sigmoid,
    GroupNorm, InstanceNorm2d (affine or not; no running statistics), PixelShuffle,
    Upsample (nearest or bilinear without align_corners, by a scale factor)

is written as one chain: `export_sequential(model, "net.param", "net.bin")`. The network reads its input from the
blob "in" (C x H x W; batch 1) and writes "out". Anything else is refused with the layer named.

Weights are fp32: a convolution's behind a zero tag ([outputs][inputs][kh][kw], PyTorch's layout as it is), its bias,
PReLU slopes and the norms' scale and shift raw.
"""
import struct

import torch


def _floats(tensor):
    values = tensor.detach().to(torch.float32).contiguous().view(-1).tolist()
    return struct.pack("<%df" % len(values), *values)


def _pair(value):
    return value if isinstance(value, tuple) else (value, value)


def _conv(layer):
    if layer.groups != 1:
        raise ValueError("Conv2d with groups=%d: the runtime has no grouped convolution" % layer.groups)
    if layer.padding_mode != "zeros" or isinstance(layer.padding, str):
        raise ValueError("Conv2d padding must be numbers with zeros (got %r)" % (layer.padding,))
    (kh, kw), (sh, sw), (dh, dw), (ph, pw) = (_pair(layer.kernel_size), _pair(layer.stride), _pair(layer.dilation),
                                              _pair(layer.padding))
    weights = layer.weight
    params = {0: layer.out_channels, 1: kw, 11: kh, 2: dw, 12: dh, 3: sw, 13: sh, 4: pw, 14: ph, 15: pw, 16: ph,
              5: 1 if layer.bias is not None else 0, 6: weights.numel()}
    data = struct.pack("<I", 0) + _floats(weights)
    if layer.bias is not None:
        data += _floats(layer.bias)
    return "Convolution", params, data


def _layer(layer):
    """ncnn's type, its parameters and its .bin bytes for one PyTorch layer."""
    nn = torch.nn
    if isinstance(layer, nn.Conv2d):
        return _conv(layer)
    if isinstance(layer, nn.ReLU):
        return "ReLU", {}, b""
    if isinstance(layer, nn.LeakyReLU):
        return "ReLU", {0: float(layer.negative_slope)}, b""
    if isinstance(layer, nn.PReLU):
        return "PReLU", {0: layer.weight.numel()}, _floats(layer.weight)
    if isinstance(layer, nn.SiLU):
        return "Swish", {}, b""
    if isinstance(layer, nn.Sigmoid):
        return "Sigmoid", {}, b""
    if isinstance(layer, nn.GroupNorm):
        affine = 1 if layer.affine else 0
        data = _floats(layer.weight) + _floats(layer.bias) if layer.affine else b""
        return "GroupNorm", {0: layer.num_groups, 1: layer.num_channels, 2: float(layer.eps), 3: affine}, data
    if isinstance(layer, nn.InstanceNorm2d):
        if layer.track_running_stats:
            raise ValueError("InstanceNorm2d with running statistics: the runtime normalises by each input's own")
        affine = 1 if layer.affine else 0
        data = _floats(layer.weight) + _floats(layer.bias) if layer.affine else b""
        return "InstanceNorm", {0: layer.num_features, 1: float(layer.eps), 2: affine}, data
    if isinstance(layer, nn.PixelShuffle):
        return "PixelShuffle", {0: layer.upscale_factor}, b""
    if isinstance(layer, nn.Upsample):
        modes = {"nearest": 1, "bilinear": 2}
        if layer.mode not in modes or layer.scale_factor is None or (layer.mode == "bilinear" and layer.align_corners):
            raise ValueError("Upsample: nearest or bilinear by a scale factor, without align_corners")
        sh, sw = _pair(layer.scale_factor)
        return "Interp", {0: modes[layer.mode], 1: float(sh), 2: float(sw)}, b""
    raise ValueError("%s has no ncnn layer in Mnemo's runtime" % type(layer).__name__)


def _param_text(params):
    def text(value):
        return repr(float(value)) if isinstance(value, float) else str(int(value))
    return " ".join("%d=%s" % (key, text(value)) for key, value in sorted(params.items()))


def export_sequential(model, param_path, bin_path):
    """Writes `model` (a torch.nn.Sequential of the layers above) as ncnn's .param and .bin."""
    layers = [_layer(layer) for layer in model]
    lines, data = ["Input input 0 1 in"], b""
    for i, (kind, params, weights) in enumerate(layers):
        source = "in" if i == 0 else "b%d" % (i - 1)
        target = "out" if i == len(layers) - 1 else "b%d" % i
        lines.append(("%s l%d 1 1 %s %s %s" % (kind, i, source, target, _param_text(params))).rstrip())
        data += weights
    with open(param_path, "w") as f:
        f.write("7767517\n%d %d\n%s\n" % (len(lines), len(lines), "\n".join(lines)))
    with open(bin_path, "wb") as f:
        f.write(data)
