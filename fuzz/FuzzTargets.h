//===- FuzzTargets.h - one entry point per input format ---------*- C++ -*-===//
//
// Every input format moe-mlir reads from a user has one fuzz target here:
// bytes in, accepted or rejected with a diagnostic out. libFuzzer drives
// them (fuzz/LibFuzzerMain.cpp, -DMOE_FUZZ=ON) and moe-fuzz-replay runs the
// same entry points over the seed corpora and the kept regression inputs in
// the normal test suite. A target aborts (via failProperty) when an accepted
// input breaks a property the format promises, e.g. that what decodes
// re-encodes to something that decodes again.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_FUZZ_FUZZTARGETS_H
#define MOE_FUZZ_FUZZTARGETS_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moe::fuzz {

/// What one input did.
struct Outcome {
  bool accepted = false;
  /// The diagnostic of a rejected input (first line only is printed).
  std::string message;

  static Outcome accept() { return {true, ""}; }
  static Outcome reject(std::string message) {
    return {false, std::move(message)};
  }
};

using EntryPoint = Outcome (*)(const uint8_t *data, size_t size);

struct FuzzTarget {
  const char *name;
  /// One line: what the target feeds the bytes to.
  const char *covers;
  EntryPoint entry;
};

/// Every target, in a fixed order.
const std::vector<FuzzTarget> &fuzzTargets();
/// The target called `name`, or null.
const FuzzTarget *findFuzzTarget(std::string_view name);

/// Reports a broken property of an accepted input and aborts, so libFuzzer
/// keeps the input and the replay test fails.
[[noreturn]] void failProperty(const char *target, const std::string &what);

/// Copy of `data` whose last four bytes are the CRC-32 of the rest: the
/// checksummed containers would otherwise reject almost every mutation at
/// the checksum and the fuzzer would never reach the section parsers.
std::vector<uint8_t> withValidChecksum(const uint8_t *data, size_t size);

// The entry points (one file each).
Outcome fuzzONNXImport(const uint8_t *data, size_t size);
Outcome fuzzMoEDialect(const uint8_t *data, size_t size);
Outcome fuzzPIMDialect(const uint8_t *data, size_t size);
Outcome fuzzCommandStream(const uint8_t *data, size_t size);
Outcome fuzzArtifact(const uint8_t *data, size_t size);
Outcome fuzzHardwareJson(const uint8_t *data, size_t size);
Outcome fuzzTokenProfile(const uint8_t *data, size_t size);
Outcome fuzzNpy(const uint8_t *data, size_t size);

} // namespace moe::fuzz

#endif // MOE_FUZZ_FUZZTARGETS_H
