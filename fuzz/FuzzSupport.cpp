//===- FuzzSupport.cpp - what every fuzz target shares --------------------===//

#include "FuzzTargets.h"

#include "moe/Runtime/Support/ByteIO.h"

#include <cstdio>
#include <cstdlib>

namespace moe::fuzz {

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
