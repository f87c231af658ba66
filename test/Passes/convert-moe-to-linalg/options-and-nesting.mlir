// convert-moe-to-linalg is not tied to an op: it runs on the module or on
// each function, reaches moe ops nested in regions, leaves other ops alone,
// and reads runtime-checks in every spelling of a boolean pass option.
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s --check-prefixes=CHECK,CHECKS
// RUN: moe-opt %s --pass-pipeline='builtin.module(func.func(convert-moe-to-linalg))' | FileCheck %s --check-prefixes=CHECK,CHECKS
// RUN: moe-opt %s --convert-moe-to-linalg=runtime-checks=true | FileCheck %s --check-prefixes=CHECK,CHECKS
// RUN: moe-opt %s --convert-moe-to-linalg=runtime-checks=1 | FileCheck %s --check-prefixes=CHECK,CHECKS
// RUN: moe-opt %s --convert-moe-to-linalg=runtime-checks=0 | FileCheck %s --check-prefixes=CHECK,NOCHECKS
// RUN: moe-opt %s --convert-moe-to-linalg="runtime-checks=false" | FileCheck %s --check-prefixes=CHECK,NOCHECKS
// RUN: moe-opt %s --pass-pipeline='builtin.module(func.func(convert-moe-to-linalg{runtime-checks=false}))' | FileCheck %s --check-prefixes=CHECK,NOCHECKS
// RUN: moe-opt %s --pass-pipeline='builtin.module(convert-moe-to-linalg{runtime-checks=false})' | FileCheck %s --check-prefixes=CHECK,NOCHECKS

// CHECK-LABEL: func.func @nested(
// CHECK: %[[R:.*]] = scf.if %{{.*}} -> (tensor<?x2xf32>) {
// CHECK-NOT: moe.route
// CHECK:   arith.maximumf
// CHECK:   scf.yield
// CHECK: } else {
// CHECK-NOT: moe.route
// CHECK:   arith.negf
// CHECK:   scf.yield
// CHECK: }
// CHECK: return %[[R]]
func.func @nested(%c: i1, %l: tensor<?x8xf32>) -> tensor<?x2xf32> {
  %r = scf.if %c -> tensor<?x2xf32> {
    %ids, %w = moe.route softmax %l top 2 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
    scf.yield %w : tensor<?x2xf32>
  } else {
    %ids, %w = moe.route sigmoid %l top 2 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
    scf.yield %w : tensor<?x2xf32>
  }
  return %r : tensor<?x2xf32>
}

// Functions without moe ops are left exactly as they are.
// CHECK-LABEL: func.func @untouched(
// CHECK-SAME: %[[A:[^:]*]]: tensor<4xf32>, %[[B:[^:]*]]: tensor<4xf32>
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[A]], %[[B]] : tensor<4xf32>
// CHECK-NEXT: return %[[S]] : tensor<4xf32>
// CHECK-NEXT: }
func.func @untouched(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %s = arith.addf %a, %b : tensor<4xf32>
  return %s : tensor<4xf32>
}

// CHECK-LABEL: func.func @checked_dispatch(
// CHECKS: cf.assert
// NOCHECKS-NOT: cf.assert
// CHECK: return
func.func @checked_dispatch(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>) -> tensor<?x16xf32> {
  %s, %o, %p = moe.dispatch %x, %ids
      : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  return %s : tensor<?x16xf32>
}
