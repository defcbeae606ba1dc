#!/usr/bin/env bash
# The whole test suite, headless: install what is missing, build, run every CTest test.
# No GPU and no display needed: Vulkan runs on Mesa lavapipe (chosen per test by CTest), widget tests use Qt's
# offscreen platform, and the end-to-end window test starts its own Xvfb. Extra arguments go to ctest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MNEMO_BUILD_DIR:-$root/build}"
"$root/tools/build.sh"
cd "$build"
exec ctest --output-on-failure --timeout 900 "$@"
