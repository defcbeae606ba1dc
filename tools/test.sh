#!/usr/bin/env bash
# The whole test suite, headless: install what is missing, build, run every CTest test, then a short run of every
# fuzz target (tools/fuzz.sh --smoke: clang, ASan+UBSan, 15 s each).
# No GPU and no display needed: Vulkan runs on Mesa lavapipe (chosen per test by CTest), widget tests use Qt's
# offscreen platform, and the end-to-end window test starts its own Xvfb. Extra arguments go to ctest and skip the
# fuzz run (they narrow the suite: tools/test.sh -R tst_core).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MNEMO_BUILD_DIR:-$root/build}"
"$root/tools/deps.sh" --test
"$root/tools/build.sh"
status=0
(cd "$build" && ctest --output-on-failure --timeout 900 "$@") || status=$?
if [ $# -eq 0 ]; then
  "$root/tools/fuzz.sh" --smoke || status=$?
fi
exit $status
