#!/usr/bin/python3
"""Trains Mnemo's tiny-world model (python/tiny_world.py) on data from tools/train/make-data.sh.

    /usr/bin/python3 tools/train/train-tiny-world.py DATA OUTDIR [--steps 14000] [--batch 32] [--lr 2e-3] [--seed 1]
        [--threads 1] [--init WEIGHTS] [--rollout 1] [--rollout-from 0.25] [--ema 0] [--snapshot-every 0]
        [--max-minutes 0] [--export assets/tiny-world] [--export-only]

Reproducible from the seed on one machine (PyTorch's CPU kernels are deterministic with a fixed thread count),
resumable (OUTDIR/checkpoint.pt is written every 250 steps and on --max-minutes; run the same command again to go on),
and writes OUTDIR/loss.png and OUTDIR/log.jsonl. With --export DIR the weights go to DIR/tiny-world.param and .bin,
the runtime's format, with DATA/start.ppm (the start picture make-data.sh renders) and DIR/training.json (the steps
done of those planned, the time, the loss, the seed, the machine, and with --init the record of the weights it
started from); --export-only exports the checkpoint as it is. --snapshot-every N exports to OUTDIR/snapshots/step-N
as it goes, for tools/train/select-tiny-world.py to choose among on validation tracks.

Training samples a target frame, its two previous frames (the context, with a little noise so the model learns to
work from its own imperfect output) and the memory the host's retrieval would pick for it (python/tiny_world.py,
pick_memory): no memory in 30% of samples (so the same weights are the memory-off baseline), one memory in 15%.
From --rollout-from (a share of the steps) on, half of the samples get a context the model made itself: it rolls out
K steps (K drawn from 1..--rollout per batch, without gradient, each frame from the two before it and its own memory
picks) and the target is predicted from its own last two frames. --rollout 1 is plain self-conditioning (the first
stage of the shipped weights); longer rollouts (the second stage, --init from the first) show the model the drift a
long walk builds up, which is when copying from memory pays.
"""
import argparse
import copy
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

    def batch(self, episodes, size, first=3):
        """`size` rows of (episode, target frame t, how many memory picks it keeps: 0, 1 or 2); the context is
        t-1 and t-2 (earlier frames too when a rollout makes them). t >= first."""
        rows = []
        for _ in range(size):
            e = int(self.rng.choice(episodes))
            t = int(self.rng.integers(first, len(self.images[e])))
            r = self.rng.random()
            rows.append((e, t, 0 if r < 0.30 else (1 if r < 0.45 else 2)))
        return rows


def tensors(images, cameras, sampler, rows, shift, rng, noise, own=None):
    """Sources and geometry for predicting frame t - shift of each row (shift 1: the frame before the target), with
    the memory retrieval would pick for that frame. own[i] maps frame indices of row i to the model's own pictures
    of them (H x W x 3 floats), used in place of the true frames."""
    imgs, present, targets, sources = [], [], [], []
    for i, (e, t, keep) in enumerate(rows):
        target = t - shift
        mem = (sampler.picks(e, target)[:keep] + [-1, -1])[:2]
        idx = [target - 1, target - 2] + mem
        have = [True, True] + [m >= 0 for m in mem]
        frames = np.zeros((tw.SOURCES, tw.HEIGHT, tw.WIDTH, 3), np.float32)
        for s, (j, ok) in enumerate(zip(idx, have)):
            if ok:
                frames[s] = own[i][j] if own and j in own[i] else images[e][j] / 255.0
        if noise:
            sigma = rng.uniform(0.0, 0.04)
            frames += rng.normal(0.0, 1.0, frames.shape).astype(np.float32) * sigma
        imgs.append(np.clip(frames, 0.0, 1.0))
        present.append(have)
        targets.append(cameras[e][target])
        sources.append([cameras[e][j] if ok else None for j, ok in zip(idx, have)])
    grids, masks, codes = tw.geometry_batch(targets, sources, present)
    x = torch.from_numpy(np.stack(imgs)).permute(0, 1, 4, 2, 3).contiguous()
    return x, torch.tensor(present, dtype=torch.float32), grids, masks, codes


