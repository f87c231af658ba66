//===- LibFuzzerMain.cpp - one fuzz target as a libFuzzer binary ----------===//
//
// Compiled once per target with MOE_FUZZ_ENTRY naming its entry point
// (fuzz/CMakeLists.txt) and linked with -fsanitize=fuzzer, which supplies
// main().
//
//===----------------------------------------------------------------------===//

#include "FuzzTargets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  moe::fuzz::MOE_FUZZ_ENTRY(data, size);
  return 0;
}
