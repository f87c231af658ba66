// The custom form elides alpha and beta only when they are exactly the
// default: beta = -0.0 compares equal to the default 0.0 but is a different
// f64 (x + -0.0 keeps the sign of a zero x), so it must print and survive a
// custom-form round trip.
// RUN: moe-opt %s | moe-opt --mlir-print-op-generic | FileCheck %s
// RUN: moe-opt %s | FileCheck %s --check-prefix=CUSTOM

// CHECK-LABEL: sym_name = "negative_zero_beta"
// CHECK: "moe.experts"
// CHECK-SAME: beta = -0.000000e+00 : f64
// CUSTOM-LABEL: func.func @negative_zero_beta(
// CUSTOM: activation swiglu(interleaved, beta = -0.000000e+00) :
func.func @negative_zero_beta(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(interleaved, beta = -0.0)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// A positive zero is the default and stays elided.
// CHECK-LABEL: sym_name = "positive_zero_beta"
// CHECK: "moe.ffn"
// CHECK-SAME: beta = 0.000000e+00 : f64
// CUSTOM-LABEL: func.func @positive_zero_beta(
// CUSTOM: activation swiglu(concatenated) :
func.func @positive_zero_beta(%x: tensor<?x16xf32>, %w1: tensor<64x16xf32>, %w2: tensor<16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation swiglu(concatenated, beta = 0.0)
      : (tensor<?x16xf32>, tensor<64x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
