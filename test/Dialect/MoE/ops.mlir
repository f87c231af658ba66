// Round trip of every moe op in every syntactic variant: the custom form
// printed and parsed again, and the generic form parsed back into the custom
// form.
// RUN: moe-opt %s | moe-opt | FileCheck %s
// RUN: moe-opt %s --mlir-print-op-generic | moe-opt | FileCheck %s

//===----------------------------------------------------------------------===//
// moe.route
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @route_softmax(
// CHECK-SAME: %[[L:.*]]: tensor<?x8xf32>
// CHECK: %[[IDS:.*]], %[[W:.*]] = moe.route softmax %[[L]] top 2 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
// CHECK: return %[[IDS]], %[[W]]
func.func @route_softmax(%logits: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route softmax %logits top 2
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}

// CHECK-LABEL: func.func @route_epsilon(
// CHECK: moe.route sigmoid %{{.*}} top 2 normalize epsilon 9.9999999999999995E-21 scale 2.500000e+00 : tensor<?x8xf32>
func.func @route_epsilon(%logits: tensor<?x8xf32>) -> (tensor<?x2xi64>, tensor<?x2xf32>) {
  %ids, %w = moe.route sigmoid %logits top 2 normalize epsilon 1.0e-20 scale 2.5
      : tensor<?x8xf32> -> tensor<?x2xi64>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi64>, tensor<?x2xf32>
}

// CHECK-LABEL: func.func @route_sigmoid_i64_static(
// CHECK-SAME: %[[L:.*]]: tensor<3x8xf32>
// CHECK: moe.route sigmoid %[[L]] top 4 : tensor<3x8xf32> -> tensor<3x4xi64>, tensor<3x4xf32>
func.func @route_sigmoid_i64_static(%logits: tensor<3x8xf32>) -> (tensor<3x4xi64>, tensor<3x4xf32>) {
  %ids, %w = moe.route sigmoid %logits top 4
      : tensor<3x8xf32> -> tensor<3x4xi64>, tensor<3x4xf32>
  return %ids, %w : tensor<3x4xi64>, tensor<3x4xf32>
}

// k may be every expert.
// CHECK-LABEL: func.func @route_k_equals_e(
// CHECK: moe.route softmax %{{.*}} top 8 : tensor<?x8xf32> -> tensor<?x8xi64>, tensor<?x8xf32>
func.func @route_k_equals_e(%logits: tensor<?x8xf32>) -> (tensor<?x8xi64>, tensor<?x8xf32>) {
  %ids, %w = moe.route softmax %logits top 8
      : tensor<?x8xf32> -> tensor<?x8xi64>, tensor<?x8xf32>
  return %ids, %w : tensor<?x8xi64>, tensor<?x8xf32>
}

// CHECK-LABEL: func.func @route_bias(
// CHECK-SAME: %[[L:[^:]*]]: tensor<?x8xf32>, %[[B:[^:]*]]: tensor<8xf32>
// CHECK: moe.route sigmoid %[[L]] bias %[[B]] : tensor<8xf32> top 2 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
func.func @route_bias(%logits: tensor<?x8xf32>, %bias: tensor<8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route sigmoid %logits bias %bias : tensor<8xf32> top 2
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}

// CHECK-LABEL: func.func @route_groups(
// CHECK: moe.route softmax %{{.*}} top 2 groups 4 select 2 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
func.func @route_groups(%logits: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route softmax %logits top 2 groups 4 select 2
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}

// CHECK-LABEL: func.func @route_normalize(
// CHECK: moe.route softmax %{{.*}} top 2 normalize : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
func.func @route_normalize(%logits: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route softmax %logits top 2 normalize
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}

// CHECK-LABEL: func.func @route_scale(
// CHECK: moe.route sigmoid %{{.*}} top 2 scale 2.500000e+00 : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
func.func @route_scale(%logits: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route sigmoid %logits top 2 scale 2.5
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}

// The default scale is not printed.
// CHECK-LABEL: func.func @route_default_scale(
// CHECK: moe.route softmax %{{.*}} top 1 : tensor<?x8xf32> -> tensor<?x1xi32>, tensor<?x1xf32>
func.func @route_default_scale(%logits: tensor<?x8xf32>) -> (tensor<?x1xi32>, tensor<?x1xf32>) {
  %ids, %w = moe.route softmax %logits top 1 scale 1.0
      : tensor<?x8xf32> -> tensor<?x1xi32>, tensor<?x1xf32>
  return %ids, %w : tensor<?x1xi32>, tensor<?x1xf32>
}

// DeepSeek-V3: every clause at once.
// CHECK-LABEL: func.func @route_everything(
// CHECK-SAME: %[[L:[^:]*]]: tensor<?x256xf32>, %[[B:[^:]*]]: tensor<256xf32>
// CHECK: moe.route sigmoid %[[L]] bias %[[B]] : tensor<256xf32> top 8 groups 8 select 4 normalize scale 2.500000e+00 : tensor<?x256xf32> -> tensor<?x8xi64>, tensor<?x8xf32>
func.func @route_everything(%logits: tensor<?x256xf32>, %bias: tensor<256xf32>) -> (tensor<?x8xi64>, tensor<?x8xf32>) {
  %ids, %w = moe.route sigmoid %logits bias %bias : tensor<256xf32> top 8
      groups 8 select 4 normalize scale 2.5
      : tensor<?x256xf32> -> tensor<?x8xi64>, tensor<?x8xf32>
  return %ids, %w : tensor<?x8xi64>, tensor<?x8xf32>
}

// Discardable attributes follow the clauses.
// CHECK-LABEL: func.func @route_attr_dict(
// CHECK: moe.route softmax %{{.*}} top 2 normalize {moe.layer = 3 : i64} : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
func.func @route_attr_dict(%logits: tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route softmax %logits top 2 normalize {moe.layer = 3 : i64}
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x2xi32>, tensor<?x2xf32>
}

// Unknown token and k extents of the results are allowed.
// CHECK-LABEL: func.func @route_dynamic_results(
// CHECK: moe.route softmax %{{.*}} top 2 : tensor<4x8xf32> -> tensor<?x?xi32>, tensor<?x2xf32>
func.func @route_dynamic_results(%logits: tensor<4x8xf32>) -> (tensor<?x?xi32>, tensor<?x2xf32>) {
  %ids, %w = moe.route softmax %logits top 2
      : tensor<4x8xf32> -> tensor<?x?xi32>, tensor<?x2xf32>
  return %ids, %w : tensor<?x?xi32>, tensor<?x2xf32>
}

//===----------------------------------------------------------------------===//
// moe.dispatch
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @dispatch_dynamic(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x16xf32>, %[[IDS:[^:]*]]: tensor<?x2xi32>
// CHECK: %[[S:.*]], %[[O:.*]], %[[P:.*]] = moe.dispatch %[[X]], %[[IDS]] : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<9xi64>, tensor<?xi64>
// CHECK: return %[[S]], %[[O]], %[[P]]
func.func @dispatch_dynamic(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x16xf32>, tensor<9xi64>, tensor<?xi64>) {
  %s, %o, %p = moe.dispatch %x, %ids
      : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<9xi64>, tensor<?xi64>
  return %s, %o, %p : tensor<?x16xf32>, tensor<9xi64>, tensor<?xi64>
}

// CHECK-LABEL: func.func @dispatch_static_i64(
// CHECK: moe.dispatch %{{.*}}, %{{.*}} : tensor<4x16xbf16>, tensor<4x2xi64> -> tensor<8x16xbf16>, tensor<5xi64>, tensor<8xi64>
func.func @dispatch_static_i64(%x: tensor<4x16xbf16>, %ids: tensor<4x2xi64>) -> (tensor<8x16xbf16>, tensor<5xi64>, tensor<8xi64>) {
  %s, %o, %p = moe.dispatch %x, %ids
      : tensor<4x16xbf16>, tensor<4x2xi64> -> tensor<8x16xbf16>, tensor<5xi64>, tensor<8xi64>
  return %s, %o, %p : tensor<8x16xbf16>, tensor<5xi64>, tensor<8xi64>
}

// A single expert (offsets of two elements); the results may be less static
// than the operands.
// CHECK-LABEL: func.func @dispatch_one_expert(
// CHECK: moe.dispatch %{{.*}}, %{{.*}} : tensor<4x16xf32>, tensor<4x1xi32> -> tensor<?x16xf32>, tensor<2xi64>, tensor<?xi64>
func.func @dispatch_one_expert(%x: tensor<4x16xf32>, %ids: tensor<4x1xi32>) -> (tensor<?x16xf32>, tensor<2xi64>, tensor<?xi64>) {
  %s, %o, %p = moe.dispatch %x, %ids
      : tensor<4x16xf32>, tensor<4x1xi32> -> tensor<?x16xf32>, tensor<2xi64>, tensor<?xi64>
  return %s, %o, %p : tensor<?x16xf32>, tensor<2xi64>, tensor<?xi64>
}

//===----------------------------------------------------------------------===//
// moe.experts: activations
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @experts_identity(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x16xf32>, %[[O:[^:]*]]: tensor<5xi64>, %[[W1:[^:]*]]: tensor<4x32x16xf32>, %[[W2:[^:]*]]: tensor<4x16x32xf32>
// CHECK: %[[Y:.*]] = moe.experts %[[X]], %[[O]] fc1 %[[W1]], fc2 %[[W2]] activation identity : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
// CHECK: return %[[Y]]
func.func @experts_identity(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation identity
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @experts_relu(
// CHECK: moe.experts %{{.*}}, %{{.*}} fc1 %{{.*}}, fc2 %{{.*}} activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
func.func @experts_relu(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @experts_gelu(
// CHECK: moe.experts %{{.*}}, %{{.*}} fc1 %{{.*}}, fc2 %{{.*}} activation gelu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
func.func @experts_gelu(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation gelu
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @experts_gelu_tanh(
// CHECK: moe.experts %{{.*}}, %{{.*}} fc1 %{{.*}}, fc2 %{{.*}} activation gelu_tanh : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
func.func @experts_gelu_tanh(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation gelu_tanh
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @experts_silu(
// CHECK: moe.experts %{{.*}}, %{{.*}} fc1 %{{.*}}, fc2 %{{.*}} activation silu : (tensor<8x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<8x16xf32>
func.func @experts_silu(%x: tensor<8x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) -> tensor<8x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation silu
      : (tensor<8x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

//===----------------------------------------------------------------------===//
// moe.experts: swiglu layouts and parameters
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @experts_swiglu_separate(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x16xf32>, %[[O:[^:]*]]: tensor<5xi64>, %[[W1:[^:]*]]: tensor<4x32x16xf32>, %[[W2:[^:]*]]: tensor<4x16x32xf32>, %[[W3:[^:]*]]: tensor<4x32x16xf32>
// CHECK: moe.experts %[[X]], %[[O]] fc1 %[[W1]], fc2 %[[W2]], fc3 %[[W3]] activation swiglu(separate) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
func.func @experts_swiglu_separate(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @experts_swiglu_separate_alpha(
// CHECK: activation swiglu(separate, alpha = 1.702000e+00) :
func.func @experts_swiglu_separate_alpha(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate, alpha = 1.702)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @experts_swiglu_separate_beta(
// CHECK: activation swiglu(separate, beta = 1.000000e+00) :
func.func @experts_swiglu_separate_beta(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate, beta = 1.0)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @experts_swiglu_separate_limit(
// CHECK: activation swiglu(separate, limit = 7.000000e+00) :
func.func @experts_swiglu_separate_limit(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate, limit = 7.0)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// Parameters in any order print as alpha, beta, limit; explicit defaults
// are elided.
// CHECK-LABEL: func.func @experts_swiglu_separate_all(
// CHECK: activation swiglu(separate, alpha = 1.702000e+00, beta = 1.000000e+00, limit = 7.000000e+00) :
// CHECK-LABEL: func.func @experts_swiglu_explicit_defaults(
// CHECK: activation swiglu(separate) :
func.func @experts_swiglu_separate_all(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3
      activation swiglu(separate, limit = 7.0, beta = 1.0, alpha = 1.702)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
func.func @experts_swiglu_explicit_defaults(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3
      activation swiglu(separate, alpha = 1.0, beta = 0.0)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @experts_swiglu_interleaved(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x16xf32>, %[[O:[^:]*]]: tensor<5xi64>, %[[W1:[^:]*]]: tensor<4x64x16xf32>, %[[W2:[^:]*]]: tensor<4x16x32xf32>
// CHECK: moe.experts %[[X]], %[[O]] fc1 %[[W1]], fc2 %[[W2]] activation swiglu(interleaved) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
func.func @experts_swiglu_interleaved(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(interleaved)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// gpt-oss: interleaved with every parameter.
// CHECK-LABEL: func.func @experts_swiglu_interleaved_params(
// CHECK: activation swiglu(interleaved, alpha = 1.702000e+00, beta = 1.000000e+00, limit = 7.000000e+00) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
func.func @experts_swiglu_interleaved_params(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2
      activation swiglu(interleaved, alpha = 1.702, beta = 1.0, limit = 7.0)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @experts_swiglu_concatenated(
// CHECK: moe.experts %{{.*}}, %{{.*}} fc1 %{{.*}}, fc2 %{{.*}} activation swiglu(concatenated) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
func.func @experts_swiglu_concatenated(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(concatenated)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @experts_swiglu_concatenated_params(
// CHECK: activation swiglu(concatenated, alpha = 2.000000e+00, beta = -5.000000e-01, limit = 1.000000e+01) :
func.func @experts_swiglu_concatenated_params(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2
      activation swiglu(concatenated, alpha = 2.0, beta = -0.5, limit = 10.0)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

//===----------------------------------------------------------------------===//
// moe.experts: biases
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @experts_fc1_bias(
// CHECK-SAME: %[[W1:[^:]*]]: tensor<4x32x16xf32>, %[[B1:[^:]*]]: tensor<4x32xf32>, %[[W2:[^:]*]]: tensor<4x16x32xf32>
// CHECK: fc1 %[[W1]] bias %[[B1]], fc2 %[[W2]] activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
func.func @experts_fc1_bias(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %b1: tensor<4x32xf32>, %w2: tensor<4x16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 activation relu
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @experts_fc2_bias(
// CHECK-SAME: %[[W1:[^:]*]]: tensor<4x32x16xf32>, %[[W2:[^:]*]]: tensor<4x16x32xf32>, %[[B2:[^:]*]]: tensor<4x16xf32>
// CHECK: fc1 %[[W1]], fc2 %[[W2]] bias %[[B2]] activation gelu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>) -> tensor<?x16xf32>
func.func @experts_fc2_bias(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %b2: tensor<4x16xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 bias %b2 activation gelu
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @experts_fc3_bias(
// CHECK-SAME: %[[W3:[^:]*]]: tensor<4x32x16xf32>, %[[B3:[^:]*]]: tensor<4x32xf32>
// CHECK: fc1 %{{[^,]*}}, fc2 %{{[^,]*}}, fc3 %[[W3]] bias %[[B3]] activation swiglu(separate) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>, tensor<4x32xf32>) -> tensor<?x16xf32>
func.func @experts_fc3_bias(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>, %b3: tensor<4x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 bias %b3 activation swiglu(separate)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>, tensor<4x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @experts_all_biases(
// CHECK-SAME: %[[W1:[^:]*]]: tensor<4x32x16xf32>, %[[B1:[^:]*]]: tensor<4x32xf32>, %[[W2:[^:]*]]: tensor<4x16x32xf32>, %[[B2:[^:]*]]: tensor<4x16xf32>, %[[W3:[^:]*]]: tensor<4x32x16xf32>, %[[B3:[^:]*]]: tensor<4x32xf32>
// CHECK: fc1 %[[W1]] bias %[[B1]], fc2 %[[W2]] bias %[[B2]], fc3 %[[W3]] bias %[[B3]] activation swiglu(separate, limit = 7.000000e+00) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>, tensor<4x32x16xf32>, tensor<4x32xf32>) -> tensor<?x16xf32>
func.func @experts_all_biases(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %b1: tensor<4x32xf32>, %w2: tensor<4x16x32xf32>, %b2: tensor<4x16xf32>, %w3: tensor<4x32x16xf32>, %b3: tensor<4x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 bias %b2, fc3 %w3 bias %b3
      activation swiglu(separate, limit = 7.0)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>, tensor<4x32x16xf32>, tensor<4x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// An fc1 bias of a two-row-factor layout has 2 * I entries per expert.
// CHECK-LABEL: func.func @experts_interleaved_biases(
// CHECK: fc1 %{{.*}} bias %{{.*}}, fc2 %{{.*}} bias %{{.*}} activation swiglu(interleaved) : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x64xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>) -> tensor<?x16xf32>
func.func @experts_interleaved_biases(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %b1: tensor<4x64xf32>, %w2: tensor<4x16x32xf32>, %b2: tensor<4x16xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 bias %b2 activation swiglu(interleaved)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x64xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

//===----------------------------------------------------------------------===//
// moe.experts: placements
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @experts_placements(
// CHECK: activation silu placements [gpu, pim, host, dynamic] : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
func.func @experts_placements(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation silu placements [gpu, pim, host, dynamic]
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @experts_placements_swiglu_biases(
// CHECK: fc1 %{{.*}} bias %{{.*}}, fc2 %{{.*}}, fc3 %{{.*}} activation swiglu(separate, alpha = 1.500000e+00) placements [pim, pim, gpu, gpu] {moe.layer = 1 : i64} : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
func.func @experts_placements_swiglu_biases(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %b1: tensor<4x32xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2, fc3 %w3
      activation swiglu(separate, alpha = 1.5) placements [pim, pim, gpu, gpu]
      {moe.layer = 1 : i64}
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// One expert, f16, static rows.
// CHECK-LABEL: func.func @experts_single_f16(
// CHECK: moe.experts %{{.*}}, %{{.*}} fc1 %{{.*}}, fc2 %{{.*}} activation relu placements [host] : (tensor<6x8xf16>, tensor<2xi64>, tensor<1x4x8xf16>, tensor<1x8x4xf16>) -> tensor<6x8xf16>
func.func @experts_single_f16(%x: tensor<6x8xf16>, %o: tensor<2xi64>, %w1: tensor<1x4x8xf16>, %w2: tensor<1x8x4xf16>) -> tensor<6x8xf16> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu placements [host]
      : (tensor<6x8xf16>, tensor<2xi64>, tensor<1x4x8xf16>, tensor<1x8x4xf16>) -> tensor<6x8xf16>
  return %y : tensor<6x8xf16>
}

//===----------------------------------------------------------------------===//
// moe.ffn
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @ffn_relu(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x16xf32>, %[[W1:[^:]*]]: tensor<32x16xf32>, %[[W2:[^:]*]]: tensor<16x32xf32>
// CHECK: %[[Y:.*]] = moe.ffn %[[X]] fc1 %[[W1]], fc2 %[[W2]] activation relu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
// CHECK: return %[[Y]]
func.func @ffn_relu(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation relu
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @ffn_placement_gpu(
// CHECK: moe.ffn %{{.*}} fc1 %{{.*}}, fc2 %{{.*}}, fc3 %{{.*}} activation swiglu(separate) placement gpu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>, tensor<32x16xf32>) -> tensor<?x16xf32>
func.func @ffn_placement_gpu(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>, %w3: tensor<32x16xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate) placement gpu
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>, tensor<32x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @ffn_placement_pim(
// CHECK: activation gelu_tanh placement pim : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
func.func @ffn_placement_pim(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation gelu_tanh placement pim
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @ffn_placement_host(
// CHECK: activation identity placement host : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
func.func @ffn_placement_host(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation identity placement host
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @ffn_placement_dynamic(
// CHECK: activation silu placement dynamic : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
func.func @ffn_placement_dynamic(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation silu placement dynamic
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @ffn_biases_interleaved(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x16xf64>, %[[W1:[^:]*]]: tensor<64x16xf64>, %[[B1:[^:]*]]: tensor<64xf64>, %[[W2:[^:]*]]: tensor<16x32xf64>, %[[B2:[^:]*]]: tensor<16xf64>
// CHECK: moe.ffn %[[X]] fc1 %[[W1]] bias %[[B1]], fc2 %[[W2]] bias %[[B2]] activation swiglu(interleaved, alpha = 1.702000e+00, limit = 7.000000e+00) : (tensor<4x16xf64>, tensor<64x16xf64>, tensor<64xf64>, tensor<16x32xf64>, tensor<16xf64>) -> tensor<4x16xf64>
func.func @ffn_biases_interleaved(%x: tensor<4x16xf64>, %w1: tensor<64x16xf64>, %b1: tensor<64xf64>, %w2: tensor<16x32xf64>, %b2: tensor<16xf64>) -> tensor<4x16xf64> {
  %y = moe.ffn %x fc1 %w1 bias %b1, fc2 %w2 bias %b2
      activation swiglu(interleaved, alpha = 1.702, limit = 7.0)
      : (tensor<4x16xf64>, tensor<64x16xf64>, tensor<64xf64>, tensor<16x32xf64>, tensor<16xf64>) -> tensor<4x16xf64>
  return %y : tensor<4x16xf64>
}

// CHECK-LABEL: func.func @ffn_all_biases_concatenated(
// CHECK: moe.ffn %{{.*}} fc1 %{{.*}} bias %{{.*}}, fc2 %{{.*}} bias %{{.*}} activation swiglu(concatenated, beta = 1.000000e+00) placement pim : (tensor<?x16xf32>, tensor<64x16xf32>, tensor<64xf32>, tensor<16x32xf32>, tensor<16xf32>) -> tensor<?x16xf32>
func.func @ffn_all_biases_concatenated(%x: tensor<?x16xf32>, %w1: tensor<64x16xf32>, %b1: tensor<64xf32>, %w2: tensor<16x32xf32>, %b2: tensor<16xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1 bias %b1, fc2 %w2 bias %b2
      activation swiglu(concatenated, beta = 1.0) placement pim
      : (tensor<?x16xf32>, tensor<64x16xf32>, tensor<64xf32>, tensor<16x32xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @ffn_separate_all_biases(
// CHECK-SAME: %[[B2:[^:]*]]: tensor<16xf32>, %[[W3:[^:]*]]: tensor<32x16xf32>, %[[B3:[^:]*]]: tensor<32xf32>
// CHECK: fc3 %[[W3]] bias %[[B3]] activation swiglu(separate) placement host {moe.shared} : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<32xf32>, tensor<16x32xf32>, tensor<16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x16xf32>
func.func @ffn_separate_all_biases(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %b1: tensor<32xf32>, %w2: tensor<16x32xf32>, %b2: tensor<16xf32>, %w3: tensor<32x16xf32>, %b3: tensor<32xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1 bias %b1, fc2 %w2 bias %b2, fc3 %w3 bias %b3
      activation swiglu(separate) placement host {moe.shared}
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<32xf32>, tensor<16x32xf32>, tensor<16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

//===----------------------------------------------------------------------===//
// moe.combine
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @combine_dynamic(
// CHECK-SAME: %[[OUT:[^:]*]]: tensor<?x16xf32>, %[[W:[^:]*]]: tensor<?x2xf32>, %[[P:[^:]*]]: tensor<?xi64>
// CHECK: %[[Y:.*]] = moe.combine %[[OUT]], %[[W]], %[[P]] : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
// CHECK: return %[[Y]]
func.func @combine_dynamic(%out: tensor<?x16xf32>, %w: tensor<?x2xf32>, %p: tensor<?xi64>) -> tensor<?x16xf32> {
  %y = moe.combine %out, %w, %p
      : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @combine_static_f16(
// CHECK: moe.combine %{{.*}}, %{{.*}}, %{{.*}} {moe.tag = "x"} : tensor<12x8xf16>, tensor<4x3xf16>, tensor<12xi64> -> tensor<4x8xf16>
func.func @combine_static_f16(%out: tensor<12x8xf16>, %w: tensor<4x3xf16>, %p: tensor<12xi64>) -> tensor<4x8xf16> {
  %y = moe.combine %out, %w, %p {moe.tag = "x"}
      : tensor<12x8xf16>, tensor<4x3xf16>, tensor<12xi64> -> tensor<4x8xf16>
  return %y : tensor<4x8xf16>
}

//===----------------------------------------------------------------------===//
// A whole layer: route, dispatch, experts, a shared expert, combine.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @layer(
// CHECK: %[[IDS:.*]], %[[W:.*]] = moe.route softmax %{{.*}} top 2 normalize
// CHECK: %[[S:.*]], %[[O:.*]], %[[P:.*]] = moe.dispatch %{{.*}}, %[[IDS]]
// CHECK: %[[E:.*]] = moe.experts %[[S]], %[[O]] fc1
// CHECK: %[[C:.*]] = moe.combine %[[E]], %[[W]], %[[P]]
// CHECK: moe.ffn
// CHECK: arith.addf %[[C]],
func.func @layer(%x: tensor<?x16xf32>, %logits: tensor<?x4xf32>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>, %sw1: tensor<32x16xf32>, %sw2: tensor<16x32xf32>, %sw3: tensor<32x16xf32>) -> tensor<?x16xf32> {
  %ids, %w = moe.route softmax %logits top 2 normalize
      : tensor<?x4xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %s, %o, %p = moe.dispatch %x, %ids
      : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  %e = moe.experts %s, %o fc1 %w1, fc2 %w2, fc3 %w3 activation swiglu(separate)
      placements [gpu, gpu, pim, pim]
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>) -> tensor<?x16xf32>
  %c = moe.combine %e, %w, %p
      : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  %sh = moe.ffn %x fc1 %sw1, fc2 %sw2, fc3 %sw3 activation swiglu(separate) placement gpu
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>, tensor<32x16xf32>) -> tensor<?x16xf32>
  %y = arith.addf %c, %sh : tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

//===----------------------------------------------------------------------===//
// moe.dequantize
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @dequantize
func.func @dequantize(%q8: tensor<4x8xi8>, %s: tensor<4xf32>, %z8: tensor<4xi8>,
                      %q4: tensor<?x4x8xi8>, %sb: tensor<?x4x4xf32>,
                      %z4: tensor<?x4x2xi8>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<?x4x16xf32>) {
  // CHECK: moe.dequantize %{{.*}} scales %{{.*}} bits 8 : tensor<4x8xi8>, tensor<4xf32> -> tensor<4x8xf32>
  %a = moe.dequantize %q8 scales %s bits 8 : tensor<4x8xi8>, tensor<4xf32> -> tensor<4x8xf32>
  // CHECK: moe.dequantize %{{.*}} scales %{{.*}} zero_points %{{.*}} bits 8 : tensor<4x8xi8>, tensor<4xf32>, tensor<4xi8> -> tensor<4x8xf32>
  %b = moe.dequantize %q8 scales %s zero_points %z8 bits 8 : tensor<4x8xi8>, tensor<4xf32>, tensor<4xi8> -> tensor<4x8xf32>
  // CHECK: moe.dequantize %{{.*}} scales %{{.*}} zero_points %{{.*}} bits 4 block 4 : tensor<?x4x8xi8>, tensor<?x4x4xf32>, tensor<?x4x2xi8> -> tensor<?x4x16xf32>
  %c = moe.dequantize %q4 scales %sb zero_points %z4 bits 4 block 4 : tensor<?x4x8xi8>, tensor<?x4x4xf32>, tensor<?x4x2xi8> -> tensor<?x4x16xf32>
  return %a, %b, %c : tensor<4x8xf32>, tensor<4x8xf32>, tensor<?x4x16xf32>
}
