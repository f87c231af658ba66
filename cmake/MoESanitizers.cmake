# -DMOE_SANITIZE=ON: everything moe-mlir compiles gets AddressSanitizer and
# UndefinedBehaviorSanitizer (scripts/sanitize.sh, build-asan). Debian's
# libMLIR.so and libLLVM.so stay uninstrumented: ASan still intercepts their
# allocations, it just does not check their accesses.
#
# -DMOE_FUZZ=ON: additionally coverage-instruments our code for libFuzzer and
# builds the moe-fuzz-<target> binaries (fuzz/, scripts/fuzz.sh, build-fuzz).
# Needs clang (Debian's clang-22 with libclang-rt-22-dev, libfuzzer-22-dev).
option(MOE_SANITIZE "Build with AddressSanitizer and UBSan" OFF)
option(MOE_FUZZ "Build the libFuzzer targets (clang; implies MOE_SANITIZE)" OFF)

if(MOE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MOE_FUZZ needs clang (e.g. -DCMAKE_CXX_COMPILER="
                        "clang++-22), not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  set(MOE_SANITIZE ON CACHE BOOL "" FORCE)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(MOE_SANITIZE)
  # Undefined behaviour stops the program, so a test cannot pass over it.
  add_compile_options(-fsanitize=address,undefined
                      -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
