#!/usr/bin/python3
"""An edit model in PyTorch, served to Mnemo: edge-aware smoothing, a colour grade and a temporal blend, each frame
through a chain of torch ops.

1. Smoothing: a separable Gaussian blur (two grouped conv2d passes, `smooth` = sigma in pixels), then the detail the
   blur removed is put back where it is large (`edges`: 0 smooths all but the strongest edges, 1 keeps every edge),
   a cheap bilateral-like filter that flattens noise and texture but not outlines.
2. Grade: one of four looks (`look`: Warm, Teal and orange, Bleach bypass, Mono) mixed in by `strength`.
3. Temporal blend: the previous output is blended in by `temporal` (0 off, 1 the most). The module declares
   follows_source_flow, so the host also sends the source frames and their backward optical flow: the previous
   output is warped along that flow before blending, pixels whose flow leaves the frame are not blended, and the
   warped history is clamped to the range of each pixel's 3x3 neighbourhood in the new frame (as temporal
   anti-aliasing does), so moving edges do not ghost. A frame without flow starts a new stream: the history is
   dropped. With --no-flow the module does not ask for flow and blends the unwarped previous output.

Deterministic: the same parameters and the same frames (and flows) in the same order give bit-identical output (on
one device). The alpha channel passes through.

    /usr/bin/python3 python/examples/torch_edit.py --port 7071 --token secret
    then in the studio: Edit, Add module, Remote module (ws://)..., ws://127.0.0.1:7071 and the token
"""

import argparse
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from mnemo_engine import EditModel, Param, serve  # noqa: E402

LOOKS = ["Warm", "Teal and orange", "Bleach bypass", "Mono"]
LUMA = (0.2126, 0.7152, 0.0722)


