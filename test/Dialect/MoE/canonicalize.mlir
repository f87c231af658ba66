// The canonicalization patterns of MoECanonicalize.cpp, where they fire and
// where they must not.
// RUN: moe-opt %s -canonicalize -split-input-file | FileCheck %s

//===----------------------------------------------------------------------===//
// DropZeroCorrectionBias
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @zero_bias_dropped(
// CHECK-SAME: %[[L:.*]]: tensor<?x8xf32>
// CHECK-NOT: arith.constant
// CHECK: moe.route sigmoid %[[L]] top 2 normalize : tensor<?x8xf32>
func.func @zero_bias_dropped(%logits: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %bias = arith.constant dense<0.0> : tensor<8xf32>
  %ids, %w = moe.route sigmoid %logits bias %bias : tensor<8xf32> top 2 normalize
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}

// -----

// -0.0 is a zero too; a literal list of zeros is a splat.
// CHECK-LABEL: func.func @negative_zero_bias_dropped(
// CHECK: moe.route softmax %{{.*}} top 2 groups 4 select 2 : tensor<?x8xbf16>
// CHECK-LABEL: func.func @zero_list_bias_dropped(
// CHECK: moe.route sigmoid %{{.*}} top 1 : tensor<4x8xf16>
func.func @negative_zero_bias_dropped(%logits: tensor<?x8xbf16>) -> (tensor<?x2xi64>, tensor<?x2xbf16>) {
  %bias = arith.constant dense<-0.0> : tensor<8xbf16>
  %ids, %w = moe.route softmax %logits bias %bias : tensor<8xbf16> top 2 groups 4 select 2
      : tensor<?x8xbf16> -> tensor<?x2xi64>, tensor<?x2xbf16>
  return %ids, %w : tensor<?x2xi64>, tensor<?x2xbf16>
}
func.func @zero_list_bias_dropped(%logits: tensor<4x8xf16>) -> (tensor<4x1xi32>, tensor<4x1xf16>) {
  %bias = arith.constant dense<[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]> : tensor<8xf16>
  %ids, %w = moe.route sigmoid %logits bias %bias : tensor<8xf16> top 1
      : tensor<4x8xf16> -> tensor<4x1xi32>, tensor<4x1xf16>
  return %ids, %w : tensor<4x1xi32>, tensor<4x1xf16>
}

// -----

// A nonzero splat, a non-splat constant and a bias that is not a constant
// all stay.
// CHECK-LABEL: func.func @nonzero_bias_kept(
// CHECK: %[[B:.*]] = arith.constant dense<1.000000e-03> : tensor<8xf32>
// CHECK: moe.route sigmoid %{{.*}} bias %[[B]] : tensor<8xf32> top 2
// CHECK-LABEL: func.func @mixed_bias_kept(
// CHECK: %[[B:.*]] = arith.constant dense<[0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00]> : tensor<8xf32>
// CHECK: moe.route sigmoid %{{.*}} bias %[[B]] : tensor<8xf32> top 2
// CHECK-LABEL: func.func @argument_bias_kept(
// CHECK-SAME: %[[B:[^:]*]]: tensor<8xf32>
// CHECK: moe.route sigmoid %{{.*}} bias %[[B]] : tensor<8xf32> top 2
func.func @nonzero_bias_kept(%logits: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %bias = arith.constant dense<0.001> : tensor<8xf32>
  %ids, %w = moe.route sigmoid %logits bias %bias : tensor<8xf32> top 2
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}
func.func @mixed_bias_kept(%logits: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %bias = arith.constant dense<[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]> : tensor<8xf32>
  %ids, %w = moe.route sigmoid %logits bias %bias : tensor<8xf32> top 2
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}
func.func @argument_bias_kept(%logits: tensor<?x8xf32>, %bias: tensor<8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route sigmoid %logits bias %bias : tensor<8xf32> top 2
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}

//===----------------------------------------------------------------------===//
// DropTrivialGroupLimit
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @all_groups_selected(
// CHECK: moe.route sigmoid %{{.*}} top 2 normalize : tensor<?x8xf32>
// CHECK-LABEL: func.func @single_group(
// CHECK: moe.route softmax %{{.*}} top 3 scale 2.000000e+00 : tensor<?x8xf32>
func.func @all_groups_selected(%logits: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route sigmoid %logits top 2 groups 4 select 4 normalize
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}
func.func @single_group(%logits: tensor<?x8xf32>) -> (tensor<?x3xi32>, tensor<?x3xf32>) {
  %ids, %w = moe.route softmax %logits top 3 groups 1 select 1 scale 2.0
      : tensor<?x8xf32> -> tensor<?x3xi32>, tensor<?x3xf32>
  return %ids, %w : tensor<?x3xi32>, tensor<?x3xf32>
}

// -----

// CHECK-LABEL: func.func @some_groups_kept(
// CHECK: moe.route sigmoid %{{.*}} top 2 groups 4 select 3 normalize : tensor<?x8xf32>
// CHECK-LABEL: func.func @one_of_many_groups_kept(
// CHECK: moe.route sigmoid %{{.*}} top 2 groups 4 select 1 : tensor<?x8xf32>
func.func @some_groups_kept(%logits: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route sigmoid %logits top 2 groups 4 select 3 normalize
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}
func.func @one_of_many_groups_kept(%logits: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route sigmoid %logits top 2 groups 4 select 1
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}

//===----------------------------------------------------------------------===//
// FoldUnitRoutingWeights
//===----------------------------------------------------------------------===//

// -----

// softmax, k = 1, normalize: every weight is `scale`.
// CHECK-LABEL: func.func @unit_weights_dynamic(
// CHECK-SAME: %[[L:.*]]: tensor<?x8xf32>
// CHECK-DAG: %[[SCALE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[T:.*]] = tensor.dim %[[L]], %[[C0]] : tensor<?x8xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[T]]) : tensor<?x1xf32>
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[SCALE]] : f32) outs(%[[E]] : tensor<?x1xf32>) -> tensor<?x1xf32>
// CHECK: %[[IDS:.*]], %{{.*}} = moe.route softmax %[[L]] top 1 normalize
// CHECK: return %[[IDS]], %[[FILL]]
func.func @unit_weights_dynamic(%logits: tensor<?x8xf32>) -> (tensor<?x1xi32>, tensor<?x1xf32>) {
  %ids, %w = moe.route softmax %logits top 1 normalize
      : tensor<?x8xf32> -> tensor<?x1xi32>, tensor<?x1xf32>
  return %ids, %w : tensor<?x1xi32>, tensor<?x1xf32>
}

