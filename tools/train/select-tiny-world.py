#!/usr/bin/python3
"""Chooses among a training run's snapshots by the memory's help on validation tracks, never the test tracks.

    /usr/bin/python3 tools/train/select-tiny-world.py RUN [--cli build/bin/mnemo-cli] [--every N]

RUN is a train-tiny-world.py folder with snapshots (--snapshot-every). Each snapshot RUN/snapshots/step-N/ is evaluated
once (its validation.json is kept, so a run still training can be checked again): `mnemo-cli eval revisit` with memory
on and off on every track of tools/train/validation-tracks.py. Its score is the smaller of two means of the gain (memory
on minus memory off, PSNR against the reference world on the revisit frames): over the out-and-back tracks and over
the turns, the two kinds of revisit the issue's target names. RUN/selection.json lists every snapshot's figures and
names the best; export it with its folder (a copy of the weights as they were at that step).
"""
import argparse
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")


def revisit_psnr(cli, weights, track, memory, work):
    out = os.path.join(work, "%s-%s" % (os.path.basename(track)[:-5], memory))
    env = dict(os.environ, MNEMO_TINY_WORLD=weights)
    done = subprocess.run([cli, "eval", "revisit", "--engine", "tiny-world", "--camera-track", track, "--size", "64x36",
                           "--memory", memory, "--out", out], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit("select: eval revisit failed for %s on %s (memory %s): %s"
                         % (weights, track, memory, done.stderr.strip()[-400:]))
    summary = json.loads(done.stdout)
    return summary["vs_ground_truth"]["psnr_mean"], summary["revisits"]


def evaluate(cli, snapshot, tracks):
    path = os.path.join(snapshot, "validation.json")
    if os.path.exists(path):
        return json.load(open(path))
    result = {}
    work = os.path.join(snapshot, "validation")
    for track in tracks:
        on, revisits = revisit_psnr(cli, snapshot, track, "on", work)
        off, _ = revisit_psnr(cli, snapshot, track, "off", work)
        result[os.path.basename(track)[:-5]] = {"on": on, "off": off, "gain_db": on - off, "revisits": revisits}
    kinds = {}
    for name, row in result.items():
        kinds.setdefault("turn" if name.startswith("turn") else "out_and_back", []).append(row["gain_db"])
    means = {k: sum(v) / len(v) for k, v in kinds.items()}
    record = {"tracks": result, "mean_gain_db": means, "score": min(means.values())}
    json.dump(record, open(path, "w"), indent=1)
    return record


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run")
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "bin", "mnemo-cli"))
    ap.add_argument("--every", type=int, default=1, help="evaluate every Nth snapshot only")
    a = ap.parse_args()
    snapshots = sorted(glob.glob(os.path.join(a.run, "snapshots", "step-*")))[a.every - 1::a.every]
    if not snapshots:
        raise SystemExit("select: no snapshots in %s/snapshots (train with --snapshot-every)" % a.run)
    tracks_dir = os.path.join(a.run, "validation-tracks")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "validation-tracks.py"), tracks_dir], check=True,
                   stdout=subprocess.DEVNULL)
    tracks = sorted(glob.glob(os.path.join(tracks_dir, "*.json")))
    table = {}
    for snapshot in snapshots:
        record = evaluate(a.cli, snapshot, tracks)
        table[os.path.basename(snapshot)] = record
        print("select: %s  out-and-back %+.2f dB  turn %+.2f dB" % (os.path.basename(snapshot),
              record["mean_gain_db"]["out_and_back"], record["mean_gain_db"]["turn"]), file=sys.stderr)
    best = max(table, key=lambda k: table[k]["score"])
    selection = {"best": os.path.join(a.run, "snapshots", best), "score_db": table[best]["score"],
                 "rule": "max over snapshots of min(mean gain on the out-and-back tracks, mean gain on the turns)",
                 "snapshots": table}
    json.dump(selection, open(os.path.join(a.run, "selection.json"), "w"), indent=1)
    print(json.dumps({"best": selection["best"], "score_db": selection["score_db"],
                      "mean_gain_db": table[best]["mean_gain_db"]}, indent=1))


if __name__ == "__main__":
    main()
