#!/usr/bin/python3
"""The studio's tiny-world model (plugins/tiny-world) in PyTorch, served to Mnemo over the remote protocol: the same
weights (assets/tiny-world, read back from the runtime's format by python/tiny_world.py's load_ncnn) and the same
step, so a run through this server and a run of the built-in module can be compared frame by frame (at 64x36 they
agree to rounding; tests/tools/tiny_world_check.py pins one step at 40 dB or better).

Like the module, it starts from start.ppm (or nothing else: the remote protocol has no seed frame), keeps each frame
it made at 64x36 (the module attaches them to its memory entries instead; here the cache is per connection and holds
--cache frames), and takes the first two of the host's memory picks that it still holds and that score over 0.02, in
the host's order.

    /usr/bin/python3 python/examples/tiny_world_server.py --port 7071 --token secret
    build/bin/mnemo-cli run --engine ws://127.0.0.1:7071 --token secret --camera-track assets/tracks/turn_360.json \
        --size 64x36 --out frames/
"""
import argparse
import collections
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tiny_world as tw  # noqa: E402
from mnemo_engine import Param, WorldModel, serve  # noqa: E402

MINIMUM_PICK_SCORE = 0.02  # as the module: a memory that adds less is not used (training's retrieval stops there)
WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "tiny-world")


def read_start(path):
    """start.ppm: (picture 3 x H x W floats, its camera as a row-major 4x4)."""
    data = open(path, "rb").read()
    lines = data.split(b"\n", 4)
    c2w = tw.matrix([float(v) for v in lines[1].split()[2:18]])
    rgb = np.frombuffer(data[-tw.WIDTH * tw.HEIGHT * 3:], np.uint8).reshape(tw.HEIGHT, tw.WIDTH, 3)
    return torch.from_numpy(rgb / 255.0).float().permute(2, 0, 1).contiguous(), c2w


class TinyWorldServed(WorldModel):
    id = "tiny-world-torch"
    name = "Tiny world (PyTorch)"
    description = "The built-in tiny-world model's weights and step in PyTorch, for side-by-side comparison"
    params = []
    weights = WEIGHTS
    cache_frames = 4096

    def create(self, width, height, params):
        super().create(width, height, params)
        self.net = tw.load_ncnn(tw.TinyWorldNet(), self.weights + "/tiny-world.param",
                                self.weights + "/tiny-world.bin").eval()
        self.start = read_start(self.weights + "/start.ppm")
        self.reset(1, "")

    def set_param(self, name, value):
        raise ValueError("no parameter '%s'" % name)

    def reset(self, seed, prompt):
        self.previous = self.before = self.start
        self.cache = collections.OrderedDict()  # frame_index -> (picture, c2w)

    def sources(self, memory):
        """The context and up to two held memory pictures, with their cameras, in the host's order."""
        usable = [m for m in memory if m.get("frame_index") in self.cache and m.get("score", 0) > MINIMUM_PICK_SCORE]
        picked = [self.cache[m["frame_index"]] for m in usable][:2]
        self.memory_used = [int(m["entry_id"]) for m in usable][:2]
        slots = [self.previous, self.before] + picked + [None] * (2 - len(picked))
        return slots

    def step(self, cameras, ticks, memory, frame_indices):
        frames = []
        with torch.inference_mode():
            for i, camera in enumerate(cameras):
                target = camera.c2w.astype(np.float64)
                slots = self.sources(memory)
                present = [s is not None for s in slots]
                images = torch.stack([s[0] if s is not None else torch.zeros(3, tw.HEIGHT, tw.WIDTH) for s in slots])
                grids, masks, codes = tw.geometry_batch([target], [[s[1] if s else None for s in slots]], [present])
                made = tw.predict(self.net, images[None], torch.tensor([present], dtype=torch.float32), grids, masks,
                                  codes)[0]
                self.before, self.previous = self.previous, (made, target)
                index = int(frame_indices[i]) if i < len(frame_indices) else len(self.cache)
                held = (torch.round(made * 255.0) / 255.0, target)  # what the module's memory holds: 8 bits
                self.cache[index] = held
                while len(self.cache) > self.cache_frames:
                    self.cache.popitem(last=False)
                scaled = torch.nn.functional.interpolate(made[None], size=(self.height, self.width), mode="bilinear",
                                                         align_corners=False)[0]
                rgb = (scaled.clamp(0, 1) * 255.0).round().to(torch.uint8).permute(1, 2, 0).numpy()
                frames.append(np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255, np.uint8)], axis=2))
        return frames


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    parser.add_argument("--token", required=True)
    parser.add_argument("--weights", default=WEIGHTS, help="the folder with tiny-world.param, .bin and start.ppm")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    TinyWorldServed.weights = args.weights
    serve(TinyWorldServed, host=args.host, port=args.port, token=args.token)
