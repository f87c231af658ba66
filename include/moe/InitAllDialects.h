//===- InitAllDialects.h - register every moe-mlir dialect ------*- C++ -*-===//

#ifndef MOE_INITALLDIALECTS_H
#define MOE_INITALLDIALECTS_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace moe {

/// Adds the moe-mlir dialects (not upstream's) to `registry`.
void registerAllDialects(mlir::DialectRegistry &registry);

} // namespace moe

#endif // MOE_INITALLDIALECTS_H
