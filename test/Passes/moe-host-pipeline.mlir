// moe-host-pipeline takes moe ops on tensors (and element-wise arith on
// tensors around them) down to the LLVM dialect: nothing of moe, linalg,
// tensor, bufferization, memref, scf, cf, arith, math or func is left.
// erf has no LLVM intrinsic and becomes a libm call; runtime checks become
// calls to puts + abort, and disappear with runtime-checks=false.
// RUN: moe-opt %s --moe-host-pipeline | FileCheck %s --check-prefix=ONLY-LLVM
// RUN: moe-opt %s --pass-pipeline='builtin.module(moe-host-pipeline{runtime-checks=false})' | FileCheck %s --check-prefix=ONLY-LLVM
// RUN: moe-opt %s --moe-host-pipeline | FileCheck %s --check-prefixes=CHECK,CHECKS
// RUN: moe-opt %s --moe-host-pipeline=runtime-checks=true | FileCheck %s --check-prefixes=CHECK,CHECKS
// RUN: moe-opt %s --pass-pipeline='builtin.module(moe-host-pipeline{runtime-checks=false})' | FileCheck %s --check-prefixes=CHECK,NOCHECKS
// RUN: moe-opt %s --moe-host-pipeline=runtime-checks=false | FileCheck %s --check-prefixes=CHECK,NOCHECKS

// ONLY-LLVM-NOT: moe.
// ONLY-LLVM-NOT: linalg.
// ONLY-LLVM-NOT: tensor.
// ONLY-LLVM-NOT: bufferization.
// ONLY-LLVM-NOT: memref.
// ONLY-LLVM-NOT: scf.
// ONLY-LLVM-NOT: cf.
// ONLY-LLVM-NOT: arith.
// ONLY-LLVM-NOT: math.
// ONLY-LLVM-NOT: func.func
// ONLY-LLVM-NOT: func.return
// ONLY-LLVM-NOT: affine.
// ONLY-LLVM-NOT: unrealized_conversion_cast
// ONLY-LLVM-NOT: memref<

// CHECKS-DAG: llvm.func @abort()
// CHECKS-DAG: llvm.func @puts(!llvm.ptr)
// CHECKS-DAG: llvm.mlir.global private constant @assert_msg
// NOCHECKS-NOT: @abort
// NOCHECKS-NOT: @puts
// NOCHECKS-NOT: @assert_msg
// CHECK-DAG: llvm.func @erff(f32) -> f32
// CHECK-DAG: llvm.func @malloc(i64) -> !llvm.ptr
// CHECK-LABEL: llvm.func @layer(
// CHECK: llvm.call @erff(
// CHECK: llvm.return
// The failure blocks of the checks follow the return.
// CHECKS: llvm.call @puts(
// CHECKS-NEXT: llvm.call @abort()
// NOCHECKS-NOT: @abort
func.func @layer(%x: tensor<?x16xf32>, %logits: tensor<?x4xf32>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %sw1: tensor<32x16xf32>, %sw2: tensor<16x32xf32>) -> tensor<?x16xf32> {
  %ids, %w = moe.route softmax %logits top 2 normalize
      : tensor<?x4xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %s, %o, %p = moe.dispatch %x, %ids
      : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  %e = moe.experts %s, %o fc1 %w1, fc2 %w2 activation gelu placements [gpu, gpu, pim, pim]
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  %c = moe.combine %e, %w, %p
      : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  %sh = moe.ffn %x fc1 %sw1, fc2 %sw2 activation silu placement gpu
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  %y = arith.addf %c, %sh : tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
