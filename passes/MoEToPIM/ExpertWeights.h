//===- ExpertWeights.h - one expert's matrices as floats --------*- C++ -*-===//
//
// Reads the constant weights of a moe.experts op and splits out one
// expert's matrices in the planner's shapes: gate and linear [I, H], fc2
// [H, I], and the biases.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PASSES_MOETOPIM_EXPERTWEIGHTS_H
#define MOE_PASSES_MOETOPIM_EXPERTWEIGHTS_H

#include "moe/Dialect/MoE/MoEOps.h"
#include "moe/Target/PIM/ExpertProgram.h"

#include <vector>

namespace moe {

/// The weights of `experts` as constants, read once per op.
class ExpertWeightReader {
public:
  /// Fails with an error on `experts` when a weight is not a constant of a
  /// supported element type.
  mlir::LogicalResult read(ExpertsOp experts);
  ExpertMatrices expert(ExpertsOp experts, int64_t expert) const;
  int64_t hidden = 0, intermediate = 0;
  /// Some weights came as dense_resource blobs (large imported tensors):
  /// the laid-out matrices become blobs too, not IR text.
  bool resourceWeights = false;

private:
  std::vector<float> fc1, fc2, fc3, fc1Bias, fc2Bias, fc3Bias;
};

} // namespace moe

#endif // MOE_PASSES_MOETOPIM_EXPERTWEIGHTS_H
