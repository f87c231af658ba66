//===- LibFuzzerMain.cpp - one fuzz target as a libFuzzer binary ----------===//
//
// Compiled once per target with MOE_FUZZ_TARGET_NAME set (fuzz/CMakeLists.txt)
// and linked with -fsanitize=fuzzer, which supplies main().
//
//===----------------------------------------------------------------------===//

#include "FuzzTargets.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const moe::fuzz::FuzzTarget *target = [] {
    const moe::fuzz::FuzzTarget *found =
        moe::fuzz::findFuzzTarget(MOE_FUZZ_TARGET_NAME);
    if (!found) {
      std::fprintf(stderr, "no fuzz target '%s'\n", MOE_FUZZ_TARGET_NAME);
      std::abort();
    }
    return found;
  }();
  target->entry(data, size);
  return 0;
}
