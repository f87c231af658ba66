//===- Npy.h - NumPy .npy arrays of floats ----------------------*- C++ -*-===//
//
// The runtime's tensors on disk: reads little-endian, C-order float arrays
// ('<f4', '<f2', '<f8', widened or narrowed to fp32) in .npy format
// versions 1 to 3, writes '<f4' in version 1 (2 for headers over 64 KiB).
// Errors name the byte offset.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_RUNTIME_SUPPORT_NPY_H
#define MOE_RUNTIME_SUPPORT_NPY_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moe::runtime {

struct NpyArray {
  std::vector<uint64_t> shape; ///< empty: a scalar
  std::vector<float> data;     ///< C order

  uint64_t elements() const;
};

/// Parses a whole .npy file held in memory.
std::optional<NpyArray> decodeNpy(const uint8_t *data, size_t size,
                                  std::string &error);
/// Reads and parses a file; the error names the file.
std::optional<NpyArray> loadNpy(const std::string &path, std::string &error);

/// `array` as a version 1.0 '<f4' .npy file.
std::vector<uint8_t> encodeNpy(const NpyArray &array);
bool saveNpy(const std::string &path, const NpyArray &array,
             std::string &error);

} // namespace moe::runtime

#endif // MOE_RUNTIME_SUPPORT_NPY_H
