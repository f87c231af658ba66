//===- MemRefCopy.cpp - the copy helper compiled host code calls ----------===//
//
// MLIR's LLVM lowering turns a memref.copy between non-contiguous layouts
// into a call of `memrefCopy(elementSize, source, target)` on unranked
// descriptors. The host code of an artifact links against the runtime, so
// the runtime provides it (MLIR's own runner library is not shipped with
// it).
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstring>
#include <vector>

namespace {

struct UnrankedDescriptor {
  int64_t rank;
  void *descriptor;
};

/// Reads the fields of a ranked descriptor of `rank` (two pointers, the
/// offset, the sizes, the strides).
struct View {
  char *aligned;
  int64_t offset;
  const int64_t *sizes, *strides;
  View(const UnrankedDescriptor &d, int64_t rank) {
    auto *words = static_cast<int64_t *>(d.descriptor);
    std::memcpy(&aligned, words + 1, sizeof(char *));
    offset = words[2];
    sizes = words + 3;
    strides = words + 3 + rank;
  }
};

} // namespace

extern "C" void memrefCopy(int64_t elementSize, void *sourcePtr,
                           void *targetPtr) {
  auto *source = static_cast<UnrankedDescriptor *>(sourcePtr);
  auto *target = static_cast<UnrankedDescriptor *>(targetPtr);
  int64_t rank = source->rank;
  View from(*source, rank), to(*target, rank);
  int64_t total = 1;
  for (int64_t d = 0; d < rank; ++d)
    total *= from.sizes[d];
  if (total == 0)
    return;
  std::vector<int64_t> index(rank, 0);
  for (int64_t i = 0; i < total; ++i) {
    int64_t a = from.offset, b = to.offset;
    for (int64_t d = 0; d < rank; ++d) {
      a += index[d] * from.strides[d];
      b += index[d] * to.strides[d];
    }
    std::memcpy(to.aligned + b * elementSize, from.aligned + a * elementSize,
                elementSize);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < from.sizes[d])
        break;
      index[d] = 0;
    }
  }
}
