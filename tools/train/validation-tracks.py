#!/usr/bin/python3
"""Validation tracks for choosing tiny-world's weights: revisits like the shipped test tracks, elsewhere.

    /usr/bin/python3 tools/train/validation-tracks.py OUTDIR

The shipped revisit tracks (assets/tracks/out_and_back.json, turn_360.json) are the test set of docs/tiny-world.md;
choosing among checkpoints by them would fit the figures to the test. These tracks are made from the same pieces,
moved: a turn in place first and then the out-and-back in the new direction (other streets), or a walk first and
then a full turn the other way round (another square). Each starts at the studio's start camera, where a learned
world's start picture was taken. Written as mnemo-camera-track JSON (docs/camera-track-format.md): out_and_back_*.json
and turn_360_*.json in OUTDIR.
"""
import copy
import json
import os
import sys

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MIRROR = np.diag([-1.0, 1.0, 1.0, 1.0])  # x -> -x: a right turn becomes a left turn


def load(name):
    return json.load(open(os.path.join(ROOT, "assets", "tracks", name + ".json")))


def c2w(frame):
    return np.asarray(frame["c2w"], dtype=np.float64).reshape(4, 4).T


def with_c2w(frame, matrix, mirrored=False):
    out = copy.deepcopy(frame)
    out["c2w"] = [float(v) for v in matrix.T.reshape(-1)]
    if mirrored:
        out["controller"]["mouse"][0] = -out["controller"]["mouse"][0]
        out["controller"]["keys"] = [{"KeyA": "KeyD", "KeyD": "KeyA"}.get(k, k) for k in out["controller"]["keys"]]
    return out


def mirror(frame):
    return with_c2w(frame, MIRROR @ c2w(frame) @ MIRROR, mirrored=True)


def turn_then_out_and_back(turn_frames, left):
    """Turn in place for turn_frames frames (2 degrees each), then the shipped out-and-back in that direction."""
    turn = load("turn_360")["frames"][:turn_frames]
    if left:
        turn = [mirror(f) for f in turn]
    base = load("out_and_back")
    start = c2w(base["frames"][0])
    heading = c2w(turn[-1])[:3, :3] @ start[:3, :3].T  # the world rotation from the start camera to the turned one
    world = np.eye(4)
    world[:3, :3] = heading
    walk = [with_c2w(f, world @ c2w(f)) for f in base["frames"]]
    return base, turn + walk


def walk_then_turn(walk_frames, left):
    """Walk forward walk_frames frames (the shipped out-and-back's way out), then the shipped 360-degree turn there."""
    base = load("turn_360")
    walk = load("out_and_back")["frames"][:walk_frames]
    place = c2w(walk[-1])[:3, 3]
    turn = [mirror(f) for f in base["frames"]] if left else base["frames"]
    moved = []
    for f in turn:
        m = c2w(f)
        m[:3, 3] = place
        moved.append(with_c2w(f, m))
    return base, walk + moved


def write(path, base, frames):
    track = {k: v for k, v in base.items() if k != "frames"}
    period = 1e6 / float(base["fps"])
    track["frames"] = []
    for i, f in enumerate(frames):
        f = copy.deepcopy(f)
        f["index"], f["t_us"] = i, int(round(i * period))
        track["frames"].append(f)
    with open(path, "w") as out:
        json.dump(track, out)


TRACKS = {
    "out_and_back_right60": lambda: turn_then_out_and_back(30, left=False),
    "out_and_back_left90": lambda: turn_then_out_and_back(45, left=True),
    "turn_360_left_after40": lambda: walk_then_turn(40, left=True),
    "turn_360_right_after80": lambda: walk_then_turn(80, left=False),
}


def main():
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, make in TRACKS.items():
        base, frames = make()
        write(os.path.join(sys.argv[1], name + ".json"), base, frames)
        print(os.path.join(sys.argv[1], name + ".json"))


if __name__ == "__main__":
    main()
