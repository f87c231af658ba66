//===- moe-import-bench.cpp - time and memory of importing a model --------===//
//
// Imports an ONNX model with the C++ API (without printing it: printing
// would read every weight) and reports the wall time and the peak resident
// memory. Not a test: numbers depend on the machine.
//
//   moe-import-bench model.onnx [--repeat N]
//
// tools/moe-import-bench/make_stack.py writes the 48-layer
// Qwen3-30B-A3B-shaped stack with external (sparse) weights it is meant for.
//
//===----------------------------------------------------------------------===//

#include "moe/Import/ONNX/ImportONNX.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sys/resource.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    llvm::errs() << "usage: moe-import-bench model.onnx [--repeat N]\n";
    return 2;
  }
  int repeat = 1;
  if (argc == 4 && !std::strcmp(argv[2], "--repeat"))
    repeat = std::max(1, std::atoi(argv[3]));
  auto file = llvm::MemoryBuffer::getFile(argv[1]);
  if (!file) {
    llvm::errs() << argv[1] << ": " << file.getError().message() << "\n";
    return 1;
  }
  double best = 1e30;
  size_t ops = 0;
  for (int i = 0; i < repeat; ++i) {
    mlir::MLIRContext context;
    auto start = std::chrono::steady_clock::now();
    mlir::OwningOpRef<mlir::ModuleOp> module =
        moe::importONNXModel((*file)->getMemBufferRef(), &context);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (!module)
      return 1;
    best = std::min(best, seconds);
    ops = 0;
    module->walk([&](mlir::Operation *) { ++ops; });
  }
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  llvm::outs() << llvm::format("moe-import-bench: %s\n", argv[1])
               << llvm::format("  import time   %8.3f s (best of %d)\n", best,
                               repeat)
               << llvm::format("  peak RSS      %8.1f MB\n",
                               usage.ru_maxrss / 1024.0)
               << llvm::format("  model file    %8.1f MB, %zu ops imported\n",
                               (*file)->getBufferSize() / 1e6, ops);
  return 0;
}
