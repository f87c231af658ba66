//===- ExpertProgram.h - the command list of one expert ---------*- C++ -*-===//
//
// Turns an expert's plan (ExpertLayout.h) into a stream Program: the host
// arena, the bias constants and the commands, in the straightforward order
// (one row activation per tile, matrix and input chunk); the pim-* passes
// reorder it. Plain C++ (library MoEPIMLayout), so pim-sim-bench times the
// programs the compiler emits without building IR for their weights.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_TARGET_PIM_EXPERTPROGRAM_H
#define MOE_TARGET_PIM_EXPERTPROGRAM_H

#include "moe/Target/PIM/ExpertLayout.h"

#include <optional>
#include <vector>

namespace moe {

/// One expert's matrices as floats in the planner's shapes.
struct ExpertMatrices {
  std::vector<float> gate, linear, down;             ///< row-major
  std::vector<float> gateBias, linearBias, downBias; ///< empty when absent
};

/// The activation between fc1 and fc2 as the banks' units run it.
struct PimActivation {
  pim::ActivationFunction function = pim::ActivationFunction::Identity;
  bool gated = false;
  float alpha = 1.0f, beta = 0.0f;
  std::optional<float> limit;
};

pim::Program
buildExpertProgram(const std::string &name, const pim::DeviceGeometry &geometry,
                   const pim::ExpertShape &shape, const pim::ExpertPlan &plan,
                   const ExpertMatrices &weights,
                   const PimActivation &activation, uint32_t slots);

} // namespace moe

#endif // MOE_TARGET_PIM_EXPERTPROGRAM_H
