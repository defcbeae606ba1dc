#!/usr/bin/env bash
# Training data for a world model, made by the reference world (issue 14): seeded "explore" walks — walks with gentle
# turns, turns in place, strafes, and returns that retrace earlier stretches (closed loops, revisits) — rendered at the
# model's resolution, each with every frame's camera and controls, in the dataset format (docs/dataset-format.md).
#
#   tools/train/make-data.sh OUTDIR [--episodes N] [--frames N] [--size WxH] [--seed S] [--cli PATH]
#
# OUTDIR/episode_NNN/ holds one exported session (meta.json, frames.jsonl, frames/*.png); OUTDIR/manifest.json says
# how it was made; OUTDIR/start.ppm is the view from the studio's start camera (a learned world's first picture). The
# same arguments make the same files on any machine (the tracks are seeded; the reference world is deterministic).
# Default: what tiny-world was trained on, 32 episodes of 600 frames at 64x36, seed 1 (episode i uses track seed
# S * 1000 + i).
set -euo pipefail

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
out=""; episodes=32; frames=600; size=64x36; seed=1
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cli="$root/build/bin/mnemo-cli"
while [ $# -gt 0 ]; do
  case "$1" in
    --episodes) episodes="$2"; shift 2 ;;
    --frames) frames="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --cli) cli="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "make-data: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    *) [ -z "$out" ] || { echo "make-data: one OUTDIR, not '$1' too" >&2; exit 2; }; out="$1"; shift ;;
  esac
done
[ -n "$out" ] || { usage >&2; exit 2; }
[ -x "$cli" ] || { echo "make-data: no mnemo-cli at '$cli' (build first, or pass --cli)" >&2; exit 1; }
for n in "$episodes" "$frames" "$seed"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "make-data: '$n' is not a whole number" >&2; exit 2; }
done

mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for ((i = 0; i < episodes; i++)); do
  name="$(printf 'episode_%03d' "$i")"
  track_seed=$((seed * 1000 + i))
  echo "make-data: $name ($frames frames, track seed $track_seed)" >&2
  "$cli" track --pattern explore --seed "$track_seed" --frames "$frames" --size "$size" \
    --out "$work/$name.json" >/dev/null
  rm -rf "$work/$name" "$out/$name"
  "$cli" run --camera-track "$work/$name.json" --size "$size" --memory off --video-codec ffv1 \
    --record "$work/$name" >/dev/null
  "$cli" export "$work/$name" --format dataset --out "$out/$name" >/dev/null
  rm -rf "$work/$name"
done
# The start picture of a learned world: the reference world's view from the studio's start camera (standing at
# the origin, eyes 1.7 m up, looking along +z), as a binary PPM whose comment gives that camera (c2w, column-major).
c2w="-1 0 0 0 0 -1 0 0 0 0 1 0 0 1.7 0 1"
/usr/bin/python3 - "$work/start.json" "$size" "$c2w" <<'PY'
import json, sys
w, h = (int(v) for v in sys.argv[2].split("x"))
c2w = [float(v) for v in sys.argv[3].split()]
frame = {"index": 0, "t_us": 0, "c2w": c2w, "intrinsics": [w / 2, w / 2, w / 2, h / 2],
         "controller": {"keys": [], "mouse": [0.0, 0.0], "wheel": 0.0}}
json.dump({"format": "mnemo-camera-track", "version": 1, "fps": 30.0, "width": w, "height": h, "frames": [frame]},
          open(sys.argv[1], "w"))
PY
"$cli" run --camera-track "$work/start.json" --size "$size" --memory off --video-codec ffv1 \
  --record "$work/start" >/dev/null
"$cli" export "$work/start" --format dataset --out "$work/start-data" >/dev/null
/usr/bin/python3 - "$work/start-data/frames/000000.png" "$out/start.ppm" "$c2w" <<'PY'
import sys
from PIL import Image
img = Image.open(sys.argv[1]).convert("RGB")
with open(sys.argv[2], "wb") as f:
    f.write(b"P6\n# c2w %s\n%d %d\n255\n" % (sys.argv[3].encode(), img.width, img.height) + img.tobytes())
PY

cat > "$out/manifest.json" <<JSON
{"format": "mnemo-world-data", "version": 1, "engine": "reference-world", "pattern": "explore",
 "episodes": $episodes, "frames_per_episode": $frames, "size": "$size", "seed": $seed,
 "track_seeds": "seed * 1000 + episode", "made_by": "tools/train/make-data.sh"}
JSON
echo "make-data: $episodes episodes in $out" >&2
