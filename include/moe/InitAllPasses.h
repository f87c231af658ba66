//===- InitAllPasses.h - register every moe-mlir pass -----------*- C++ -*-===//

#ifndef MOE_INITALLPASSES_H
#define MOE_INITALLPASSES_H

namespace moe {

/// Registers the moe-mlir passes and named pipelines with the global pass
/// registry, so `--pass-pipeline` and opt-style flags can name them.
void registerAllPasses();

} // namespace moe

#endif // MOE_INITALLPASSES_H
