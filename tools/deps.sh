#!/usr/bin/env bash
# Installs the Debian 12 packages Mnemo needs to build, run and test.
# Idempotent and non-interactive; prints nothing when everything is already installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ccache
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev libxkbcommon-dev
  libvulkan-dev mesa-vulkan-drivers vulkan-tools vulkan-validationlayers
  glslc glslang-tools spirv-tools
  libimgui-dev libstb-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev libavdevice-dev ffmpeg
  libsqlite3-dev sqlite3
  nlohmann-json3-dev libglm-dev libhnswlib-dev libcli11-dev
  libopencv-video-dev
  libopencolorio-dev
  libboost1.81-dev libturbojpeg0-dev libpq-dev
  xvfb xauth xdotool
  fonts-dejavu-core
)

# --test: also what only the test suite needs (the Python SDK's servers in tst_remote, a throwaway PostgreSQL cluster
# in tst_agent_memory_pg), kept off the run path.
if [ "${1:-}" = "--test" ]; then
  packages+=(python3-websockets python3-numpy python3-pil python3-torch postgresql-15)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "mnemo: installing ${#missing[@]} missing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq >/dev/null
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  2> >(grep -v '^debconf: delaying package configuration' >&2)
