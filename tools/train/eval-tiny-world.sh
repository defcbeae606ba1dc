#!/usr/bin/env bash
# The tiny-world figures of docs/tiny-world.md, each from one mnemo-cli command: revisit consistency against the
# reference world on the shipped revisit tracks with memory on and off, and a 3,000-frame drift curve (both).
#
#   tools/train/eval-tiny-world.sh [OUTDIR] [--frames 3000] [--weights DIR] [--cli build/bin/mnemo-cli]
#
# OUTDIR (default tiny-world-eval) gets revisit-TRACK-MEMORY/ (revisits.csv, revisits.png, summary.json), drift/
# (drift.csv, drift.png, summary.json) and strip-TRACK.png (frames of each track: ground truth, memory off, memory
# on, side by side); summary.json at the top gathers the numbers. --weights evaluates other weights
# (MNEMO_TINY_WORLD).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="tiny-world-eval"; frames=3000; cli="$root/build/bin/mnemo-cli"
while [ $# -gt 0 ]; do
  case "$1" in
    --frames) frames="$2"; shift 2 ;;
    --weights) export MNEMO_TINY_WORLD="$2"; shift 2 ;;
    --cli) cli="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "eval-tiny-world: unknown option '$1'" >&2; exit 2 ;;
    *) out="$1"; shift ;;
  esac
done
[ -x "$cli" ] || { echo "eval-tiny-world: no mnemo-cli at '$cli' (build first, or pass --cli)" >&2; exit 1; }
mkdir -p "$out"
for track in out_and_back turn_360; do
  for memory in on off; do
    dir="$out/revisit-$track-$memory"
    echo "eval-tiny-world: revisit $track, memory $memory" >&2
    "$cli" eval revisit --engine tiny-world --camera-track "$root/assets/tracks/$track.json" --size 64x36 \
      --memory "$memory" --out "$dir" > "$dir.json"
    mv "$dir.json" "$dir/summary.json"
  done
done
for track in out_and_back turn_360; do
  echo "eval-tiny-world: strip of $track" >&2
  frames_dir="$out/frames-$track"
  "$cli" run --engine reference-world --camera-track "$root/assets/tracks/$track.json" --size 64x36 --memory off \
    --out "$frames_dir/truth" >/dev/null
  for memory in on off; do
    "$cli" run --engine tiny-world --camera-track "$root/assets/tracks/$track.json" --size 64x36 --memory "$memory" \
      --out "$frames_dir/$memory" >/dev/null
  done
  /usr/bin/python3 - "$frames_dir" "$out/strip-$track.png" <<'PY'
import glob, os, sys
from PIL import Image, ImageDraw
folder, target = sys.argv[1], sys.argv[2]
count = len(glob.glob(os.path.join(folder, "truth", "frame_*.png")))
rows = [int(round(i * (count - 1) / 6)) for i in range(7)]
scale, label = 4, 14
strip = Image.new("RGB", (64 * 3 * scale, label + 36 * scale * len(rows)), (20, 20, 24))
draw = ImageDraw.Draw(strip)
for c, name in enumerate(("ground truth", "memory off", "memory on")):
    draw.text((c * 64 * scale + 4, 1), name, fill=(230, 230, 230))
for r, frame in enumerate(rows):
    for c, kind in enumerate(("truth", "off", "on")):
        img = Image.open(os.path.join(folder, kind, "frame_%06d.png" % frame)).convert("RGB")
        strip.paste(img.resize((64 * scale, 36 * scale), Image.NEAREST), (c * 64 * scale, label + r * 36 * scale))
    draw.text((4, label + r * 36 * scale + 2), "frame %d" % frame, fill=(255, 255, 255))
strip.save(target)
PY
  rm -rf "$frames_dir"
done
echo "eval-tiny-world: drift, $frames frames, memory on and off" >&2
mkdir -p "$out/drift"
"$cli" eval drift --engine tiny-world --frames "$frames" --memory both --out "$out/drift" > "$out/drift/summary.json"
/usr/bin/python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
summary = {"revisit": {}, "drift": json.load(open(os.path.join(out, "drift", "summary.json")))["memory"]}
for track in ("out_and_back", "turn_360"):
    row = {}
    for memory in ("on", "off"):
        s = json.load(open(os.path.join(out, "revisit-%s-%s" % (track, memory), "summary.json")))
        row[memory] = {"revisits": s["revisits"], "psnr_vs_ground_truth": s["vs_ground_truth"]["psnr_mean"],
                       "ssim_vs_ground_truth": s["vs_ground_truth"]["ssim_mean"]}
    row["gain_db"] = row["on"]["psnr_vs_ground_truth"] - row["off"]["psnr_vs_ground_truth"]
    summary["revisit"][track] = row
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=1)
print(json.dumps(summary, indent=1))
PY
