# Sourced by scripts/fuzz.sh and scripts/sanitize.sh: the clang-22 toolchain
# (installed on first use; not in install-deps.sh's default set, for CI time)
# and the configuration both builds share, so ccache shares their objects.
#
#   configure_clang_build BUILD_DIR [CMAKE_ARGS...]

configure_clang_build() {
  local build=$1
  shift
  local rt=/usr/lib/llvm-22/lib/clang/22/lib/linux
  if ! command -v clang++-22 >/dev/null ||
     ! [ -e "$rt/libclang_rt.fuzzer-x86_64.a" ] ||
     ! [ -e "$rt/libclang_rt.asan-x86_64.a" ]; then
    apt-get install -y --no-install-recommends clang-22 libclang-rt-22-dev \
      libfuzzer-22-dev
  fi
  local launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache
              -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
  # -O1 without NDEBUG: assertions stay on, and the build stays affordable.
  cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE=-O1 -DCMAKE_C_FLAGS_RELEASE=-O1 \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    "${launcher[@]}" "$@" >/dev/null
}
