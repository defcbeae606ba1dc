#!/usr/bin/env bash
# Fuzzing Mnemo's readers with libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer (Debian's clang).
#
#   tools/fuzz.sh TARGET SECONDS       fuzz one target (tests/fuzz/fuzz_TARGET.cpp) for SECONDS; new inputs that reach
#                                      new code are kept in build-fuzz/fuzz-work/TARGET, crashes in build-fuzz/fuzz-artifacts
#   tools/fuzz.sh --all SECONDS [T...] every target (or those named) in turn, each row of a table of runs and
#                                      executions per second appended to build-fuzz/fuzz-report.md
#   tools/fuzz.sh --smoke              build, then the suite's short run of every target (CTest label fuzz)
#   tools/fuzz.sh --list               the targets
#
# The build goes to $MNEMO_FUZZ_BUILD_DIR (default build-fuzz/): the engine and the fuzz targets only. A finding is
# fixed, then its input is copied to tests/fuzz/regressions/TARGET/ so every build replays it (fuzz_TARGET_inputs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MNEMO_FUZZ_BUILD_DIR:-$root/build-fuzz}"
targets=(video image agent_store native_store pickle msgpack session_db memory_bank camera_track edit_documents)
# Larger inputs than libFuzzer's 4 KiB default: SQLite files and videos need room.
declare -A max_len=([video]=65536 [image]=16384 [agent_store]=131072 [native_store]=131072 [session_db]=65536
                    [memory_bank]=65536 [pickle]=16384 [msgpack]=8192 [camera_track]=8192 [edit_documents]=8192)

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

ensure_clang() {
  local missing=()
  for p in clang libclang-rt-14-dev llvm; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  local sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  echo "fuzz: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { "${sudo_cmd[@]}" apt-get update -qq >/dev/null &&
      DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
}

build_targets() {
  "$root/tools/deps.sh"
  ensure_clang
  if [ ! -f "$build/build.ninja" ]; then
    CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DMNEMO_FUZZ=ON -DMNEMO_FUZZ_ONLY=ON >/dev/null
  fi
  cmake --build "$build" "$@"
}

# run_built EXE TARGET SECONDS WORKDIR: fuzz from the committed corpus and regressions, keep what grows coverage.
run_built() {
  local exe=$1 target=$2 seconds=$3 work=$4
  local artifacts="$(dirname "$work")/../fuzz-artifacts"
  mkdir -p "$work" "$artifacts"
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
  "$exe" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -max_len="${max_len[$target]}" \
    -print_final_stats=1 -artifact_prefix="$artifacts/$target-" \
    "$work" "$root/tests/fuzz/corpus/$target" "$root/tests/fuzz/regressions/$target"
}

case "${1:-}" in
  ""|-h|--help) usage; exit 0 ;;
  --list) printf '%s\n' "${targets[@]}"; exit 0 ;;
  --run-built) shift; run_built "$@"; exit $? ;;
  --install-clang) ensure_clang; exit 0 ;;
  --smoke)
    build_targets
    cd "$build" && exec ctest --output-on-failure -L fuzz ;;
  --all)
    seconds=${2:?"usage: tools/fuzz.sh --all SECONDS [TARGET...]"}
    shift 2
    chosen=("$@"); [ ${#chosen[@]} -eq 0 ] && chosen=("${targets[@]}")
    build_targets
    report="$build/fuzz-report.md"
    if [ ! -f "$report" ]; then
      echo "| target | seconds | runs | exec/s | edges covered | peak RSS MB | corpus files | result |" >"$report"
      echo "| --- | --- | --- | --- | --- | --- | --- | --- |" >>"$report"
    fi
    for t in "${chosen[@]}"; do
      log="$build/fuzz-$t.log"
      if run_built "$build/bin/fuzz_$t" "$t" "$seconds" "$build/fuzz-work/$t" >"$log" 2>&1; then result=clean; else result="FINDING (see $log)"; fi
      stat() { grep -oP "stat::$1:\s*\K[0-9]+" "$log" || echo "?"; }
      edges=$(grep -oP '^#[0-9]+\s+\w+\s+cov: \K[0-9]+' "$log" | tail -1 || true)
      corpus=$(find "$build/fuzz-work/$t" -type f | wc -l)
      echo "| $t | $seconds | $(stat number_of_executed_units) | $(stat average_exec_per_sec) | ${edges:-?} | $(stat peak_rss_mb) | $corpus | $result |" | tee -a "$report"
    done
    echo "fuzz: report in $report" ;;
  *)
    target=$1; seconds=${2:?"usage: tools/fuzz.sh TARGET SECONDS"}
    [[ " ${targets[*]} " == *" $target "* ]] || { echo "fuzz: unknown target '$target' (tools/fuzz.sh --list)" >&2; exit 2; }
    build_targets --target "fuzz_$target"
    run_built "$build/bin/fuzz_$target" "$target" "$seconds" "$build/fuzz-work/$target" ;;
esac
