#!/usr/bin/python3
"""A small world model in NumPy, served to Mnemo: a checkered ground plane under a sky, ray-cast from the host's
camera for every pixel, with a strip along the bottom that shows the memory picks the host retrieved (one cell per
pick, brighter for a higher score). Run it, then drive it from the studio or the CLI:

    /usr/bin/python3 python/examples/numpy_world.py --port 7070 --token secret
    build/bin/mnemo-cli run --engine ws://127.0.0.1:7070 --token secret --frames 60 --out frames/
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from mnemo_engine import Param, WorldModel, serve  # noqa: E402


class NumpyWorld(WorldModel):
    id = "numpy-world"
    name = "NumPy World"
    description = "A checkered ground under a sky, ray-cast in NumPy; the bottom strip shows the memory picks"
    params = [Param("tile", "Tile size", "Checker tile size, world units", type="float", min=0.25, max=8, default=2),
              Param("sky", "Sky brightness", type="float", min=0, max=1, default=0.8)]

    def create(self, width, height, params):
        self.tile, self.sky = 2.0, 0.8
        super().create(width, height, params)
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        self.pixels = np.stack([xs + 0.5, ys + 0.5, np.ones_like(xs)], axis=-1)  # (h, w, 3)

    def render(self, camera):
        k_inv = np.array([[1 / camera.fx, 0, -camera.cx / camera.fx], [0, 1 / camera.fy, -camera.cy / camera.fy],
                          [0, 0, 1]], dtype=np.float32)
        rays = self.pixels @ k_inv.T @ camera.c2w[:3, :3].T  # camera (OpenCV axes) to world directions
        origin = camera.position
        t = np.where(rays[..., 1] < -1e-4, -origin[1] / np.minimum(rays[..., 1], -1e-4), -1.0)  # the plane y = 0
        hit = origin + rays * t[..., None]
        checker = ((np.floor(hit[..., 0] / self.tile) + np.floor(hit[..., 2] / self.tile)) % 2).astype(np.float32)
        ground = np.stack([0.25 + 0.35 * checker, 0.45 + 0.3 * checker, 0.2 + 0.1 * checker], axis=-1)
        fade = np.clip(1.0 - t / 400.0, 0.2, 1.0)[..., None]
        up = np.clip(-rays[..., 1] / np.linalg.norm(rays, axis=-1), 0, 1)[..., None]
        sky = self.sky * np.concatenate([0.5 + 0.3 * up, 0.7 + 0.2 * up, np.ones_like(up)], axis=-1)
        rgb = np.where((t > 0)[..., None], ground * fade + sky * (1 - fade), sky)
        frame = np.empty((self.height, self.width, 4), dtype=np.uint8)
        frame[..., :3] = np.clip(rgb * 255.0 + 0.5, 0, 255).astype(np.uint8)
        frame[..., 3] = 255
        return frame

    def step(self, cameras, ticks, memory, frame_indices):
        frames = [self.render(c) for c in cameras]
        strip = max(2, self.height // 40)
        for f in frames:
            f[-strip:, :, :3] //= 3
            for i, pick in enumerate(memory[:16]):
                x0 = i * self.width // 16
                f[-strip:, x0:x0 + self.width // 16 - 1, :3] = int(80 + 175 * min(1.0, pick.get("score", 0)))
        return frames


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    serve(NumpyWorld, host=args.host, port=args.port, token=args.token)
