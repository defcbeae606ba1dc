"""Mnemo's tiny-world model (issue 14): a small camera-conditioned next-frame network with memory slots.

One definition for training (tools/train/train-tiny-world.py), export to the runtime's ncnn format, and the PyTorch
reference that the C++ module is tested against (tests/tools/tiny_world_check.py). The C++ side of the same
arithmetic is plugins/tiny-world/TinyWorldInputs.cpp: change one, change both.

A step predicts the frame at the target camera from four sources, each a 64x36 RGB picture with its camera: the two
previous frames (the context) and up to two memory frames the host's camera-aware retrieval picked. Every source is
first reprojected into the target view by the rotation between the two cameras (the homography K R K^-1, exact for
what is far away: sky, horizon); what the rotation cannot explain (the translation's parallax, what newly comes into
view) is left to the network, which also gets each source's translation in the target camera's frame and a mask of
where the reprojection landed inside the source. The network predicts how to blend the reprojected sources (a softmax
weight per source and pixel) and a residual over that blend.
An empty memory slot is all zeros (mask 0): the same weights run with memory off.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

WIDTH, HEIGHT = 64, 36
FX = FY = WIDTH / 2.0  # 90 degrees horizontal, the studio's default camera
CX, CY = WIDTH / 2.0, HEIGHT / 2.0
SOURCES = 4  # previous frame, the one before, memory 1, memory 2
CHANNELS_PER_SOURCE = 7  # reprojected RGB, inside mask, translation code (3)
IN_CHANNELS = SOURCES * CHANNELS_PER_SOURCE
OUT_CHANNELS = 3 + SOURCES + 1  # residual RGB, a blend weight (logit) per source and one for none
MASKED_LOGIT = -1.0e4  # a source that does not reach a pixel: its weight there is exp(-1e4) = 0
TRANSLATION_GAIN = 2.0  # translation code = tanh(gain * metres): 5 cm -> 0.1, 1 m -> 0.96


class TinyWorldNet(nn.Module):
    """A three-level U-Net at 64x36, 32x18 and 16x9: 0.23 M parameters, 63 M multiply-adds a frame (sized so it
    runs at over 30 frames a second on lavapipe; width 32 at the top level took 60 ms a frame there)."""

    def __init__(self, widths=(16, 32, 96), in_channels=IN_CHANNELS):
        super().__init__()
        w1, w2, w3 = widths
        self.e0a = nn.Conv2d(in_channels, w1, 3, padding=1)
        self.e0b = nn.Conv2d(w1, w1, 3, padding=1)
        self.e1a = nn.Conv2d(w1, w2, 3, stride=2, padding=1)
        self.e1b = nn.Conv2d(w2, w2, 3, padding=1)
        self.e2a = nn.Conv2d(w2, w3, 3, stride=2, padding=1)
        self.e2b = nn.Conv2d(w3, w3, 3, padding=1)
        self.e2c = nn.Conv2d(w3, w3, 3, padding=1)
        self.d1a = nn.Conv2d(w3, w2, 1)
        self.up1 = nn.Upsample(scale_factor=2, mode="nearest")
        self.d1b = nn.Conv2d(w2, w2, 3, padding=1)
        self.d0a = nn.Conv2d(w2, w1, 1)
        self.up0 = nn.Upsample(scale_factor=2, mode="nearest")
        self.d0b = nn.Conv2d(w1, w1, 3, padding=1)
        self.head = nn.Conv2d(w1, OUT_CHANNELS, 3, padding=1)
        self.act = nn.LeakyReLU(0.1)

    def forward(self, x):
        a = self.act
        s0 = a(self.e0b(a(self.e0a(x))))
        s1 = a(self.e1b(a(self.e1a(s0))))
        z = a(self.e2c(a(self.e2b(a(self.e2a(s1))))))
        # A 1x1 convolution commutes with nearest upsampling: narrowing first is four times cheaper.
        u1 = a(self.d1b(self.up1(a(self.d1a(z))) + s1))
        u0 = a(self.d0b(self.up0(a(self.d0a(u1))) + s0))
        return self.head(u0)


def matrix(c2w):
    """A camera's column-major c2w (16 floats) as a 4x4 row-major float64 matrix."""
    return np.asarray(c2w, dtype=np.float64).reshape(4, 4).T


