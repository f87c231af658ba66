// Parse and verifier errors report file:line:col, the column pointing at
// the offending token: the bad keyword of the custom syntax, the op for a
// verifier error.
// RUN: not moe-opt %s -split-input-file 2>&1 | FileCheck %s

// A plain MLIR parse error inside moe syntax.
// CHECK: parse-error.mlir:[[# @LINE + 2]]:32: error: use of undeclared SSA value name
func.func @undeclared(%l: tensor<?x8xf32>) {
  %ids, %w = moe.route softmax %nope top 2 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

// CHECK: parse-error.mlir:[[# @LINE + 2]]:24: error: custom op 'moe.route' unknown scoring 'softplus'
func.func @scoring(%l: tensor<?x8xf32>) {
  %ids, %w = moe.route softplus %l top 2 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

// CHECK: parse-error.mlir:[[# @LINE + 2]]:62: error: custom op 'moe.experts' unknown gate layout 'stacked'
func.func @layout(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(stacked) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

// CHECK: parse-error.mlir:[[# @LINE + 2]]:75: error: custom op 'moe.experts' unknown swiglu parameter 'gamma'
func.func @param(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(interleaved, gamma = 1.0) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

// CHECK: parse-error.mlir:[[# @LINE + 2]]:62: error: custom op 'moe.ffn' unknown placement 'npu'
func.func @placement(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation relu placement npu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

// A verifier error is reported at the op.
// CHECK: parse-error.mlir:[[# @LINE + 2]]:14: error: 'moe.route' op k = 9 must be in [1, 8] (the number of experts)
func.func @verifier(%l: tensor<?x8xf32>) {
  %ids, %w = moe.route softmax %l top 9 : tensor<?x8xf32> -> tensor<?x9xi32>, tensor<?x9xf32>
  return
}
