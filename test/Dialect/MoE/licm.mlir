// The moe ops are Pure (no side effects, always speculatable): loop-invariant
// code motion hoists them out of a loop whose body does not feed them, and
// keeps those that depend on the induction variable inside.
// RUN: moe-opt %s --loop-invariant-code-motion | FileCheck %s

// CHECK-LABEL: func.func @hoist(
// CHECK: %{{.*}}, %[[W:.*]] = moe.route softmax
// CHECK: %[[Y:.*]] = moe.ffn
// CHECK: scf.for
// CHECK-NOT: moe.route
// CHECK: moe.combine
// CHECK: scf.yield
func.func @hoist(%l: tensor<?x8xf32>, %x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>, %p: tensor<?xi64>, %n: index) -> tensor<?x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> tensor<?x16xf32> {
    %ids, %w = moe.route softmax %l top 2 normalize : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
    %y = moe.ffn %x fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
    %c = moe.combine %acc, %w, %p : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
    scf.yield %c : tensor<?x16xf32>
  }
  return %r : tensor<?x16xf32>
}