def rollout(net, images, cameras, sampler, rows, steps, rng):
    """The model's own frames t-steps .. t-1 of each row, each made from the two before it (true ones before the
    rollout, its own after) and the memory retrieval picks for it, without gradient: the context a rollout hands the
    model at run time, drifted by `steps` steps of its own errors. Returns own (see tensors)."""
    own = [dict() for _ in rows]
    with torch.no_grad():
        for shift in range(steps, 0, -1):
            pred = tw.predict(net, *tensors(images, cameras, sampler, rows, shift, rng, True, own))
            pictures = pred.permute(0, 2, 3, 1).numpy()
            for i, (e, t, keep) in enumerate(rows):
                own[i][t - shift] = pictures[i]
    return own


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


def arguments():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data")
    ap.add_argument("out")
    ap.add_argument("--steps", type=int, default=14000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--init", default="", help="start from these exported weights (a folder with tiny-world.param "
                    "and .bin): a second stage of training")
    ap.add_argument("--rollout", type=int, default=1, help="the longest rollout that makes a sample's context")
    ap.add_argument("--rollout-from", type=float, default=0.25, help="share of the steps before rollouts begin")
    ap.add_argument("--ema", type=float, default=0.0, help="export an exponential moving average of the weights "
                    "with this decay (0: the weights as they are)")
    ap.add_argument("--snapshot-every", type=int, default=0, help="export the weights to OUT/snapshots/step-N every "
                    "N steps (for choosing one on validation tracks: tools/train/select-tiny-world.py)")
    ap.add_argument("--max-minutes", type=float, default=0.0, help="stop (resumably) after this long; 0: no limit")
    ap.add_argument("--export", default="", help="write the final weights here in the runtime's format")
    ap.add_argument("--export-only", action="store_true", help="export the checkpoint without training further")
    return ap.parse_args()


class Run:
    """The network, its average, the optimiser and where they are: what a checkpoint holds."""

    def __init__(self, a):
        self.a = a
        self.net = tw.TinyWorldNet()
        if a.init:
            tw.load_ncnn(self.net, os.path.join(a.init, "tiny-world.param"), os.path.join(a.init, "tiny-world.bin"))
        self.average = copy.deepcopy(self.net)
        self.opt = torch.optim.Adam(self.net.parameters(), lr=a.lr)
        self.rng = np.random.default_rng(a.seed)
        self.step, self.history = 0, []
        self.path = os.path.join(a.out, "checkpoint.pt")
        if os.path.exists(self.path):
            ck = torch.load(self.path)
            self.net.load_state_dict(ck["net"])
            self.average.load_state_dict(ck.get("average", ck["net"]))
            self.opt.load_state_dict(ck["opt"])
            self.step, self.history = ck["step"], ck["history"]
            self.rng.bit_generator.state = ck["rng"]
            torch.set_rng_state(ck["torch_rng"])
            print("train: resumed at step %d" % self.step, file=sys.stderr)

    def save(self):
        torch.save({"net": self.net.state_dict(), "average": self.average.state_dict(), "opt": self.opt.state_dict(),
                    "step": self.step, "history": self.history, "rng": self.rng.bit_generator.state,
                    "torch_rng": torch.get_rng_state(), "args": vars(self.a)}, self.path + ".tmp")
        os.replace(self.path + ".tmp", self.path)
        loss_png(self.history, os.path.join(self.a.out, "loss.png"))

    def exported(self):
        """The weights that are exported: the average when there is one."""
        return self.average if self.a.ema > 0 else self.net

    def update_average(self):
        decay = self.a.ema if self.a.ema > 0 else 0.0
        with torch.no_grad():
            for avg, cur in zip(self.average.parameters(), self.net.parameters()):
                avg.mul_(decay).add_(cur, alpha=1.0 - decay)


def train_step(run, images, cameras, sampler, episodes):
    """One optimiser step; returns the batch's L1 loss. From --rollout-from on, half the batch gets a context that
    the model rolled out itself over 1 to --rollout steps (one length a batch)."""
    a = run.a
    lr = a.lr * 0.5 * (1 + math.cos(math.pi * run.step / a.steps)) + 1e-5
    for g in run.opt.param_groups:
        g["lr"] = lr
    steps = int(run.rng.integers(1, a.rollout + 1)) if run.step >= a.rollout_from * a.steps else 0
    rows = sampler.batch(episodes, a.batch, first=3 + steps)
    own = None
    if steps:
        rolled = rollout(run.net, images, cameras, sampler, rows[: a.batch // 2], steps, run.rng)
        own = rolled + [dict() for _ in rows[a.batch // 2:]]
    pred = tw.predict(run.net, *tensors(images, cameras, sampler, rows, 0, run.rng, True, own))
    loss = (pred - truth(images, rows)).abs().mean()
    run.opt.zero_grad()
    loss.backward()
    run.opt.step()
    run.update_average()
    run.step += 1
    return loss.item(), lr


def main():
    a = arguments()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    images, cameras = load_data(a.data)
    episodes = list(range(len(images)))
    train_eps = episodes[:-1] if len(episodes) > 1 else episodes
    run = Run(a)
    sampler = Sampler(images, cameras, run.rng)
    begin = start = time.time()
    running, count = 0.0, 0
    log = open(os.path.join(a.out, "log.jsonl"), "a")
    while run.step < a.steps and not a.export_only:
        loss, lr = train_step(run, images, cameras, sampler, train_eps)
        running += loss
        count += 1
        if run.step % 50 == 0:
            entry = {"step": run.step, "loss": running / count, "lr": lr, "seconds": round(time.time() - start, 1)}
            run.history.append(entry)
            log.write(json.dumps(entry) + "\n")
            log.flush()
            print("train: step %d loss %.4f (%.1f samples/s)"
                  % (run.step, running / count, count * a.batch / (time.time() - start)), file=sys.stderr)
            running, count, start = 0.0, 0, time.time()
        if run.step % 250 == 0:
            run.save()
        if a.snapshot_every and run.step % a.snapshot_every == 0:
            export(run, os.path.join(a.out, "snapshots", "step-%06d" % run.step))
        if a.max_minutes and (time.time() - begin) / 60 > a.max_minutes:
            break
    if not a.export_only:
        run.save()
    if a.export:
        export(run, a.export)


def export(run, folder):
    a = run.a
    start = os.path.join(a.data, "start.ppm")
    if not os.path.exists(start):
        raise SystemExit("train: no %s to export with the weights (make-data.sh renders it)" % start)
    if run.step < a.steps and folder == a.export:
        print("train: exporting a partial run: step %d of %d" % (run.step, a.steps), file=sys.stderr)
    os.makedirs(folder, exist_ok=True)
    net = copy.deepcopy(run.exported()).eval()
    mnemo_ncnn.export_module(net, os.path.join(folder, "tiny-world.param"), os.path.join(folder, "tiny-world.bin"))
    shutil.copyfile(start, os.path.join(folder, "start.ppm"))
    with open(os.path.join(folder, "training.json"), "w") as f:
        json.dump(training_record(run), f, indent=1)
    print("train: exported step %d to %s" % (run.step, folder), file=sys.stderr)


def training_record(run):
    """Where and how the exported weights were trained; with --init, the record of the weights it started from
    comes along as "init"."""
    a, history = run.a, run.history
    minutes = sum(float(h.get("seconds", 0)) for h in history) / 60.0
    info = {"steps": run.step, "steps_planned": a.steps, "batch": a.batch, "lr": a.lr, "seed": a.seed,
            "threads": a.threads, "rollout": a.rollout, "rollout_from": a.rollout_from, "ema": a.ema,
            "training_minutes": round(minutes, 1), "final_loss": history[-1]["loss"] if history else None,
            "torch": torch.__version__, "machine": platform.platform(), "processor": platform.processor() or None,
            "data": os.path.abspath(a.data)}
    if a.init:
        previous = os.path.join(a.init, "training.json")
        info["init"] = json.load(open(previous)) if os.path.exists(previous) else os.path.abspath(a.init)
    return info


if __name__ == "__main__":
    main()
