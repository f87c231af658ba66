#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer:
# configures build-asan with clang-22 and -DMOE_SANITIZE=ON, builds
# everything, and runs ctest there. Any ASan/UBSan report fails the test it
# happens in (UBSan is built with -fno-sanitize-recover, ASan aborts).
#
#   bash scripts/sanitize.sh [ctest args...]
#
# The build uses the same compile flags (scripts/clang-build.sh) as build-fuzz
# (MOE_FUZZ=ON only adds libFuzzer's coverage instrumentation, which the
# sanitizer runtime ignores without libFuzzer), so ccache shares every
# library object between the two. Not run in CI: see docs/Fuzzing.md for
# its cost.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${JOBS:-2}
build=${ASAN_BUILD_DIR:-$root/build-asan}

source scripts/clang-build.sh
configure_clang_build "$build" -DMOE_SANITIZE=ON -DMOE_FUZZ=ON \
  -DMOE_BUILD_TESTS=ON
nice -n 10 ninja -C "$build" -j"$jobs"
# The importer's ONNX Runtime comparisons, as scripts/test.sh sets them up.
if [ ! -d "$build/ort/node_modules/onnxruntime-node" ] && command -v npm >/dev/null; then
  bash scripts/install-ort.sh "$build/ort" || true
fi

# Leaks fail a test too. The artifacts' host code is an uninstrumented
# shared object built by the system compiler; ASan still sees its mallocs.
# allow_user_poisoning=0: LLVM's BumpPtrAllocator, inlined from the headers
# into our instrumented code, poisons slabs that the uninstrumented
# libMLIR.so then fills without unpoisoning (a false use-after-poison; see
# docs/Fuzzing.md).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:allow_user_poisoning=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build" -j"$jobs" --output-on-failure "$@"
