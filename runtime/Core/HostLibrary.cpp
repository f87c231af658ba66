//===- HostLibrary.cpp - load compiled host code, call its entry ----------===//

#include "moe/Runtime/HostLibrary.h"

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>

namespace moe::runtime {

int64_t HostTensor::elements() const {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  return count;
}

std::unique_ptr<HostLibrary>
HostLibrary::load(const std::vector<uint8_t> &image, std::string &error) {
  int fd = memfd_create("moe-host-code", MFD_CLOEXEC);
  if (fd < 0) {
    error = std::string("memfd_create failed: ") + std::strerror(errno);
    return nullptr;
  }
  size_t written = 0;
  while (written < image.size()) {
    ssize_t n = write(fd, image.data() + written, image.size() - written);
    if (n <= 0) {
      error =
          std::string("cannot stage the host code: ") + std::strerror(errno);
      close(fd);
      return nullptr;
    }
    written += static_cast<size_t>(n);
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  // RTLD_NOW: a missing symbol (the runtime's moe_rt_layer) shows here, not
  // in the middle of a run.
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  close(fd);
  if (!handle) {
    const char *reason = dlerror();
    error = std::string("cannot load the host code: ") +
            (reason ? reason : "unknown error");
    return nullptr;
  }
  std::unique_ptr<HostLibrary> library(new HostLibrary());
  library->handle_ = handle;
  return library;
}

HostLibrary::~HostLibrary() {
  if (handle_)
    dlclose(handle_);
}

void *HostLibrary::function(const std::string &name) const {
  return dlsym(handle_, ("_mlir_ciface_" + name).c_str());
}

namespace {

/// Bytes of a rank-R descriptor: two pointers, the offset, R sizes, R
/// strides (all 8 bytes on the 64-bit targets this runs on).
size_t descriptorBytes(int rank) { return 8 * (3 + 2 * rank); }

/// A descriptor over `tensor`'s data, written at `out`.
void describe(const HostTensor &tensor, uint8_t *out) {
  int rank = static_cast<int>(tensor.shape.size());
  auto *words = reinterpret_cast<int64_t *>(out);
  void *data = const_cast<float *>(tensor.data.data());
  std::memcpy(out, &data, 8);
  std::memcpy(out + 8, &data, 8);
  words[2] = 0;
  int64_t stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    words[3 + d] = tensor.shape[d];
    words[3 + rank + d] = stride;
    stride *= tensor.shape[d];
  }
}

/// Copies a returned descriptor's elements (any strides) and frees its
/// buffer, which the caller owns under MLIR's deallocation rules.
HostTensor adopt(const uint8_t *in, int rank) {
  const auto *words = reinterpret_cast<const int64_t *>(in);
  void *allocated, *aligned;
  std::memcpy(&allocated, in, 8);
  std::memcpy(&aligned, in + 8, 8);
  HostTensor tensor;
  tensor.shape.assign(words + 3, words + 3 + rank);
  tensor.data.resize(tensor.elements());
  const float *base = static_cast<const float *>(aligned) + words[2];
  std::vector<int64_t> index(rank, 0);
  for (int64_t i = 0; i < tensor.elements(); ++i) {
    int64_t at = 0;
    for (int d = 0; d < rank; ++d)
      at += index[d] * words[3 + rank + d];
    tensor.data[i] = base[at];
    for (int d = rank - 1; d >= 0; --d) {
      if (++index[d] < tensor.shape[d])
        break;
      index[d] = 0;
    }
  }
  std::free(allocated);
  return tensor;
}

using P = void *;

} // namespace

bool callEntry(void *function, const std::vector<HostTensor> &inputs,
               const std::vector<int> &outputRanks,
               std::vector<HostTensor> &outputs, std::string &error) {
  size_t resultBytes = 0;
  for (int rank : outputRanks)
    resultBytes += descriptorBytes(rank);
  std::vector<uint8_t> results(resultBytes);
  std::vector<std::vector<uint8_t>> arguments;
  for (const HostTensor &input : inputs) {
    arguments.emplace_back(descriptorBytes(input.shape.size()));
    describe(input, arguments.back().data());
  }
  std::vector<P> a;
  for (std::vector<uint8_t> &argument : arguments)
    a.push_back(argument.data());
  P r = results.data();
  // The C interface takes the result pointer first, then one pointer per
  // memref argument.
  switch (a.size()) {
  case 0:
    reinterpret_cast<void (*)(P)>(function)(r);
    break;
  case 1:
    reinterpret_cast<void (*)(P, P)>(function)(r, a[0]);
    break;
  case 2:
    reinterpret_cast<void (*)(P, P, P)>(function)(r, a[0], a[1]);
    break;
  case 3:
    reinterpret_cast<void (*)(P, P, P, P)>(function)(r, a[0], a[1], a[2]);
    break;
  case 4:
    reinterpret_cast<void (*)(P, P, P, P, P)>(function)(r, a[0], a[1], a[2],
                                                        a[3]);
    break;
  case 5:
    reinterpret_cast<void (*)(P, P, P, P, P, P)>(function)(r, a[0], a[1], a[2],
                                                           a[3], a[4]);
    break;
  case 6:
    reinterpret_cast<void (*)(P, P, P, P, P, P, P)>(function)(
        r, a[0], a[1], a[2], a[3], a[4], a[5]);
    break;
  default:
    error = "entry functions with more than 6 inputs are not supported, got " +
            std::to_string(a.size());
    return false;
  }
  outputs.clear();
  size_t at = 0;
  for (int rank : outputRanks) {
    outputs.push_back(adopt(results.data() + at, rank));
    at += descriptorBytes(rank);
  }
  return true;
}

} // namespace moe::runtime
