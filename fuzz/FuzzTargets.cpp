//===- FuzzTargets.cpp - the table of fuzz targets ------------------------===//

#include "FuzzTargets.h"

#include "moe/Runtime/Support/ByteIO.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

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

void failProperty(const char *target, const std::string &what) {
  std::fprintf(stderr, "moe-fuzz %s: property broken: %s\n", target,
               what.c_str());
  std::abort();
}

std::vector<uint8_t> withValidChecksum(const uint8_t *data, size_t size) {
  std::vector<uint8_t> copy(data, data + size);
  if (size < 4)
    return copy;
  uint32_t crc = support::crc32(copy.data(), size - 4);
  for (int i = 0; i < 4; ++i)
    copy[size - 4 + i] = static_cast<uint8_t>(crc >> (8 * i));
  return copy;
}

} // namespace moe::fuzz
