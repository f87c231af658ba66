// FoldUnitRoutingWeights relies on the selected expert's softmax score being
// nonzero, which holds for the argmax (at least 1/E) but not when a
// correction bias steers selection to another expert: its score can
// underflow to 0 (e.g. logits [0, -200] in f32, bias [0, 10]), and the
// lowering then computes 0 / 0 = NaN, not `scale`. With a nonzero bias the
// weights must stay computed; a zero bias is dropped first and the fold
// applies.
// RUN: moe-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @biased_unit_weights_kept(
// CHECK-SAME: %[[L:[^:]*]]: tensor<?x8xf32>, %[[B:[^:]*]]: tensor<8xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[IDS:.*]], %[[W:.*]] = moe.route softmax %[[L]] bias %[[B]] : tensor<8xf32> top 1 normalize
// CHECK: return %[[IDS]], %[[W]]
func.func @biased_unit_weights_kept(%logits: tensor<?x8xf32>, %bias: tensor<8xf32>) -> (tensor<?x1xi32>, tensor<?x1xf32>) {
  %ids, %w = moe.route softmax %logits bias %bias : tensor<8xf32> top 1 normalize
      : tensor<?x8xf32> -> tensor<?x1xi32>, tensor<?x1xf32>
  return %ids, %w : tensor<?x1xi32>, tensor<?x1xf32>
}

// -----

// CHECK-LABEL: func.func @constant_biased_unit_weights_kept(
// CHECK: %[[B:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+01]> : tensor<2xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[IDS:.*]], %[[W:.*]] = moe.route softmax %{{.*}} bias %[[B]] : tensor<2xf32> top 1 normalize
// CHECK: return %[[IDS]], %[[W]]
func.func @constant_biased_unit_weights_kept(%logits: tensor<1x2xf32>) -> (tensor<1x1xi64>, tensor<1x1xf32>) {
  %bias = arith.constant dense<[0.0, 10.0]> : tensor<2xf32>
  %ids, %w = moe.route softmax %logits bias %bias : tensor<2xf32> top 1 normalize
      : tensor<1x2xf32> -> tensor<1x1xi64>, tensor<1x1xf32>
  return %ids, %w : tensor<1x1xi64>, tensor<1x1xf32>
}

// -----

// CHECK-LABEL: func.func @zero_biased_unit_weights_folded(
// CHECK: %[[FILL:.*]] = linalg.fill
// CHECK: %[[IDS:.*]], %{{.*}} = moe.route softmax %{{.*}} top 1 normalize :
// CHECK: return %[[IDS]], %[[FILL]]
func.func @zero_biased_unit_weights_folded(%logits: tensor<?x8xf32>) -> (tensor<?x1xi32>, tensor<?x1xf32>) {
  %bias = arith.constant dense<0.0> : tensor<8xf32>
  %ids, %w = moe.route softmax %logits bias %bias : tensor<8xf32> top 1 normalize
      : tensor<?x8xf32> -> tensor<?x1xi32>, tensor<?x1xf32>
  return %ids, %w : tensor<?x1xi32>, tensor<?x1xf32>
}
