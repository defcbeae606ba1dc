"""tst_tiny_world's PyTorch side: one tiny-world step in PyTorch (python/tiny_world.py) with the weights that ship in
assets/tiny-world, on fixed inputs, for the C++ module's arithmetic to match. Writes OUT/case.json (the cameras, which
sources are present), OUT/sources.f32 (4 x 3 x 36 x 64), OUT/input.f32 (the network's input, 28 x 36 x 64) and
OUT/output.f32 (the predicted frame, 3 x 36 x 64), raw little-endian float32."""
import json
import math
import os
import sys

import numpy as np
import torch

import tiny_world as tw

out, weights = sys.argv[1], sys.argv[2]
net = tw.load_ncnn(tw.TinyWorldNet(), weights + "/tiny-world.param", weights + "/tiny-world.bin").eval()


def pose(yaw_deg, x, z, pitch_deg=0.0):
    """A camera-to-world matrix (row-major 4x4) at eye height looking along +z turned by yaw, OpenCV axes."""
    y, p = math.radians(yaw_deg), math.radians(pitch_deg)
    forward = np.array([math.sin(y) * math.cos(p), math.sin(p), math.cos(y) * math.cos(p)])
    right = np.cross(forward, np.array([0.0, 1.0, 0.0]))
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    m = np.eye(4)
    m[:3, 0], m[:3, 1], m[:3, 2], m[:3, 3] = right, down, forward, (x, 1.7, z)
    return m


start = open(weights + "/start.ppm", "rb").read()
rgb = np.frombuffer(start[-tw.WIDTH * tw.HEIGHT * 3:], np.uint8).reshape(tw.HEIGHT, tw.WIDTH, 3) / 255.0
rng = np.random.default_rng(5)
pictures = np.stack([np.roll(rgb, k, axis=1) for k in (0, 2, -9, 5)]).astype(np.float32)
pictures = np.clip(pictures + rng.normal(0, 0.02, pictures.shape), 0, 1).astype(np.float32)
target = pose(4.0, 0.05, 0.2, 1.0)
sources = [pose(2.0, 0.0, 0.1), pose(0.0, 0.0, 0.0), pose(-25.0, 0.8, -0.6, -3.0), pose(0.0, 0.0, 0.0)]
present = [True, True, True, False]
images = torch.from_numpy(pictures).permute(0, 3, 1, 2)[None].contiguous()
grids, masks, codes = tw.geometry_batch([target], [sources], [present])
flags = torch.tensor([present], dtype=torch.float32)
with torch.no_grad():
    x = tw.assemble(images, flags, grids, masks, codes)
    y = tw.predict(net, images, flags, grids, masks, codes)
json.dump({"target": target.T.reshape(-1).tolist(), "sources": [s.T.reshape(-1).tolist() for s in sources],
           "present": present}, open(os.path.join(out, "case.json"), "w"))
images[0].numpy().astype("<f4").tofile(os.path.join(out, "sources.f32"))
x[0].numpy().astype("<f4").tofile(os.path.join(out, "input.f32"))
y[0].numpy().astype("<f4").tofile(os.path.join(out, "output.f32"))
