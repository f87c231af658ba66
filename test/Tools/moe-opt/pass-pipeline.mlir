// The moe pass and pipeline in textual pipelines: with options, nested on
// functions, combined with upstream passes, and expanded by
// --dump-pass-pipeline (the host pipeline forwards runtime-checks to the
// lowering).
// RUN: moe-opt %s --pass-pipeline='builtin.module(convert-moe-to-linalg,canonicalize,cse)' | FileCheck %s
// RUN: moe-opt %s --pass-pipeline='builtin.module(func.func(convert-moe-to-linalg{runtime-checks=true},canonicalize))' | FileCheck %s
// RUN: moe-opt %s --pass-pipeline='builtin.module(moe-host-pipeline)' --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=DUMP-CHECKS
// RUN: moe-opt %s --pass-pipeline='builtin.module(moe-host-pipeline{runtime-checks=false})' --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=DUMP-NOCHECKS
// RUN: moe-opt %s --pass-pipeline='builtin.module(moe-host-pipeline{runtime-checks=false})' | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @route(
// CHECK-NOT: moe.route
// CHECK: linalg.generic
// CHECK: return

// DUMP-CHECKS: builtin.module(
// DUMP-CHECKS-NEXT: pim-strip-modules
// DUMP-CHECKS-NEXT: convert-moe-to-linalg{runtime-checks=true}
// DUMP-CHECKS: one-shot-bufferize{
// DUMP-CHECKS-SAME: bufferize-function-boundaries=true
// DUMP-CHECKS: convert-linalg-to-loops
// DUMP-CHECKS: convert-scf-to-cf
// DUMP-CHECKS: convert-math-to-libm
// DUMP-CHECKS: convert-to-llvm
// DUMP-CHECKS: reconcile-unrealized-casts

// DUMP-NOCHECKS: builtin.module(
// DUMP-NOCHECKS-NEXT: pim-strip-modules
// DUMP-NOCHECKS-NEXT: convert-moe-to-linalg{runtime-checks=false}

// LLVM: llvm.func @route(
// LLVM-NOT: moe.route
func.func @route(%l: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route softmax %l top 2 normalize
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}
