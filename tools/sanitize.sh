#!/usr/bin/env bash
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer (Debian's clang): every target of the
# project instrumented, into build-asan/ (or $MNEMO_ASAN_BUILD_DIR). The fuzz targets are built as libFuzzer binaries
# in the same tree, so the suite's short fuzz runs are part of it. Any report fails its test (no recovery).
# Extra arguments go to ctest (e.g. -R tst_agent_memory). Takes about 25 minutes from scratch on 2 cores, most of it
# the build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MNEMO_ASAN_BUILD_DIR:-$root/build-asan}"
"$root/tools/deps.sh"
"$root/tools/fuzz.sh" --install-clang
if [ ! -f "$build/build.ninja" ]; then
  # -O1 -g1: the sanitizers' usual trade of speed for readable stacks (file:line, no local variables).
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DMNEMO_SANITIZE=address,undefined -DMNEMO_FUZZ=ON >/dev/null
fi
start=$(date +%s)
cmake --build "$build"
built=$(date +%s)
# Leak checking stays off for the suite: Mesa, fontconfig and Qt keep process-lifetime allocations that LeakSanitizer
# reports at exit. The fuzz targets turn it back on for themselves (tests/fuzz/CMakeLists.txt).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
(cd "$build" && ctest --output-on-failure --timeout 1800 "$@") || status=$?
done_at=$(date +%s)
echo "sanitize: build $((built - start)) s, tests $((done_at - built)) s, exit $status" >&2
exit $status
