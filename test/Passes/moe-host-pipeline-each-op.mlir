// Every moe op on its own, in the variants whose lowering differs (groups,
// bias, i32/i64 ids, static/dynamic shapes, f16/bf16, each swiglu layout),
// goes all the way to the LLVM dialect through moe-host-pipeline.
// RUN: moe-opt %s -split-input-file --moe-host-pipeline | FileCheck %s
// RUN: moe-opt %s -split-input-file --moe-host-pipeline | FileCheck %s --check-prefix=ONLY-LLVM

// ONLY-LLVM-NOT: {{(moe|linalg|tensor|bufferization|memref|scf|cf|arith|math|affine)\.[a-z]}}
// ONLY-LLVM-NOT: func.func
// ONLY-LLVM-NOT: unrealized_conversion_cast

// CHECK-LABEL: llvm.func @route_grouped(
// CHECK: llvm.return
func.func @route_grouped(%l: tensor<?x8xf32>, %b: tensor<8xf32>) -> (tensor<?x2xi64>, tensor<?x2xf32>) {
  %ids, %w = moe.route sigmoid %l bias %b : tensor<8xf32> top 2 groups 4 select 2 normalize scale 2.5
      : tensor<?x8xf32> -> tensor<?x2xi64>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi64>, tensor<?x2xf32>
}

// -----

// CHECK-LABEL: llvm.func @route_f16_static(
// CHECK: llvm.trunc %{{.*}} : i64 to i32
// CHECK: llvm.return
func.func @route_f16_static(%l: tensor<3x8xf16>) -> (tensor<3x2xi32>, tensor<3x2xf16>) {
  %ids, %w = moe.route softmax %l top 2 normalize
      : tensor<3x8xf16> -> tensor<3x2xi32>, tensor<3x2xf16>
  return %ids, %w : tensor<3x2xi32>, tensor<3x2xf16>
}

// -----

// CHECK-LABEL: llvm.func @dispatch_bf16(
// CHECK: llvm.return
func.func @dispatch_bf16(%x: tensor<?x16xbf16>, %ids: tensor<?x2xi32>) -> (tensor<?x16xbf16>, tensor<5xi64>, tensor<?xi64>) {
  %s, %o, %p = moe.dispatch %x, %ids
      : tensor<?x16xbf16>, tensor<?x2xi32> -> tensor<?x16xbf16>, tensor<5xi64>, tensor<?xi64>
  return %s, %o, %p : tensor<?x16xbf16>, tensor<5xi64>, tensor<?xi64>
}

// -----

// CHECK-LABEL: llvm.func @experts_separate(
// CHECK: llvm.return
func.func @experts_separate(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %b1: tensor<4x32xf32>, %w2: tensor<4x16x32xf32>, %b2: tensor<4x16xf32>, %w3: tensor<4x32x16xf32>, %b3: tensor<4x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 bias %b2, fc3 %w3 bias %b3
      activation swiglu(separate, limit = 7.0)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>, tensor<4x32x16xf32>, tensor<4x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// CHECK-LABEL: llvm.func @experts_interleaved_f16(
// CHECK: llvm.return
func.func @experts_interleaved_f16(%x: tensor<8x16xf16>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf16>, %w2: tensor<4x16x32xf16>) -> tensor<8x16xf16> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2
      activation swiglu(interleaved, alpha = 1.702, beta = 1.0, limit = 7.0)
      : (tensor<8x16xf16>, tensor<5xi64>, tensor<4x64x16xf16>, tensor<4x16x32xf16>) -> tensor<8x16xf16>
  return %y : tensor<8x16xf16>
}

// -----

// CHECK-LABEL: llvm.func @ffn_concatenated_gelu_tanh(
// CHECK: llvm.return
func.func @ffn_concatenated_gelu_tanh(%x: tensor<?x16xf32>, %w1: tensor<64x16xf32>, %w2: tensor<16x32xf32>, %v1: tensor<32x16xf32>, %v2: tensor<16x32xf32>) -> tensor<?x16xf32> {
  %a = moe.ffn %x fc1 %w1, fc2 %w2 activation swiglu(concatenated)
      : (tensor<?x16xf32>, tensor<64x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  %b = moe.ffn %a fc1 %v1, fc2 %v2 activation gelu_tanh placement pim
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return %b : tensor<?x16xf32>
}

// -----

// CHECK-LABEL: llvm.func @combine_static(
// CHECK: llvm.return
func.func @combine_static(%out: tensor<8x16xf32>, %w: tensor<4x2xf32>, %p: tensor<8xi64>) -> tensor<4x16xf32> {
  %y = moe.combine %out, %w, %p
      : tensor<8x16xf32>, tensor<4x2xf32>, tensor<8xi64> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
