"""Export a PyTorch network to ncnn's format (.param + .bin), which Mnemo's neural runtime reads (docs/nn-runtime.md).

ncnn's own converters are not available here (no hub, no PyPI), and the format is simple: this writes it directly for
the layers the runtime runs. A torch.nn.Sequential of

    Conv2d (groups 1, any kernel, stride, padding, dilation, bias or not), ReLU, LeakyReLU, PReLU, SiLU, Sigmoid,
    GroupNorm, InstanceNorm2d (affine or not; no running statistics), PixelShuffle,
    Upsample (nearest or bilinear without align_corners, by a scale factor)

is written as one chain: `export_sequential(model, "net.param", "net.bin")`. A network with skip connections (a
U-Net's) is written as a graph: `export_module(model, "net.param", "net.bin")` traces its forward() with torch.fx and
writes those layers plus additions and products of two tensors (x + y, x * y, torch.add, torch.mul), channel
concatenation (torch.cat(..., dim=1)) and the functional activations (F.relu, F.silu, torch.sigmoid); a blob read
twice goes through ncnn's Split, as ncnn's own files do. Either way the network reads its input from the blob "in"
(C x H x W; batch 1) and writes "out". Anything else is refused with the layer named.

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
        if isinstance(value, list):  # an array (its key is -23300 - id): the count, then the values
            return ",".join([str(len(value))] + [repr(float(v)) for v in value])
        return repr(float(value)) if isinstance(value, float) else str(int(value))
    return " ".join("%d=%s" % (key, text(value)) for key, value in sorted(params.items()))


def export_sequential(model, param_path, bin_path):
    """Writes `model` (a torch.nn.Sequential of the layers above) as ncnn's .param and .bin."""
    converted = [_layer(layer) for layer in model]
    layers, data = [["Input", "input", [], ["in"], {}]], b""
    for i, (kind, params, weights) in enumerate(converted):
        source = "in" if i == 0 else "b%d" % (i - 1)
        target = "out" if i == len(converted) - 1 else "b%d" % i
        layers.append([kind, "l%d" % i, [source], [target], params])
        data += weights
    _write(layers, param_path)
    with open(bin_path, "wb") as f:
        f.write(data)


def _function(node):
    """ncnn's type and parameters for a traced function or method call (see export_module), or None."""
    import operator
    F = torch.nn.functional
    target = node.target
    if target in (operator.add, torch.add, "add"):
        return "BinaryOp", {0: 0}
    if target in (operator.mul, torch.mul, "mul"):
        return "BinaryOp", {0: 2}
    if target in (F.relu, torch.relu, "relu"):
        return "ReLU", {}
    if target in (F.silu, "silu"):
        return "Swish", {}
    if target in (torch.sigmoid, "sigmoid"):
        return "Sigmoid", {}
    if target is torch.cat:
        dim = node.kwargs.get("dim", node.args[1] if len(node.args) > 1 else 0)
        if dim not in (1, -3):
            raise ValueError("torch.cat along dim %r: the runtime concatenates channels (dim=1)" % (dim,))
        return "Concat", {0: 0}
    return None


def export_module(model, param_path, bin_path):
    """Writes `model`'s traced forward() (one input) as ncnn's .param and .bin: the layers of export_sequential and
    the functions above, in the trace's order."""
    import torch.fx
    graph = torch.fx.symbolic_trace(model).graph
    modules = dict(model.named_modules())
    names, layers, data = {}, [], b""
    for node in graph.nodes:
        if node.op == "placeholder":
            if names:
                raise ValueError("export_module takes a network of one input, not also '%s'" % node.name)
            names[node.name] = "in"
            layers.append(["Input", "input", [], ["in"], {}])
        elif node.op in ("call_module", "call_function", "call_method"):
            inputs = [a for a in (node.args[0] if node.target is torch.cat else node.args)
                      if isinstance(a, torch.fx.Node)]
            if node.op == "call_module":
                kind, params, weights = _layer(modules[node.target])
                data += weights
            else:
                found = _function(node)
                if found is None:
                    raise ValueError("%s has no ncnn layer in Mnemo's runtime" % node.format_node())
                kind, params = found
            names[node.name] = "b_" + node.name
            layers.append([kind, node.name, [names[a.name] for a in inputs], [names[node.name]], params])
        elif node.op == "output":
            result = node.args[0]
            if not isinstance(result, torch.fx.Node) or names.get(result.name) != layers[-1][3][0]:
                raise ValueError("export_module takes a network whose one output is its last layer's")
            layers[-1][3] = ["out"]
        else:
            raise ValueError("%s has no ncnn layer in Mnemo's runtime" % node.format_node())
    _write(_with_splits(_fused_activations(layers)), param_path)
    with open(bin_path, "wb") as f:
        f.write(data)


def _fused_activations(layers):
    """A ReLU or leaky ReLU that alone reads a convolution's output becomes that convolution's activation (ncnn's
    activation_type 1 or 2, the slope in activation_params): the same arithmetic, one pass over the tensor fewer."""
    readers = {}
    for layer in layers:
        for blob in layer[2]:
            readers[blob] = readers.get(blob, 0) + 1
    producers = {layer[3][0]: layer for layer in layers if len(layer[3]) == 1}
    out = []
    for layer in layers:
        kind, _, inputs, outputs, params = layer
        conv = producers.get(inputs[0]) if kind == "ReLU" and len(inputs) == 1 else None
        if conv is not None and conv[0] == "Convolution" and 9 not in conv[4] and readers[inputs[0]] == 1:
            slope = float(params.get(0, 0.0))
            conv[4][9] = 2 if slope else 1
            if slope:
                conv[4][-23310] = [slope]
            conv[3] = outputs
            continue
        out.append(layer)
    return out


def _with_splits(layers):
    """ncnn's rule: a blob read by several layers is fed to them through a Split layer, one output each."""
    readers = {}
    for layer in layers:
        for blob in layer[2]:
            readers[blob] = readers.get(blob, 0) + 1
    out, taken = [], {}
    for layer in layers:
        for i, blob in enumerate(layer[2]):
            if readers[blob] > 1:
                k = taken.get(blob, 0)
                taken[blob] = k + 1
                layer[2][i] = "%s_s%d" % (blob, k)
        out.append(layer)
        for blob in layer[3]:
            if readers.get(blob, 0) > 1:
                out.append(["Split", "split_" + blob, [blob], ["%s_s%d" % (blob, k) for k in range(readers[blob])],
                            {}])
    return out


def _write(layers, param_path):
    blobs = sum(len(layer[3]) for layer in layers)
    lines = []
    for kind, name, inputs, outputs, params in layers:
        fields = [kind, name, str(len(inputs)), str(len(outputs))] + inputs + outputs
        lines.append(" ".join(fields + ([_param_text(params)] if params else [])))
    with open(param_path, "w") as f:
        f.write("7767517\n%d %d\n%s\n" % (len(layers), blobs, "\n".join(lines)))
