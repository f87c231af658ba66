//===- FuzzTargets.cpp - the table of fuzz targets ------------------------===//
//
// Only moe-fuzz-replay links the table; each libFuzzer binary calls its own
// entry point and links only what that needs.
//
//===----------------------------------------------------------------------===//

#include "FuzzTargets.h"

namespace moe::fuzz {

const std::vector<FuzzTarget> &fuzzTargets() {
  static const std::vector<FuzzTarget> targets = {
      {"onnx", "ONNX ModelProto bytes -> importONNXModel -> verify",
       fuzzONNXImport},
      {"moe-dialect", "moe IR text -> parse -> verify -> print -> re-parse",
       fuzzMoEDialect},
      {"pim-dialect",
       "pim IR text -> parse -> verify -> exportCommandStream -> decode",
       fuzzPIMDialect},
      {"command-stream",
       "PIM stream bytes -> decodeStream -> dump, re-encode, pim-sim run",
       fuzzCommandStream},
      {"artifact",
       ".moeb bytes -> decodeArtifact -> parseManifest, decodeStream",
       fuzzArtifact},
      {"hardware-json",
       "JSON -> parseHardwareJson and parseModelJson (descriptors, models)",
       fuzzHardwareJson},
      {"token-profile",
       "JSON -> parseTokenProfile -> print -> re-parse (--record-profile)",
       fuzzTokenProfile},
      {"npy", ".npy bytes -> decodeNpy -> encodeNpy -> decodeNpy", fuzzNpy},
  };
  return targets;
}

const FuzzTarget *findFuzzTarget(std::string_view name) {
  for (const FuzzTarget &target : fuzzTargets())
    if (name == target.name)
      return &target;
  return nullptr;
}

} // namespace moe::fuzz
