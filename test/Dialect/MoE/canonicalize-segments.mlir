// Dropping a zero bias from moe.experts / moe.ffn must shrink the right
// entry of operandSegmentSizes (printed in generic form), and the result
// must still verify and print back in the custom form.
// RUN: moe-opt %s -canonicalize --mlir-print-op-generic | FileCheck %s
// RUN: moe-opt %s -canonicalize | moe-opt | FileCheck %s --check-prefix=CUSTOM

// Segments: tokens, offsets, fc1, fc1 bias, fc2, fc2 bias, fc3, fc3 bias.
// CHECK-LABEL: sym_name = "experts_fc1_bias"
// CHECK: "moe.experts"(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^)]*}})
// CHECK-SAME: operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 1, 0, 0>
// CUSTOM-LABEL: func.func @experts_fc1_bias(
// CUSTOM-SAME: %[[B2:[^:]*]]: tensor<4x16xf32>)
// CUSTOM: fc2 %{{.*}} bias %[[B2]] activation relu :
func.func @experts_fc1_bias(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %b2: tensor<4x16xf32>) -> tensor<?x16xf32> {
  %b1 = arith.constant dense<0.0> : tensor<4x32xf32>
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 bias %b2 activation relu
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: sym_name = "experts_fc2_bias"
// CHECK: "moe.experts"
// CHECK-SAME: operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0, 1, 1>
// CUSTOM-LABEL: func.func @experts_fc2_bias(
// CUSTOM-SAME: %[[B1:[^:]*]]: tensor<4x32xf32>, %[[B3:[^:]*]]: tensor<4x32xf32>)
// CUSTOM: fc1 %{{.*}} bias %[[B1]], fc2 %{{[^ ]*}}, fc3 %{{.*}} bias %[[B3]] activation swiglu(separate) :
func.func @experts_fc2_bias(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>, %b1: tensor<4x32xf32>, %b3: tensor<4x32xf32>) -> tensor<?x16xf32> {
  %b2 = arith.constant dense<0.0> : tensor<4x16xf32>
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 bias %b2, fc3 %w3 bias %b3 activation swiglu(separate)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>, tensor<4x32x16xf32>, tensor<4x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// Segments: tokens, fc1, fc1 bias, fc2, fc2 bias, fc3, fc3 bias.
// CHECK-LABEL: sym_name = "ffn_fc3_bias"
// CHECK: "moe.ffn"
// CHECK-SAME: operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 1, 0>
// CUSTOM-LABEL: func.func @ffn_fc3_bias(
// CUSTOM: fc3 %{{[^ ]*}} activation swiglu(separate) placement pim :
func.func @ffn_fc3_bias(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %b1: tensor<32xf32>, %w2: tensor<16x32xf32>, %w3: tensor<32x16xf32>) -> tensor<?x16xf32> {
  %b3 = arith.constant dense<0.0> : tensor<32xf32>
  %y = moe.ffn %x fc1 %w1 bias %b1, fc2 %w2, fc3 %w3 bias %b3 activation swiglu(separate) placement pim
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<32xf32>, tensor<16x32xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
