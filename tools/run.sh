#!/usr/bin/env bash
# The one command to get going: install what is missing, build, and start Mnemo on its embedded defaults.
# Arguments go to mnemo (try --help).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/build.sh"
exec "${MNEMO_BUILD_DIR:-$root/build}/bin/mnemo" "$@"
