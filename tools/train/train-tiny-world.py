#!/usr/bin/python3
"""Trains Mnemo's tiny-world model (python/tiny_world.py) on data from tools/train/make-data.sh.

    /usr/bin/python3 tools/train/train-tiny-world.py DATA OUTDIR [--steps 14000] [--batch 32] [--seed 1]
        [--threads 1] [--max-minutes 0] [--export assets/tiny-world] [--export-only]

Reproducible from the seed on one machine (PyTorch's CPU kernels are deterministic with a fixed thread count),
resumable (OUTDIR/checkpoint.pt is written every 250 steps and on --max-minutes; run the same command again to go on),
and writes OUTDIR/loss.png and OUTDIR/log.jsonl. With --export DIR the weights go to DIR/tiny-world.param and .bin,
the runtime's format, with DATA/start.ppm (the start picture make-data.sh renders) and DIR/training.json (the steps
done of those planned, the time, the loss, the seed, the machine); --export-only exports the checkpoint as it is.

Training samples a target frame, its two previous frames (the context, with a little noise so the model learns to
work from its own imperfect output) and the memory the host's retrieval would pick for it (python/tiny_world.py,
pick_memory): no memory in 30% of samples (so the same weights are the memory-off baseline), one memory in 15%.
After a quarter of the steps, half of the samples replace the previous frame with the model's own prediction of it (made
without gradient from the frames before it): rolled out, the model sees its own frames, and learns to correct them.
"""
import argparse
import json
import math
import os
import platform
import shutil
import sys
import time

import numpy as np
import torch
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import tiny_world as tw  # noqa: E402
import mnemo_ncnn  # noqa: E402


def load_episode(path):
    rows = [json.loads(line) for line in open(os.path.join(path, "frames.jsonl"))]
    images = np.stack([np.asarray(Image.open(os.path.join(path, r["image"])).convert("RGB")) for r in rows])
    if images.shape[1:3] != (tw.HEIGHT, tw.WIDTH):
        raise SystemExit("train: %s has %dx%d frames; the model is %dx%d (make-data --size %dx%d)"
                         % (path, images.shape[2], images.shape[1], tw.WIDTH, tw.HEIGHT, tw.WIDTH, tw.HEIGHT))
    cameras = np.stack([tw.matrix(r["c2w"]) for r in rows])
    return images, cameras


def load_data(data_dir):
    cache = os.path.join(data_dir, "tiny-world-cache.npz")
    names = sorted(n for n in os.listdir(data_dir) if n.startswith("episode_"))
    if not names:
        raise SystemExit("train: no episode_* folders in %s (make them with tools/train/make-data.sh)" % data_dir)
    if os.path.exists(cache):
        z = np.load(cache)
        if list(z["names"]) == names and z["images"].shape[2:4] == (tw.HEIGHT, tw.WIDTH):
            return list(z["images"]), list(z["cameras"])
    episodes = [load_episode(os.path.join(data_dir, n)) for n in names]
    images = np.stack([e[0] for e in episodes])
    cameras = np.stack([e[1] for e in episodes])
    np.savez(cache, names=np.array(names), images=images, cameras=cameras)
    return list(images), list(cameras)


class Sampler:
    def __init__(self, images, cameras, rng):
        self.images, self.cameras, self.rng = images, cameras, rng
        self.memory = {}

    def picks(self, e, t):
        key = (e, t)
        if key not in self.memory:
            self.memory[key] = tw.pick_memory(self.cameras[e], t)
        return self.memory[key]

    def batch(self, episodes, size):
        """`size` rows of (episode, target frame t, [memory frame or -1, memory frame or -1]); the context is
        t-1 and t-2 (t-3 too when self-conditioning predicts t-1)."""
        rows = []
        for _ in range(size):
            e = int(self.rng.choice(episodes))
            t = int(self.rng.integers(3, len(self.images[e])))
            mem = self.picks(e, t)
            r = self.rng.random()
            keep = 0 if r < 0.30 else (1 if r < 0.45 else 2)
            mem = (mem[:keep] + [-1, -1])[:2]
            rows.append((e, t, mem))
        return rows


def tensors(images, cameras, rows, shift, rng, noise):
    """Sources and geometry for predicting frame t - shift of each row (shift 1: the frame before the target)."""
    imgs, present, targets, sources = [], [], [], []
    for e, t, mem in rows:
        target = t - shift
        idx = [target - 1, target - 2] + mem
        have = [True, True] + [m >= 0 for m in mem]
        frames = np.zeros((tw.SOURCES, tw.HEIGHT, tw.WIDTH, 3), np.float32)
        for s, (i, ok) in enumerate(zip(idx, have)):
            if ok:
                frames[s] = images[e][i] / 255.0
        if noise:
            sigma = rng.uniform(0.0, 0.04)
            frames += rng.normal(0.0, 1.0, frames.shape).astype(np.float32) * sigma
        imgs.append(np.clip(frames, 0.0, 1.0))
        present.append(have)
        targets.append(cameras[e][target])
        sources.append([cameras[e][i] if ok else None for i, ok in zip(idx, have)])
    grids, masks, codes = tw.geometry_batch(targets, sources, present)
    x = torch.from_numpy(np.stack(imgs)).permute(0, 1, 4, 2, 3).contiguous()
    return x, torch.tensor(present, dtype=torch.float32), grids, masks, codes


def truth(images, rows, shift=0):
    return torch.from_numpy(np.stack([images[e][t - shift] for e, t, _ in rows])).permute(0, 3, 1, 2).float() / 255.0


