//===- HostLibrary.h - the compiled host code of an artifact -----*- C++
//-*-===//
//
// The artifact's host code is a shared object; it is loaded from memory (a
// memfd, so nothing is written to disk) and its functions are called
// through MLIR's C interface: every memref argument and result is a pointer
// to a strided descriptor.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_RUNTIME_HOSTLIBRARY_H
#define MOE_RUNTIME_HOSTLIBRARY_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace moe::runtime {

/// A memref descriptor of rank R as MLIR's C interface lays it out.
template <int R> struct MemRefDescriptor {
  void *allocated = nullptr;
  void *aligned = nullptr;
  int64_t offset = 0;
  int64_t sizes[R] = {};
  int64_t strides[R] = {};
};
using Matrix = MemRefDescriptor<2>;

/// A dense row-major f32 tensor the runtime owns.
struct HostTensor {
  std::vector<int64_t> shape;
  std::vector<float> data;
  int64_t elements() const;
};

class HostLibrary {
public:
  /// Loads `image` (an ELF shared object); on failure returns null and sets
  /// `error`.
  static std::unique_ptr<HostLibrary> load(const std::vector<uint8_t> &image,
                                           std::string &error);
  ~HostLibrary();

  /// The C-interface wrapper of function `name` (`_mlir_ciface_<name>`), or
  /// null.
  void *function(const std::string &name) const;

private:
  HostLibrary() = default;
  void *handle_ = nullptr;
};

/// Calls the C interface of an entry function taking `inputs` (each of its
/// own rank) and returning `outputRanks.size()` memrefs, which are copied
/// into HostTensors and freed.
bool callEntry(void *function, const std::vector<HostTensor> &inputs,
               const std::vector<int> &outputRanks,
               std::vector<HostTensor> &outputs, std::string &error);

} // namespace moe::runtime

#endif // MOE_RUNTIME_HOSTLIBRARY_H
