#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, -DMOE_FUZZ=ON with clang-22, ASan and
# UBSan on) into build-fuzz, generates the seed corpora from the test inputs
# (scripts/fuzz-seeds.sh) and runs each target for SECONDS (default 60), one
# after the other, niced. A crash, leak, timeout or out-of-memory input is
# copied to test/Fuzz/regressions/<target>/, where the normal test suite
# replays it (test/Fuzz/regressions.test). The last line per target is
# libFuzzer's final stats line (executions, exec/s) for docs/Fuzzing.md.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
#   FUZZ_BUILD_ONLY=1 bash scripts/fuzz.sh   # build and seed only
#   FUZZ_RUNS=10000000 bash scripts/fuzz.sh 3600 npy   # stop at 10 M runs
#   FUZZ_NO_BUILD=1 ...   # use the fuzzers and seeds already built (e.g.
#                         # FUZZ_BUILD_DIR=build-asan, which sanitize.sh
#                         # builds with the same flags), for parallel runs
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(onnx moe-dialect pim-dialect command-stream artifact hardware-json
           token-profile npy)
fi
jobs=${JOBS:-2}
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}

if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  source scripts/clang-build.sh
  configure_clang_build "$build" -DMOE_FUZZ=ON -DMOE_BUILD_TESTS=OFF
  nice -n 10 ninja -C "$build" -j"$jobs" moe-fuzzers

  # The seeds need moe-opt, moe-translate and moe-run: the normal build's when
  # there is one (they need no instrumentation), else built here.
  tools=${SEED_TOOLS:-$root/build/bin}
  if ! [ -x "$tools/moe-run" ] || ! [ -x "$tools/moe-translate" ]; then
    nice -n 10 ninja -C "$build" -j"$jobs" moe-opt moe-translate moe-run
    tools=$build/bin
  fi
  bash scripts/fuzz-seeds.sh "$tools" "$build/corpus-seeds"
fi
[ -n "${FUZZ_BUILD_ONLY:-}" ] && exit 0
runs=()
[ -n "${FUZZ_RUNS:-}" ] && runs=(-runs="$FUZZ_RUNS")

# allow_user_poisoning=0: LLVM's BumpPtrAllocator, inlined from the headers
# into our instrumented code, poisons slabs that the uninstrumented
# libMLIR.so then fills without unpoisoning (a false use-after-poison).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allow_user_poisoning=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for target in "${targets[@]}"; do
  corpus=$build/corpus/$target
  artifacts=$build/findings/$target
  # Earlier runs' findings are already kept; only this run's are new.
  rm -rf "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  log=$build/fuzz-$target.log
  echo "== $target: ${seconds}s"
  # Each run continues the corpus of the last one; the seeds go first.
  set +e
  nice -n 10 "$build/bin/moe-fuzz-$target" "$corpus" \
    "$build/corpus-seeds/$target" -max_total_time="$seconds" "${runs[@]}" -timeout=20 \
    -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    >"$log" 2>&1
  status=$?
  set -e
  grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added)' "$log" || true
  found=0
  for input in "$artifacts"/*; do
    [ -e "$input" ] || continue
    mkdir -p "test/Fuzz/regressions/$target"
    cp "$input" "test/Fuzz/regressions/$target/"
    echo "   kept $(basename "$input") in test/Fuzz/regressions/$target/"
    found=1
  done
  if [ $status -ne 0 ] || [ $found -ne 0 ]; then
    echo "   FINDING (exit $status), see $log"
  fi
done