class TorchEdit(EditModel):
    id = "torch-edit"
    name = "Torch Edit"
    description = "Edge-aware smoothing, a colour grade and a flow-warped temporal blend, in PyTorch"
    follows_source_flow = True
    params = [Param("smooth", "Smoothing", "Gaussian sigma, pixels (0: none)", type="float", min=0, max=6,
                    default=1.5),
              Param("edges", "Edge keeping", "0: smooth all but the strongest edges; 1: keep every edge",
                    type="float", min=0, max=1, default=0.5),
              Param("look", "Look", "The colour grade", type="enum", enum_values=LOOKS, min=0, max=len(LOOKS) - 1,
                    default=1),
              Param("strength", "Strength", "How much of the grade is applied", type="float", min=0, max=1,
                    default=0.7),
              Param("temporal", "Temporal", "How much of the previous output is blended in (along the flow)",
                    type="float", min=0, max=1, default=0.5)]

    device = torch.device("cpu")

    def create(self, width, height, params):
        self.smooth, self.edges, self.look, self.strength, self.temporal = 1.5, 0.5, 1, 0.7, 0.5
        super().create(width, height, params)
        dev = self.device
        ys, xs = torch.meshgrid(torch.arange(height, dtype=torch.float32, device=dev),
                                torch.arange(width, dtype=torch.float32, device=dev), indexing="ij")
        self.pixel_xy = torch.stack([xs, ys], dim=-1)  # (h, w, 2), pixel indices
        self.luma = torch.tensor(LUMA, device=dev).view(1, 3, 1, 1)
        self.history = None  # the previous output, (1, 3, h, w) float

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
        self.history = None

    # -- the op chain -------------------------------------------------------------------------------------------
    def blur(self, x):
        if self.smooth <= 0.05:
            return x
        r = max(1, int(math.ceil(3 * self.smooth)))
        k = torch.exp(-0.5 * (torch.arange(-r, r + 1, dtype=torch.float32, device=self.device) / self.smooth) ** 2)
        k = (k / k.sum()).repeat(3, 1, 1, 1)  # (3, 1, 1, 2r+1): one kernel per channel
        x = F.conv2d(F.pad(x, (r, r, 0, 0), mode="replicate"), k, groups=3)
        return F.conv2d(F.pad(x, (0, 0, r, r), mode="replicate"), k.transpose(2, 3), groups=3)

    def smoothing(self, x):
        base = self.blur(x)
        detail = x - base
        magnitude = (detail.abs() * self.luma).sum(1, keepdim=True)
        threshold = 0.005 + 0.12 * (1.0 - self.edges)
        keep = 1.0 - torch.exp(-(magnitude / threshold) ** 2)
        return base + detail * keep

    def grade(self, x):
        lum = (x * self.luma).sum(1, keepdim=True)
        look = LOOKS[self.look]
        if look == "Warm":
            g = x * torch.tensor([1.10, 1.02, 0.86], device=self.device).view(1, 3, 1, 1) + 0.02
        elif look == "Teal and orange":
            teal = torch.tensor([0.0, 0.45, 0.55], device=self.device).view(1, 3, 1, 1)
            orange = torch.tensor([1.0, 0.6, 0.3], device=self.device).view(1, 3, 1, 1)
            tone = teal * (1 - lum) + orange * lum
            g = lum + 1.2 * (x - lum) + 0.25 * (tone - 0.5)  # teal shadows, orange highlights, more saturation
        elif look == "Bleach bypass":
            g = 0.4 * x + 0.6 * lum
            g = g + 0.6 * (g - 0.5) * g * (1 - g) * 4  # contrast around mid-grey
        else:
            g = lum.expand_as(x)
        s = g.clamp(0, 1)
        g = s * s * (3 - 2 * s) * 0.35 + s * 0.65  # a gentle S-curve for every look
        return x + (g - x) * self.strength

    def warp(self, history, flow):
        """The previous output moved to this frame along the backward flow (for pixel p of frame t, it came from
        p + flow[p] in frame t-1); returns it and where that source lies inside the frame."""
        at = self.pixel_xy + torch.from_numpy(np.array(flow, dtype=np.float32)).to(self.device)
        inside = (at[..., 0] > -0.5) & (at[..., 0] < self.width - 0.5) & (at[..., 1] > -0.5) & \
            (at[..., 1] < self.height - 0.5)
        grid = torch.stack([(at[..., 0] + 0.5) / self.width * 2 - 1, (at[..., 1] + 0.5) / self.height * 2 - 1], -1)
        moved = F.grid_sample(history, grid[None], mode="bilinear", padding_mode="border", align_corners=False)
        return moved, inside[None, None].float()

    @staticmethod
    def neighbourhood(x, pick):
        """The 3x3 minimum or maximum of each pixel, separably over shifted views (max_pool2d is slower on CPU)."""
        p = F.pad(x, (1, 1, 1, 1), mode="replicate")
        rows = pick(pick(p[..., :-2], p[..., 1:-1]), p[..., 2:])
        return pick(pick(rows[..., :-2, :], rows[..., 1:-1, :]), rows[..., 2:, :])

    def temporal_blend(self, x, flow, use_flow):
        history, self.history = self.history, None
        if history is None or self.temporal <= 0:
            return x
        if use_flow:
            if flow is None:  # the first frame of a stream
                return x
            history, weight = self.warp(history, flow)
        else:
            weight = torch.ones_like(x[:, :1])
        low, high = self.neighbourhood(x, torch.minimum), self.neighbourhood(x, torch.maximum)
        history = torch.maximum(torch.minimum(history, high), low)
        w = self.temporal * 0.9 * weight  # never all history: the new frame always shows through
        return x + (history - x) * w

    def edit(self, frames, sources, flows):
        out = []
        with torch.inference_mode():
            for i, frame in enumerate(frames):
                x = torch.from_numpy(np.array(frame[..., :3])).to(self.device)  # a writable copy
                x = x.permute(2, 0, 1)[None].float() / 255.0
                y = self.grade(self.smoothing(x)).clamp(0, 1)
                use_flow = sources is not None and flows is not None
                y = self.temporal_blend(y, flows[i] if use_flow else None, use_flow)
                self.history = y
                rgb = (y[0].permute(1, 2, 0) * 255.0 + 0.5).clamp(0, 255).to(torch.uint8).cpu().numpy()
                result = np.empty((self.height, self.width, 4), dtype=np.uint8)
                result[..., :3] = rgb
                result[..., 3] = frame[..., 3]
                out.append(result)
        return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    parser.add_argument("--token", required=True)
    parser.add_argument("--device", default="auto", help="auto (cuda when there is one), cpu or cuda")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--no-flow", action="store_true",
                        help="do not ask the host for source frames and flow; blend the unwarped previous output")
    args = parser.parse_args()
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS, before CUDA starts
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.benchmark = False
    TorchEdit.device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                                    "cpu" if args.device == "auto" else args.device)
    TorchEdit.follows_source_flow = not args.no_flow
    serve(TorchEdit, host=args.host, port=args.port, token=args.token)
