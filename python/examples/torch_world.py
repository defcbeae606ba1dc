#!/usr/bin/python3
"""A small world model in PyTorch, served to Mnemo: an analytic scene (a checkered ground, spheres and boxes laid out
from the reset seed, a sun with hard shadows, distance fog) ray-cast for every pixel of the host's cameras with torch
tensor ops, and a memory that makes revisits consistent. Each object is intersected only over the pixels its bounds
project to (and, for shadows, the bounds of the volume it shades), so the cost grows with what is on screen.

What makes it a stand-in for a generative world model is its drift: the colours of every surface are modulated by a
slow, world-anchored "paint" field that changes with the frame index (the `drift` parameter), the way an
autoregressive model forgets what a place looked like. Memory undoes that:

- every frame it generates is kept on the model side (RGB and camera-space depth), keyed by the host's frame index;
- at each step it takes the host's memory picks (entry_id, frame_index, score, covered, camera) in score order, and
  for each pick whose frame it still holds, reprojects that remembered frame into the new view: each pixel's world
  hit point is projected into the pick's camera, a depth test against the remembered depth keeps only what that
  frame really saw, and the remembered colour is blended in (the `recall` parameter) where no better pick already
  filled the pixel. A place seen before therefore comes back looking as it did then, not as the drift has it now;
- `memory` = Recall and mark also tints the recalled regions (one hue per pick), Mark only tints without recalling,
  Ignore renders without memory. Unless Ignore, a strip along the bottom shows the picks: one cell per pick, its width
  the share of the view it covered, brighter for a higher score, green when the model held that frame and recalled
  it, red when it did not (a pick from a bank loaded from disk, or from before a reset).

The cache is model state, per connection: it is cleared by reset and holds at most --cache frames (least recently
generated or recalled first out; about 1.2 MB a frame at 640x360). The studio's retrieval does not offer the most
recent frames (they are a model's context window), so the cache has to reach back further than that. Same create parameters, same reset, same cameras, frame indices and memory picks in
the same order give bit-identical frames (on one device; CPU and CUDA frames differ in the last bits). Controller
ticks are not used: the host's cameras already carry them.

    /usr/bin/python3 python/examples/torch_world.py --port 7070 --token secret
    build/bin/mnemo-cli run --engine ws://127.0.0.1:7070 --token secret --frames 60 --out frames/
"""

import argparse
import collections
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from mnemo_engine import Param, WorldModel, serve  # noqa: E402

MEMORY_MODES = ["Recall", "Recall and mark", "Mark only", "Ignore"]
SKY_DEPTH = 6.0e4  # camera-space depth kept for sky pixels (fits float16)
MARK_HUES = [(0.25, 0.55, 1.0), (1.0, 0.45, 0.9), (1.0, 0.8, 0.2), (0.3, 1.0, 0.9)]