// -----

// With an epsilon the weight is score / (score + epsilon), not 1.
// CHECK-LABEL: func.func @unit_weights_epsilon(
// CHECK-NOT: linalg.fill
// CHECK: %[[IDS:.*]], %[[W:.*]] = moe.route softmax %{{.*}} top 1 normalize epsilon 1.000000e-01
// CHECK: return %[[IDS]], %[[W]]
func.func @unit_weights_epsilon(%logits: tensor<?x8xf32>) -> (tensor<?x1xi32>, tensor<?x1xf32>) {
  %ids, %w = moe.route softmax %logits top 1 normalize epsilon 0.1
      : tensor<?x8xf32> -> tensor<?x1xi32>, tensor<?x1xf32>
  return %ids, %w : tensor<?x1xi32>, tensor<?x1xf32>
}

// -----

// Static tokens, a scale in the element type; unused ids then leave nothing.
// CHECK-LABEL: func.func @unit_weights_scaled_static(
// CHECK-NOT: tensor.dim
// CHECK-DAG: %[[SCALE:.*]] = arith.constant 2.500000e+00 : f16
// CHECK-DAG: %[[E:.*]] = tensor.empty() : tensor<4x1xf16>
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[SCALE]] : f16) outs(%[[E]] : tensor<4x1xf16>) -> tensor<4x1xf16>
// CHECK-NOT: moe.route
// CHECK: return %[[FILL]]
func.func @unit_weights_scaled_static(%logits: tensor<4x8xf16>) -> tensor<4x1xf16> {
  %ids, %w = moe.route softmax %logits top 1 normalize scale 2.5
      : tensor<4x8xf16> -> tensor<4x1xi64>, tensor<4x1xf16>
  return %w : tensor<4x1xf16>
}

