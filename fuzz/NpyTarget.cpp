//===- NpyTarget.cpp - fuzz the .npy reader -------------------------------===//
//
// Bytes as a .npy file (moe-run --input, pim-sim --input). What decodes must
// have as many elements as its shape says and survive encodeNpy/decodeNpy
// unchanged (NaN payloads aside: compared bitwise after the round trip).
//
//===----------------------------------------------------------------------===//

#include "FuzzTargets.h"

#include "moe/Runtime/Support/Npy.h"

#include <cstring>

namespace moe::fuzz {

Outcome fuzzNpy(const uint8_t *data, size_t size) {
  std::string error;
  std::optional<runtime::NpyArray> array =
      runtime::decodeNpy(data, size, error);
  if (!array)
    return Outcome::reject(error);
  // Multiplied without wrapping: readers index by the shape, not the data.
  uint64_t elements = 1;
  bool overflow = false;
  for (uint64_t extent : array->shape)
    overflow |= __builtin_mul_overflow(elements, extent, &elements);
  if (overflow || elements != array->data.size())
    failProperty("npy", "the shape's elements (" +
                            (overflow ? std::string("over 2^64")
                                      : std::to_string(elements)) +
                            ") differ from the " +
                            std::to_string(array->data.size()) + " decoded");
  std::vector<uint8_t> bytes = runtime::encodeNpy(*array);
  std::optional<runtime::NpyArray> again =
      runtime::decodeNpy(bytes.data(), bytes.size(), error);
  if (!again)
    failProperty("npy", "a decoded array does not re-encode: " + error);
  if (again->shape != array->shape ||
      again->data.size() != array->data.size() ||
      (!array->data.empty() &&
       std::memcmp(again->data.data(), array->data.data(),
                   4 * array->data.size()) != 0))
    failProperty("npy", "encodeNpy/decodeNpy changed the array");
  return Outcome::accept();
}

} // namespace moe::fuzz