def loss_png(history, path):
    w, h, pad = 900, 420, 50
    img = Image.new("RGB", (w, h), (24, 26, 30))
    d = ImageDraw.Draw(img)
    if len(history) >= 2:
        steps = [p["step"] for p in history]
        vals = [math.log10(max(p["loss"], 1e-5)) for p in history]
        lo, hi = min(vals), max(vals)
        hi = hi if hi > lo else lo + 1
        pts = [(pad + (s - steps[0]) / max(steps[-1] - steps[0], 1) * (w - 2 * pad),
                h - pad - (v - lo) / (hi - lo) * (h - 2 * pad)) for s, v in zip(steps, vals)]
        d.line(pts, fill=(255, 190, 80), width=2)
        d.text((pad, h - pad + 10), "step %d" % steps[0], fill=(200, 200, 200))
        d.text((w - pad - 80, h - pad + 10), "step %d" % steps[-1], fill=(200, 200, 200))
        d.text((5, pad - 15), "L1 %.4f" % 10 ** hi, fill=(200, 200, 200))
        d.text((5, h - pad - 5), "L1 %.4f" % 10 ** lo, fill=(200, 200, 200))
    d.text((pad, 10), "tiny-world training loss (L1, log scale)", fill=(230, 230, 230))
    img.save(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data")
    ap.add_argument("out")
    ap.add_argument("--steps", type=int, default=14000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--max-minutes", type=float, default=0.0, help="stop (resumably) after this long; 0: no limit")
    ap.add_argument("--export", default="", help="write the final weights here in the runtime's format")
    ap.add_argument("--export-only", action="store_true", help="export the checkpoint without training further")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    images, cameras = load_data(a.data)
    episodes = list(range(len(images)))
    train_eps = episodes[:-1] if len(episodes) > 1 else episodes

    net = tw.TinyWorldNet()
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    rng = np.random.default_rng(a.seed)
    step, history = 0, []
    ckpt_path = os.path.join(a.out, "checkpoint.pt")
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        net.load_state_dict(ck["net"])
        opt.load_state_dict(ck["opt"])
        step, history = ck["step"], ck["history"]
        rng.bit_generator.state = ck["rng"]
        torch.set_rng_state(ck["torch_rng"])
        print("train: resumed at step %d" % step, file=sys.stderr)
    sampler = Sampler(images, cameras, rng)

    def save():
        torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "step": step, "history": history,
                    "rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(), "args": vars(a)},
                   ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)
        loss_png(history, os.path.join(a.out, "loss.png"))

    begin = start = time.time()
    running, count = 0.0, 0
    log = open(os.path.join(a.out, "log.jsonl"), "a")
    while step < a.steps and not a.export_only:
        lr = a.lr * 0.5 * (1 + math.cos(math.pi * step / a.steps)) + 1e-5
        for g in opt.param_groups:
            g["lr"] = lr
        rows = sampler.batch(train_eps, a.batch)
        x = tensors(images, cameras, rows, 0, rng, True)
        if step >= 0.25 * a.steps:
            # Self-conditioning: half the batch sees the model's own previous frame in place of the true one.
            with torch.no_grad():
                own = tw.predict(net, *tensors(images, cameras, rows, 1, rng, True))
            use = torch.from_numpy(rng.random(len(rows)) < 0.5)
            x[0][use, 0] = own[use]
        pred = tw.predict(net, *x)
        loss = (pred - truth(images, rows)).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        running += loss.item()
        count += 1
        if step % 50 == 0:
            entry = {"step": step, "loss": running / count, "lr": lr, "seconds": round(time.time() - start, 1)}
            history.append(entry)
            log.write(json.dumps(entry) + "\n")
            log.flush()
            print("train: step %d loss %.4f (%.1f samples/s)" % (step, running / count,
                                                               count * a.batch / (time.time() - start)),
                  file=sys.stderr)
            running, count, start = 0.0, 0, time.time()
        if step % 250 == 0:
            save()
        if a.max_minutes and (time.time() - begin) / 60 > a.max_minutes:
            break
    if not a.export_only:
        save()
    if a.export:
        export(net, a, step, history)


def export(net, a, step, history):
    start = os.path.join(a.data, "start.ppm")
    if not os.path.exists(start):
        raise SystemExit("train: no %s to export with the weights (make-data.sh renders it)" % start)
    if step < a.steps:
        print("train: exporting a partial run: step %d of %d" % (step, a.steps), file=sys.stderr)
    os.makedirs(a.export, exist_ok=True)
    net.eval()
    mnemo_ncnn.export_module(net, os.path.join(a.export, "tiny-world.param"), os.path.join(a.export, "tiny-world.bin"))
    shutil.copyfile(start, os.path.join(a.export, "start.ppm"))
    minutes = sum(float(h.get("seconds", 0)) for h in history) / 60.0
    info = {"steps": step, "steps_planned": a.steps, "batch": a.batch, "seed": a.seed, "threads": a.threads,
            "training_minutes": round(minutes, 1), "final_loss": history[-1]["loss"] if history else None,
            "torch": torch.__version__, "machine": platform.platform(), "processor": platform.processor() or None,
            "data": os.path.abspath(a.data)}
    with open(os.path.join(a.export, "training.json"), "w") as f:
        json.dump(info, f, indent=1)
    print("train: exported to %s" % a.export, file=sys.stderr)


if __name__ == "__main__":
    main()