// -----

// Selection modifiers do not change it: the bias only steers selection and
// groups only restrict it.
// CHECK-LABEL: func.func @unit_weights_with_groups(
// CHECK: %[[FILL:.*]] = linalg.fill
// CHECK: %[[IDS:.*]], %{{.*}} = moe.route softmax %{{.*}} top 1 groups 4 select 2 normalize
// CHECK: return %[[IDS]], %[[FILL]]
func.func @unit_weights_with_groups(%logits: tensor<?x8xf32>) -> (tensor<?x1xi32>, tensor<?x1xf32>) {
  %ids, %w = moe.route softmax %logits top 1 groups 4 select 2 normalize
      : tensor<?x8xf32> -> tensor<?x1xi32>, tensor<?x1xf32>
  return %ids, %w : tensor<?x1xi32>, tensor<?x1xf32>
}

// -----

// Sigmoid scores can be 0: the weights stay computed.
// CHECK-LABEL: func.func @sigmoid_weights_kept(
// CHECK-NOT: linalg.fill
// CHECK: %[[IDS:.*]], %[[W:.*]] = moe.route sigmoid %{{.*}} top 1 normalize
// CHECK: return %[[IDS]], %[[W]]
func.func @sigmoid_weights_kept(%logits: tensor<?x8xf32>) -> (tensor<?x1xi32>, tensor<?x1xf32>) {
  %ids, %w = moe.route sigmoid %logits top 1 normalize
      : tensor<?x8xf32> -> tensor<?x1xi32>, tensor<?x1xf32>
  return %ids, %w : tensor<?x1xi32>, tensor<?x1xf32>
}

// -----

// k = 2: the weights are real fractions.
// CHECK-LABEL: func.func @two_experts_weights_kept(
// CHECK-NOT: linalg.fill
// CHECK: %[[IDS:.*]], %[[W:.*]] = moe.route softmax %{{.*}} top 2 normalize
// CHECK: return %[[IDS]], %[[W]]
func.func @two_experts_weights_kept(%logits: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route softmax %logits top 2 normalize
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}

// -----

// Without normalize the weight is the softmax score itself.
// CHECK-LABEL: func.func @unnormalized_weights_kept(
// CHECK-NOT: linalg.fill
// CHECK: %[[IDS:.*]], %[[W:.*]] = moe.route softmax %{{.*}} top 1 scale 2.000000e+00 :
// CHECK: return %[[IDS]], %[[W]]
func.func @unnormalized_weights_kept(%logits: tensor<?x8xf32>) -> (tensor<?x1xi32>, tensor<?x1xf32>) {
  %ids, %w = moe.route softmax %logits top 1 scale 2.0
      : tensor<?x8xf32> -> tensor<?x1xi32>, tensor<?x1xf32>
  return %ids, %w : tensor<?x1xi32>, tensor<?x1xf32>
}

// -----

// Unused weights: nothing to fold, the op stays as it is.
// CHECK-LABEL: func.func @unused_weights(
// CHECK-NOT: linalg.fill
// CHECK: %[[IDS:.*]], %{{.*}} = moe.route softmax %{{.*}} top 1 normalize
// CHECK: return %[[IDS]]
func.func @unused_weights(%logits: tensor<?x8xf32>) -> tensor<?x1xi32> {
  %ids, %w = moe.route softmax %logits top 1 normalize
      : tensor<?x8xf32> -> tensor<?x1xi32>, tensor<?x1xf32>
  return %ids : tensor<?x1xi32>
}