def reprojection(target, source):
    """Where each target pixel's ray lands in the source frame under the rotation between the two cameras.

    Returns (x, y, inside): source pixel coordinates (pixel centres at i + 0.5) and 1 where the ray is in front of the
    source camera and lands inside its frame. float32 arrays of HEIGHT x WIDTH."""
    rotation = (source[:3, :3].T @ target[:3, :3]).astype(np.float32)
    u = (np.arange(WIDTH, dtype=np.float32) + 0.5 - np.float32(CX)) / np.float32(FX)
    v = (np.arange(HEIGHT, dtype=np.float32) + 0.5 - np.float32(CY)) / np.float32(FY)
    dx = rotation[0, 0] * u[None, :] + rotation[0, 1] * v[:, None] + rotation[0, 2]
    dy = rotation[1, 0] * u[None, :] + rotation[1, 1] * v[:, None] + rotation[1, 2]
    dz = rotation[2, 0] * u[None, :] + rotation[2, 1] * v[:, None] + rotation[2, 2]
    front = dz > np.float32(1e-3)
    dz = np.where(front, dz, np.float32(1.0))
    x = np.float32(FX) * dx / dz + np.float32(CX)
    y = np.float32(FY) * dy / dz + np.float32(CY)
    inside = front & (x >= 0) & (x <= WIDTH) & (y >= 0) & (y <= HEIGHT)
    x = np.where(front, x, np.float32(-1.0))
    y = np.where(front, y, np.float32(-1.0))
    return x.astype(np.float32), y.astype(np.float32), inside.astype(np.float32)


def translation_code(target, source):
    """The source camera's position in the target camera's frame (metres), squashed: tanh(gain * t)."""
    t = target[:3, :3].T @ (source[:3, 3] - target[:3, 3])
    return np.tanh(TRANSLATION_GAIN * t).astype(np.float32)


def source_geometry(target, source):
    """The sampling grid (1 x H x W x 2, grid_sample's convention), the inside mask (H x W) and the code (3)."""
    x, y, inside = reprojection(target, source)
    grid = np.stack([2.0 * x / WIDTH - 1.0, 2.0 * y / HEIGHT - 1.0], axis=-1).astype(np.float32)
    return grid, inside, translation_code(target, source)


def assemble(images, present, grids, masks, codes):
    """The network's input for a batch.

    images: B x S x 3 x H x W floats in [0, 1]; present: B x S (0 for an empty slot); grids: B x S x H x W x 2;
    masks: B x S x H x W; codes: B x S x 3. Returns B x 28 x H x W: per source its reprojected RGB (0 outside),
    inside mask and translation code."""
    b, s = images.shape[:2]
    warped = F.grid_sample(images.reshape(b * s, 3, HEIGHT, WIDTH), grids.reshape(b * s, HEIGHT, WIDTH, 2),
                           mode="bilinear", padding_mode="border", align_corners=False)
    mask = (masks * present[:, :, None, None]).reshape(b * s, 1, HEIGHT, WIDTH)
    warped = warped * mask
    code = (codes * present[:, :, None]).reshape(b * s, 3, 1, 1).expand(b * s, 3, HEIGHT, WIDTH)
    return torch.cat([warped, mask, code], dim=1).reshape(b, s * CHANNELS_PER_SOURCE, HEIGHT, WIDTH)


def finish(x, out):
    """The frame from the network's input and output: a blend of the reprojected sources by the softmax of their
    weights (a source weighs nothing where it does not reach; "none" blends in black) plus the residual, clamped.
    A convex blend cannot sharpen what it copies, so a rollout that copies from memory does not amplify its own
    errors; the residual adds what no source shows."""
    b = x.shape[0]
    sources = x.reshape(b, SOURCES, CHANNELS_PER_SOURCE, HEIGHT, WIDTH)
    rgb, inside = sources[:, :, :3], sources[:, :, 3]
    logits = torch.where(inside > 0.5, out[:, 3:3 + SOURCES], torch.full_like(inside, MASKED_LOGIT))
    weights = torch.softmax(torch.cat([logits, out[:, 3 + SOURCES:]], dim=1), dim=1)
    blend = (weights[:, :SOURCES, None] * rgb).sum(1)
    return torch.clamp(blend + out[:, :3], 0.0, 1.0)