class TorchWorld(WorldModel):
    id = "torch-world"
    name = "Torch World"
    description = ("Spheres and boxes on a checkered ground, ray-cast in PyTorch, with a drifting world-space paint "
                   "that the memory picks pin back: revisited places are reprojected from the frames they were seen in")
    params = [Param("drift", "Drift", "How much surfaces change colour over time when nothing remembers them",
                    type="float", min=0, max=1, default=0.5),
              Param("recall", "Recall", "How strongly a remembered frame replaces the drifted colours where it saw "
                    "the same surface", type="float", min=0, max=1, default=0.85),
              Param("memory", "Memory", "What the memory picks do", type="enum", enum_values=MEMORY_MODES, min=0,
                    max=len(MEMORY_MODES) - 1, default=0),
              Param("sun", "Sun azimuth", "Degrees", type="float", min=0, max=360, default=40),
              Param("tile", "Tile size", "Checker tile size, world units", type="float", min=0.25, max=8, default=2)]

    device = torch.device("cpu")
    cache_frames = 256

    # -- parameters ---------------------------------------------------------------------------------------------
    def create(self, width, height, params):
        self.drift, self.recall, self.memory, self.sun, self.tile = 0.5, 0.85, 0, 40.0, 2.0
        super().create(width, height, params)
        dev = self.device
        ys, xs = torch.meshgrid(torch.arange(height, dtype=torch.float32, device=dev),
                                torch.arange(width, dtype=torch.float32, device=dev), indexing="ij")
        self.pixels = torch.stack([xs + 0.5, ys + 0.5, torch.ones_like(xs)], dim=-1)  # (h, w, 3)
        self.reset(1, "")

    def set_param(self, name, value):
        spec = {p.name: p for p in self.params}.get(name)
        if spec is None:
            raise ValueError("no parameter '%s'" % name)
        value = float(value)
        if spec.type == "enum" and not (0 <= value < len(spec.enum_values) and value == int(value)):
            raise ValueError("%s must be one of 0..%d (%s), not %g" % (name, len(spec.enum_values) - 1,
                                                                     ", ".join(spec.enum_values), value))
        if spec.type != "enum" and not (spec.min <= value <= spec.max):
            raise ValueError("%s must be within [%g, %g], not %g" % (name, spec.min, spec.max, value))
        setattr(self, name, int(round(value)) if spec.type == "enum" else value)

    def reset(self, seed, prompt):
        """A new layout from the seed, and an empty memory (old frame indices no longer name these frames)."""
        self.seed = int(seed)
        g = torch.Generator().manual_seed(self.seed)

        def ring():  # a place 3..14 units around the start pose (0, 1.7, 0), which looks along +z
            ang = float(torch.rand(1, generator=g)) * 2 * math.pi
            rad = 3.0 + float(torch.rand(1, generator=g)) * 11.0
            return rad * math.sin(ang), rad * math.cos(ang)
        self.objects = []  # (kind, AABB lo, AABB hi, a tensor of the shape's numbers)
        for _ in range(7):
            x, z = ring()
            r = 0.4 + float(torch.rand(1, generator=g)) * 1.1
            c = [x, r + float(torch.rand(1, generator=g)) * 0.6, z]
            self.objects.append(("sphere", [v - r for v in c], [v + r for v in c],
                                 torch.tensor(c + [r], device=self.device)))
        for _ in range(5):
            x, z = ring()
            half = [0.4 + float(torch.rand(1, generator=g)) * s for s in (0.8, 1.6, 0.8)]
            lo, hi = [x - half[0], 0.0, z - half[2]], [x + half[0], 2 * half[1], z + half[2]]
            self.objects.append(("box", lo, hi, torch.tensor(lo + hi, device=self.device)))
        self.albedo = (0.25 + 0.7 * torch.rand(len(self.objects), 3, generator=g)).to(self.device)
        self.paint_key = int(torch.randint(0, 2 ** 31 - 1, (1,), generator=g))
        self.paint_textures = {}
        self.cache = collections.OrderedDict()  # frame_index -> (rgb uint8 (h, w, 3), depth float16 (h, w), camera)
        self.counter = 0

    # -- geometry -----------------------------------------------------------------------------------------------
    def screen_rect(self, lo, hi, rot, origin, camera):
        """The pixels an axis-aligned box can cover in this camera (rows, columns as slices), or None."""
        corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
        q = (corners - origin) @ rot
        front = q[:, 2] > 0.05
        if not front.any():
            return None
        if not front.all():
            return slice(0, self.height), slice(0, self.width)
        u, v = camera.fx * q[:, 0] / q[:, 2] + camera.cx, camera.fy * q[:, 1] / q[:, 2] + camera.cy
        x0, x1 = max(0, int(math.floor(u.min())) - 1), min(self.width, int(math.ceil(u.max())) + 2)
        y0, y1 = max(0, int(math.floor(v.min())) - 1), min(self.height, int(math.ceil(v.max())) + 2)
        if x0 >= x1 or y0 >= y1:
            return None
        return slice(y0, y1), slice(x0, x1)

    @staticmethod
    def sphere_hit(o, d, shape):
        """Rays o + t d (d unit) against one sphere: (t of the near hit, whether it is hit in front)."""
        oc = o - shape[:3]
        b = (d * oc).sum(-1)
        disc = b * b - ((oc * oc).sum(-1) - shape[3] ** 2)
        return -b - torch.sqrt(disc.clamp(min=0)), (disc > 0) & (b < 0)  # outside the sphere: both roots share a sign

    @staticmethod
    def box_hit(o, d, shape):
        """Rays against one box (slab test): (t of the entry, whether it is hit in front, the entry face's axis)."""
        inv = 1.0 / torch.where(d.abs() < 1e-9, torch.full_like(d, 1e-9), d)
        t1, t2 = (shape[:3] - o) * inv, (shape[3:] - o) * inv
        near, axis = torch.minimum(t1, t2).max(dim=-1)
        far = torch.maximum(t1, t2).min(dim=-1).values
        return near, (far >= near) & (near > 1e-4), axis

    def paint(self, p, frame_index):
        """The drift: a smooth world-space colour field over x, z (value noise, 2.5 units a cell over 120 x 120
        units, mirrored beyond) that slides from one random texture to the next every 24 frames; the textures are
        seeded by the layout and the epoch, so the same frame index always gets the same paint."""
        epoch, frac = divmod(frame_index, 24)
        s = frac / 24.0
        s = s * s * (3 - 2 * s)
        textures = []
        for e in (epoch, epoch + 1):
            if e not in self.paint_textures:
                g = torch.Generator().manual_seed((self.paint_key * 1000003 + e) % (2 ** 63))
                tex = torch.rand(1, 3, 49, 49, generator=g) * 2 - 1
                tex = torch.nn.functional.avg_pool2d(tex, 3, stride=1, padding=1, count_include_pad=False) * 2.5
                self.paint_textures[e] = tex.clamp(-1, 1).to(self.device)
            textures.append(self.paint_textures[e])
        for old in [k for k in self.paint_textures if k < epoch]:
            del self.paint_textures[old]
        grid = torch.stack([p[..., 0], p[..., 2]], dim=-1)[None] / 60.0
        field = torch.nn.functional.grid_sample(torch.cat(textures, dim=1), grid, mode="bilinear",
                                                padding_mode="reflection", align_corners=False)[0]
        return (field[:3] * (1 - s) + field[3:] * s).permute(1, 2, 0)

    # -- rendering ----------------------------------------------------------------------------------------------
    def render(self, camera, frame_index):
        """One frame: (rgb float (h, w, 3), world hit points (h, w, 3), hit mask, camera-space depth)."""
        dev = self.device
        rot, origin = camera.c2w[:3, :3].astype(np.float64), camera.c2w[:3, 3].astype(np.float64)
        c2w = torch.from_numpy(camera.c2w).to(dev)
        o = c2w[:3, 3]
        k_inv = torch.tensor([[1 / camera.fx, 0, -camera.cx / camera.fx], [0, 1 / camera.fy, -camera.cy / camera.fy],
                              [0, 0, 1]], dtype=torch.float32, device=dev)
        raw = self.pixels @ (c2w[:3, :3] @ k_inv).T  # world directions whose camera-space z is 1
        norm = raw.norm(dim=-1)
        d = raw / norm[..., None]

        # Primary rays: the ground, then each object over the pixels its bounds project to.
        t = torch.full_like(norm, math.inf)
        if origin[1] > 0:
            t = torch.where(d[..., 1] < -1e-6, -o[1] / d[..., 1].clamp(max=-1e-6), t)
        n = torch.zeros_like(d)
        n[..., 1] = 1
        obj = torch.full(t.shape, -1, dtype=torch.long, device=dev)
        for k, (kind, lo, hi, shape) in enumerate(self.objects):
            rect = self.screen_rect(lo, hi, rot, origin, camera)
            if rect is None:
                continue
            dd = d[rect]
            if kind == "sphere":
                tt, ok = self.sphere_hit(o, dd, shape)
                nn = (o + dd * tt[..., None] - shape[:3]) / shape[3]
            else:
                tt, ok, axis = self.box_hit(o, dd, shape)
                nn = torch.nn.functional.one_hot(axis, 3).to(dd.dtype) * -torch.sign(dd)
            closer = ok & (tt < t[rect])
            t[rect] = torch.where(closer, tt, t[rect])
            n[rect] = torch.where(closer[..., None], nn, n[rect])
            obj[rect] = torch.where(closer, torch.full_like(obj[rect], k), obj[rect])
        hit = torch.isfinite(t)
        t = torch.where(hit, t, torch.zeros_like(t))
        p = o + d * t[..., None]

        # Albedo: the checker or the object's colour, times the drifting paint.
        checker = ((torch.floor(p[..., 0] / self.tile) + torch.floor(p[..., 2] / self.tile)) % 2)[..., None]
        a = torch.cat([0.25 + 0.35 * checker, 0.45 + 0.3 * checker, 0.2 + 0.1 * checker], dim=-1)
        a = torch.where((obj >= 0)[..., None], self.albedo[obj.clamp(min=0)], a)
        if self.drift > 0:
            a = (a * (1 + self.drift * self.paint(p, frame_index))).clamp(0, 1)

        # The sun, with hard shadows: a shadow ray can only meet an object from inside the volume the object sweeps
        # towards the ground, away from the sun, so each object is tested over that volume's pixels only.
        az = math.radians(self.sun)
        sun_np = np.array([math.sin(az) * 0.6, 0.75, math.cos(az) * 0.6])
        sun_np /= np.linalg.norm(sun_np)
        sun = torch.tensor(sun_np, dtype=torch.float32, device=dev)
        lit = (n * sun).sum(-1).clamp(min=0)
        so = p + n * 1e-3
        shadow = torch.zeros_like(hit)
        for kind, lo, hi, shape in self.objects:
            drop = sun_np * (hi[1] / sun_np[1])
            rect = self.screen_rect(np.minimum(lo, np.array(lo) - drop), np.maximum(hi, np.array(hi) - drop), rot,
                                    origin, camera)
            if rect is None:
                continue
            hit_fn = self.sphere_hit if kind == "sphere" else self.box_hit
            shadow[rect] |= hit_fn(so[rect], sun, shape)[1]
        shade = 0.35 + 0.65 * lit * (~shadow).to(lit.dtype)

        # Sky, sun disc, distance fog.
        up = (-d[..., 1]).clamp(0, 1)[..., None]
        sky = torch.cat([0.5 + 0.3 * up, 0.7 + 0.2 * up, torch.ones_like(up)], dim=-1)
        sky = sky + (((d * sun).sum(-1) > 0.995).to(sky.dtype) * 0.6)[..., None]
        fade = (1.0 - t / 150.0).clamp(0.15, 1.0)[..., None]
        rgb = torch.where(hit[..., None], a * shade[..., None] * fade + sky * (1 - fade), sky).clamp(0, 1)
        depth = torch.where(hit, t / norm, torch.full_like(t, SKY_DEPTH))  # camera-space z
        return rgb, p, hit, depth

    def recall_from(self, pick, p, hit):
        """The remembered frame of one pick reprojected into this view: (rgb (h, w, 3), visible (h, w) bool)."""
        rgb_m, depth_m, (c2w_m, (fx, fy, cx, cy)) = self.cache[pick["frame_index"]]
        cam = pick.get("camera")  # the camera the host recorded with the frame (the one we kept, when followed)
        if cam is not None:
            c2w_m = torch.from_numpy(cam.c2w).to(self.device)
            fx, fy, cx, cy = cam.fx, cam.fy, cam.cx, cam.cy
        q = (p - c2w_m[:3, 3]) @ c2w_m[:3, :3]  # world to the pick's camera (OpenCV axes)
        z = q[..., 2]
        zs = z.clamp(min=1e-3)
        u, v = fx * q[..., 0] / zs + cx, fy * q[..., 1] / zs + cy
        inside = hit & (z > 0.05) & (u >= 0) & (u < self.width) & (v >= 0) & (v < self.height)
        grid = torch.stack([u / self.width * 2 - 1, v / self.height * 2 - 1], dim=-1)[None]
        grid = torch.where(inside[None, ..., None], grid, torch.full_like(grid, -2.0))
        src = rgb_m.permute(2, 0, 1)[None].float() / 255.0
        col = torch.nn.functional.grid_sample(src, grid, mode="bilinear", padding_mode="border",
                                              align_corners=False)[0].permute(1, 2, 0)
        dm = torch.nn.functional.grid_sample(depth_m[None, None].float(), grid, mode="nearest",
                                             padding_mode="border", align_corners=False)[0, 0]
        visible = inside & ((dm - z).abs() < 0.02 * z + 0.05)
        return col, visible

    def step(self, cameras, ticks, memory, frame_indices):
        picks = sorted(memory, key=lambda m: (-float(m.get("score", 0)), int(m.get("entry_id", 0))))
        mode = MEMORY_MODES[min(max(self.memory, 0), len(MEMORY_MODES) - 1)]
        frames = []
        self.memory_used = []  # the picks this step recalled, reported to the studio
        with torch.inference_mode():
            for i, camera in enumerate(cameras):
                index = int(frame_indices[i]) if i < len(frame_indices) else self.counter
                self.counter = index + 1
                rgb, p, hit, depth = self.render(camera, index)
                filled = torch.zeros_like(hit)
                marks = []
                held = []
                if mode != "Ignore":
                    for pick in picks:
                        ok = pick.get("frame_index") in self.cache
                        held.append(ok)
                        if not ok or len(marks) >= 4:
                            continue
                        self.cache.move_to_end(pick["frame_index"])
                        col, visible = self.recall_from(pick, p, hit)
                        take = visible & ~filled
                        if mode != "Mark only":
                            w = (self.recall * take.float())[..., None]
                            rgb = rgb * (1 - w) + col * w
                        marks.append(take)
                        filled |= visible
                        if int(pick.get("entry_id", 0)) not in self.memory_used:
                            self.memory_used.append(int(pick.get("entry_id", 0)))
                rgb8 = (rgb * 255.0 + 0.5).clamp(0, 255).to(torch.uint8)
                self.remember(index, rgb8, depth, camera)
                out = rgb8
                if mode != "Ignore":
                    out = self.overlay(rgb, marks, picks, held, mode)
                frame = torch.cat([out, torch.full_like(out[..., :1], 255)], dim=-1)
                frames.append(frame.cpu().numpy())
        return frames

    def remember(self, index, rgb8, depth, camera):
        self.cache[index] = (rgb8, depth.to(torch.float16),
                             (torch.from_numpy(camera.c2w).to(self.device), (camera.fx, camera.fy, camera.cx,
                                                                              camera.cy)))
        self.cache.move_to_end(index)
        while len(self.cache) > self.cache_frames:
            self.cache.popitem(last=False)

    def overlay(self, rgb, marks, picks, held, mode):
        """What the user sees on top of the kept frame: tinted recalled regions, and the strip of picks."""
        rgb = rgb.clone()
        if mode != "Recall":
            for k, take in enumerate(marks):
                hue = torch.tensor(MARK_HUES[k % len(MARK_HUES)], device=self.device)
                rgb = torch.where(take[..., None], rgb * 0.6 + hue * 0.4, rgb)
        strip = max(2, self.height // 40)
        rgb[-strip:] *= 0.33
        cell = self.width // 16
        for k, pick in enumerate(picks[:16]):
            x0 = k * cell
            span = max(1, int(round((cell - 1) * min(1.0, max(0.0, float(pick.get("covered", 0)))))))
            level = 0.3 + 0.7 * min(1.0, max(0.0, float(pick.get("score", 0))))
            colour = torch.tensor([0.2, 1.0, 0.3] if held[k] else [1.0, 0.25, 0.2], device=self.device) * level
            rgb[-strip:, x0:x0 + span] = colour
        return (rgb * 255.0 + 0.5).clamp(0, 255).to(torch.uint8)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    parser.add_argument("--token", required=True)
    parser.add_argument("--device", default="auto", help="auto (cuda when there is one), cpu or cuda")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--cache", type=int, default=256, help="frames the model keeps for recall")
    args = parser.parse_args()
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS, before CUDA starts
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.benchmark = False
    TorchWorld.device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                                     "cpu" if args.device == "auto" else args.device)
    TorchWorld.cache_frames = max(1, args.cache)
    serve(TorchWorld, host=args.host, port=args.port, token=args.token)
