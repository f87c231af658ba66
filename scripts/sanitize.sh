#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer:
# configures build-asan with clang-22 and -DMOE_SANITIZE=ON, builds
# everything, and runs ctest there. Any ASan/UBSan report fails the test it
# happens in (UBSan is built with -fno-sanitize-recover, ASan aborts).
#
#   bash scripts/sanitize.sh [ctest args...]
#
# The build uses the same compile flags as scripts/fuzz.sh's build-fuzz
# (MOE_FUZZ=ON only adds libFuzzer's coverage instrumentation, which the
# sanitizer runtime ignores without libFuzzer), so ccache shares every
# library object between the two. Not run in CI: see docs/Fuzzing.md for
# its cost.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${JOBS:-2}
build=${ASAN_BUILD_DIR:-$root/build-asan}

if ! command -v clang++-22 >/dev/null ||
   ! [ -e /usr/lib/llvm-22/lib/clang/22/lib/linux/libclang_rt.asan-x86_64.a ]; then
  apt-get install -y --no-install-recommends clang-22 libclang-rt-22-dev \
    libfuzzer-22-dev
fi
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
# -O1 without NDEBUG: assertions stay on, and the build stays affordable.
cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE=-O1 -DCMAKE_C_FLAGS_RELEASE=-O1 \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  "${launcher[@]}" -DMOE_SANITIZE=ON -DMOE_FUZZ=ON -DMOE_BUILD_TESTS=ON \
  >/dev/null
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