def geometry_batch(targets, sources, present):
    """grids, masks, codes tensors for B targets (4x4 each) and B x S source cameras (None where absent)."""
    grids, masks, codes = [], [], []
    for target, row, have in zip(targets, sources, present):
        for source, ok in zip(row, have):
            if ok:
                g, m, c = source_geometry(target, source)
            else:
                g, m, c = (np.zeros((HEIGHT, WIDTH, 2), np.float32), np.zeros((HEIGHT, WIDTH), np.float32),
                           np.zeros(3, np.float32))
            grids.append(g)
            masks.append(m)
            codes.append(c)
    b, s = len(targets), len(sources[0])
    return (torch.from_numpy(np.stack(grids)).reshape(b, s, HEIGHT, WIDTH, 2),
            torch.from_numpy(np.stack(masks)).reshape(b, s, HEIGHT, WIDTH),
            torch.from_numpy(np.stack(codes)).reshape(b, s, 3))


def predict(net, images, present, grids, masks, codes):
    """One step for a batch: the predicted frames, B x 3 x H x W in [0, 1]."""
    x = assemble(images, present, grids, masks, codes)
    return finish(x, net(x))


# ---- the host's retrieval, as training sees it ----

def _view_points(target, depths=(2.0, 5.0, 10.0, 20.0), grid=(8, 5)):
    """World points along a grid of the target's rays at a few depths: what a memory should cover."""
    u = (np.linspace(0.5, WIDTH - 0.5, grid[0]) - CX) / FX
    v = (np.linspace(0.5, HEIGHT - 0.5, grid[1]) - CY) / FY
    rays = np.stack(np.meshgrid(u, v), -1).reshape(-1, 2)
    rays = np.concatenate([rays, np.ones((len(rays), 1))], 1)
    pts = np.concatenate([rays * d for d in depths], 0)
    return pts @ target[:3, :3].T + target[:3, 3]


def visible(points, cameras):
    """N x P booleans: which points each camera (N x 4 x 4) sees within its frame, up to 30 m."""
    local = np.einsum("nji,npj->npi", cameras[:, :3, :3], points[None] - cameras[:, None, :3, 3])
    z = local[..., 2]
    zs = np.maximum(z, 1e-6)
    x = FX * local[..., 0] / zs + CX
    y = FY * local[..., 1] / zs + CY
    return (z > 0.1) & (z < 30.0) & (x >= 0) & (x <= WIDTH) & (y >= 0) & (y <= HEIGHT)


def pick_memory(cameras, t, k=2, exclude_recent=30, recency=0.2):
    """Up to k earlier frames for target t, greedily by the share of the target's view points they newly cover less
    WorldMem's recency penalty, among frames at least exclude_recent old (the host's defaults)."""
    last = t - exclude_recent
    if last < 0:
        return []
    candidates = np.arange(0, last + 1)
    seen = visible(_view_points(cameras[t]), cameras[candidates])
    penalty = recency * (t - candidates) / max(t, 1)
    covered = np.zeros(seen.shape[1], bool)
    picks = []
    for _ in range(k):
        gain = (seen & ~covered).mean(1) - penalty
        best = int(np.argmax(gain))
        if gain[best] <= 0.02:
            break
        picks.append(int(candidates[best]))
        covered |= seen[best]
    return picks


def load_ncnn(net, param_path, bin_path):
    """The weights mnemo_ncnn.export_module wrote, back into a TinyWorldNet (the layers by name): what the studio
    runs, in PyTorch, for the comparison test and for serving the same weights through the Python SDK."""
    import struct
    convs = {}
    for line in open(param_path).read().split("\n")[2:]:
        fields = line.split()
        if fields and fields[0] == "Convolution":
            params = dict(f.split("=", 1) for f in fields[6:] if "=" in f)
            convs[fields[1]] = int(params.get("6", "0"))
    data = open(bin_path, "rb").read()
    offset = 0
    modules = dict(net.named_modules())
    for name, size in convs.items():  # in the file's order, which is the .bin's
        conv = modules.get(name)
        if conv is None or conv.weight.numel() != size:
            raise ValueError("%s: layer %s does not fit this TinyWorldNet (another width?)" % (param_path, name))
        conv = modules[name]
        tag = struct.unpack_from("<I", data, offset)[0]
        if tag != 0:
            raise ValueError("%s: layer %s is not fp32 (tag %#x)" % (bin_path, name, tag))
        offset += 4
        for tensor in (conv.weight, conv.bias):
            n = tensor.numel()
            values = np.frombuffer(data, "<f4", n, offset)
            offset += 4 * n
            with torch.no_grad():
                tensor.copy_(torch.from_numpy(values.copy()).reshape(tensor.shape))
    if offset != len(data):
        raise ValueError("%s: %d bytes left over" % (bin_path, len(data) - offset))
    return net
