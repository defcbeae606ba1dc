#!/usr/bin/env bash
# Installs missing Debian packages, then configures and builds Mnemo (Release, Ninja) into build/.
# Extra arguments go to CMake's configure step. MNEMO_BUILD_DIR overrides the folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MNEMO_BUILD_DIR:-$root/build}"

"$root/tools/deps.sh"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
elif [ $# -gt 0 ]; then
  cmake "$build" "$@" >/dev/null
fi
cmake --build "$build"
