// The moe ops are Pure: CSE merges identical ones and keeps those that
// differ in any attribute or operand.
// RUN: moe-opt %s -cse | FileCheck %s

// CHECK-LABEL: func.func @route_cse(
// CHECK: %[[IDS:.*]], %[[W:.*]] = moe.route softmax %{{.*}} top 2 normalize
// CHECK-NOT: moe.route
// CHECK: return %[[IDS]], %[[W]], %[[IDS]], %[[W]]
func.func @route_cse(%l: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<?x2xf32>) {
  %a, %b = moe.route softmax %l top 2 normalize : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %c, %d = moe.route softmax %l top 2 normalize : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %a, %b, %c, %d : tensor<?x2xi32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<?x2xf32>
}

// CHECK-LABEL: func.func @route_differs(
// CHECK: moe.route softmax %{{.*}} top 2 normalize :
// CHECK: moe.route softmax %{{.*}} top 2 :
// CHECK: moe.route sigmoid %{{.*}} top 2 normalize :
// CHECK: moe.route softmax %{{.*}} top 2 normalize scale 2.000000e+00 :
func.func @route_differs(%l: tensor<?x8xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>) {
  %a, %b = moe.route softmax %l top 2 normalize : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %c, %d = moe.route softmax %l top 2 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %e, %f = moe.route sigmoid %l top 2 normalize : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %g, %h = moe.route softmax %l top 2 normalize scale 2.0 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %b, %d, %f, %h : tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>
}

// CHECK-LABEL: func.func @experts_cse(
// CHECK: %[[A:.*]] = moe.experts {{.*}} placements [gpu, pim, gpu, pim]
// CHECK: %[[B:.*]] = moe.experts {{.*}} placements [gpu, gpu, gpu, pim]
// CHECK-NOT: moe.experts
// CHECK: return %[[A]], %[[A]], %[[B]]
func.func @experts_cse(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) -> (tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>) {
  %a = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu placements [gpu, pim, gpu, pim]
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  %b = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu placements [gpu, pim, gpu, pim]
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  %c = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu placements [gpu, gpu, gpu, pim]
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return %a, %b, %c : tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>
}

// CHECK-LABEL: func.func @dispatch_combine_ffn_cse(
// CHECK-COUNT-1: moe.dispatch
// CHECK-COUNT-1: moe.ffn
// CHECK-COUNT-1: moe.combine
// CHECK-NOT: moe.
// CHECK: return
func.func @dispatch_combine_ffn_cse(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>, %w: tensor<?x2xf32>, %f1: tensor<32x16xf32>, %f2: tensor<16x32xf32>) -> (tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>) {
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  %s2, %o2, %p2 = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  %y = moe.ffn %s fc1 %f1, fc2 %f2 activation silu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  %y2 = moe.ffn %s2 fc1 %f1, fc2 %f2 activation silu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  %c = moe.combine %y, %w, %p : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  %c2 = moe.combine %y2, %w, %p2 : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  return %c, %c2, %y, %y2 : tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>
}