//===----------------------------------------------------------------------===//
// All route patterns together
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @route_all_patterns(
// CHECK-SAME: %[[L:.*]]: tensor<?x8xf32>
// CHECK: %[[FILL:.*]] = linalg.fill
// CHECK: %[[IDS:.*]], %{{.*}} = moe.route softmax %[[L]] top 1 normalize :
// CHECK: return %[[IDS]], %[[FILL]]
func.func @route_all_patterns(%logits: tensor<?x8xf32>) -> (tensor<?x1xi32>, tensor<?x1xf32>) {
  %bias = arith.constant dense<0.0> : tensor<8xf32>
  %ids, %w = moe.route softmax %logits bias %bias : tensor<8xf32> top 1 groups 2 select 2 normalize
      : tensor<?x8xf32> -> tensor<?x1xi32>, tensor<?x1xf32>
  return %ids, %w : tensor<?x1xi32>, tensor<?x1xf32>
}

//===----------------------------------------------------------------------===//
// DropZeroFFNBias (moe.experts and moe.ffn)
//===----------------------------------------------------------------------===//

// -----

// Every zero bias goes; the activation and placements stay.
// CHECK-LABEL: func.func @experts_zero_biases(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x16xf32>, %[[O:[^:]*]]: tensor<5xi64>, %[[W1:[^:]*]]: tensor<4x32x16xf32>, %[[W2:[^:]*]]: tensor<4x16x32xf32>, %[[W3:[^:]*]]: tensor<4x32x16xf32>
// CHECK-NOT: arith.constant
// CHECK: moe.experts %[[X]], %[[O]] fc1 %[[W1]], fc2 %[[W2]], fc3 %[[W3]] activation swiglu(separate, limit = 7.000000e+00) placements [gpu, pim, host, dynamic] : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
func.func @experts_zero_biases(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>) -> tensor<?x16xf32> {
  %b1 = arith.constant dense<0.0> : tensor<4x32xf32>
  %b2 = arith.constant dense<-0.0> : tensor<4x16xf32>
  %b3 = arith.constant dense<0.0> : tensor<4x32xf32>
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 bias %b2, fc3 %w3 bias %b3
      activation swiglu(separate, limit = 7.0) placements [gpu, pim, host, dynamic]
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>, tensor<4x32x16xf32>, tensor<4x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// Only the zero one goes, whichever position it has.
// CHECK-LABEL: func.func @experts_only_zero_bias_dropped(
// CHECK: %[[B1:.*]] = arith.constant dense<5.000000e-01> : tensor<4x32xf32>
// CHECK: moe.experts %{{.*}}, %{{.*}} fc1 %{{.*}} bias %[[B1]], fc2 %{{[^ ]*}} activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
// CHECK-LABEL: func.func @experts_fc1_zero_fc2_kept(
// CHECK-SAME: %[[B2:[^:]*]]: tensor<4x16xf32>)
// CHECK: moe.experts %{{.*}}, %{{.*}} fc1 %{{[^ ]*}}, fc2 %{{.*}} bias %[[B2]] activation gelu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>) -> tensor<?x16xf32>
func.func @experts_only_zero_bias_dropped(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) -> tensor<?x16xf32> {
  %b1 = arith.constant dense<0.5> : tensor<4x32xf32>
  %b2 = arith.constant dense<0.0> : tensor<4x16xf32>
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 bias %b2 activation relu
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
func.func @experts_fc1_zero_fc2_kept(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %b2: tensor<4x16xf32>) -> tensor<?x16xf32> {
  %b1 = arith.constant dense<0.0> : tensor<4x32xf32>
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 bias %b2 activation gelu
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// A zero fc3 bias alone; a nonzero fc3 bias stays.
// CHECK-LABEL: func.func @experts_zero_fc3_bias(
// CHECK: fc3 %{{[^ ]*}} activation swiglu(separate) :
// CHECK-LABEL: func.func @experts_nonzero_fc3_bias(
// CHECK: %[[B3:.*]] = arith.constant dense<1.000000e+00> : tensor<4x32xf32>
// CHECK: fc3 %{{[^ ]*}} bias %[[B3]] activation swiglu(separate) :
func.func @experts_zero_fc3_bias(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>) -> tensor<?x16xf32> {
  %b3 = arith.constant dense<0.0> : tensor<4x32xf32>
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 bias %b3 activation swiglu(separate)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>, tensor<4x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
func.func @experts_nonzero_fc3_bias(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>) -> tensor<?x16xf32> {
  %b3 = arith.constant dense<1.0> : tensor<4x32xf32>
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 bias %b3 activation swiglu(separate)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>, tensor<4x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// CHECK-LABEL: func.func @ffn_zero_biases(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x16xf32>, %[[W1:[^:]*]]: tensor<64x16xf32>, %[[W2:[^:]*]]: tensor<16x32xf32>
// CHECK-NOT: arith.constant
// CHECK: moe.ffn %[[X]] fc1 %[[W1]], fc2 %[[W2]] activation swiglu(interleaved, alpha = 1.702000e+00) placement gpu : (tensor<?x16xf32>, tensor<64x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
func.func @ffn_zero_biases(%x: tensor<?x16xf32>, %w1: tensor<64x16xf32>, %w2: tensor<16x32xf32>) -> tensor<?x16xf32> {
  %b1 = arith.constant dense<0.0> : tensor<64xf32>
  %b2 = arith.constant dense<0.0> : tensor<16xf32>
  %y = moe.ffn %x fc1 %w1 bias %b1, fc2 %w2 bias %b2 activation swiglu(interleaved, alpha = 1.702) placement gpu
      : (tensor<?x16xf32>, tensor<64x16xf32>, tensor<64xf32>, tensor<16x32xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// CHECK-LABEL: func.func @ffn_nonzero_biases_kept(
// CHECK-SAME: %[[B1:[^:]*]]: tensor<32xf32>
// CHECK: %[[B2:.*]] = arith.constant dense<{{\[}}
// CHECK: %[[B3:.*]] = arith.constant dense<2.000000e+00> : tensor<32xf32>
// CHECK: moe.ffn %{{.*}} fc1 %{{.*}} bias %[[B1]], fc2 %{{.*}} bias %[[B2]], fc3 %{{.*}} bias %[[B3]] activation swiglu(separate)
func.func @ffn_nonzero_biases_kept(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %b1: tensor<32xf32>, %w2: tensor<16x32xf32>, %w3: tensor<32x16xf32>) -> tensor<?x16xf32> {
  %b2 = arith.constant dense<[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]> : tensor<16xf32>
  %b3 = arith.constant dense<2.0> : tensor<32xf32>
  %y = moe.ffn %x fc1 %w1 bias %b1, fc2 %w2 bias %b2, fc3 %w3 bias %b3 activation swiglu(separate)
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<32xf32>, tensor<16x32xf32>, tensor<16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

//===----------------------------------------------------------------------===//
// No pattern for dispatch and combine; dead moe ops go (they are Pure).
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @dead_ops_erased(
// CHECK-NOT: moe.
// CHECK: return
func.func @dead_ops_erased(%x: tensor<?x16xf32>, %logits: tensor<?x4xf32>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  %ids, %w = moe.route softmax %logits top 2
      : tensor<?x4xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %s, %o, %p = moe.dispatch %x, %ids
      : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  %e = moe.experts %s, %o fc1 %w1, fc2 %w2 activation relu
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  %c = moe.combine %e, %w, %p
      : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  return
}

// -----

// CHECK-LABEL: func.func @live_ops_kept(
// CHECK: moe.route softmax %{{.*}} top 2 :
// CHECK: moe.dispatch
// CHECK: moe.experts
// CHECK: moe.combine
func.func @live_ops_kept(%x: tensor<?x16xf32>, %logits: tensor<?x4xf32>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) -> tensor<?x16xf32> {
  %ids, %w = moe.route softmax %logits top 2
      : tensor<?x4xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %s, %o, %p = moe.dispatch %x, %ids
      : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  %e = moe.experts %s, %o fc1 %w1, fc2 %w2 activation relu
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  %c = moe.combine %e, %w, %p
      : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  return %c : tensor<?x16xf32>
}
