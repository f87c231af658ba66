// The unknown-activation error of the custom FFN syntax points at the
// unknown name, like the other custom keyword errors (scoring, gate layout,
// swiglu parameter, placement), not at the `activation` keyword before it.
// RUN: not moe-opt %s 2>&1 | FileCheck %s

// CHECK: activation-error-location.mlir:[[# @LINE + 2]]:55: error: custom op 'moe.experts' unknown activation 'swish'
func.func @activation(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swish : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

