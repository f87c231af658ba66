// The constraints that ODS generates from MoEOps.td (operand and result
// element types, required and typed attributes), as opposed to the
// hand-written verifiers covered by invalid.mlir.
// RUN: moe-opt %s -split-input-file -verify-diagnostics

func.func @route_integer_logits(%l: tensor<?x8xi32>) {
  // expected-error @+1 {{'moe.route' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<?x8xi32>'}}
  %ids, %w = moe.route softmax %l top 2 : tensor<?x8xi32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_i16_ids(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{'moe.route' op result #0 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<?x2xi16>'}}
  %ids, %w = moe.route softmax %l top 2 : tensor<?x8xf32> -> tensor<?x2xi16>, tensor<?x2xf32>
  return
}

// -----

func.func @route_unranked_logits(%l: tensor<*xf32>) {
  // expected-error @+1 {{invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %ids, %w = moe.route softmax %l top 2 : tensor<*xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  return
}

// -----

func.func @route_k_not_i64(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{'moe.route' op attribute 'k' failed to satisfy constraint: 64-bit signless integer attribute}}
  %0:2 = "moe.route"(%l) <{k = 2 : i32, scoring = #moe<scoring softmax>}> : (tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

func.func @route_missing_scoring(%l: tensor<?x8xf32>) {
  // expected-error @+1 {{'moe.route' op requires attribute 'scoring'}}
  %0:2 = "moe.route"(%l) <{k = 2 : i64}> : (tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return
}

// -----

func.func @dispatch_i32_offsets(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op result #1 must be ranked tensor of 64-bit signless integer values, but got 'tensor<5xi32>'}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi32>, tensor<?xi64>
  return
}

// -----

func.func @dispatch_i32_permutation(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op result #2 must be ranked tensor of 64-bit signless integer values, but got 'tensor<?xi32>'}}
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi32>
  return
}

// -----

func.func @experts_placements_not_placements(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{'moe.experts' op attribute 'placements' failed to satisfy constraint: array of expert placements}}
  %y = "moe.experts"(%x, %o, %w1, %w2) <{activation = #moe<activation relu>, placements = [#moe.placement<gpu>, 1 : i64, #moe.placement<gpu>, #moe.placement<gpu>], operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_wrong_enum(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{Invalid attribute `activation` in property conversion: #moe<scoring softmax>}}
  %y = "moe.experts"(%x, %o, %w1, %w2) <{activation = #moe<scoring softmax>, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_missing_activation(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{'moe.experts' op requires attribute 'activation'}}
  %y = "moe.experts"(%x, %o, %w1, %w2) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_integer_weights(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xi8>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{'moe.experts' op operand #2 must be ranked tensor of floating-point values, but got 'tensor<4x32x16xi8>'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xi8>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_i32_offsets(%x: tensor<?x16xf32>, %o: tensor<5xi32>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{'moe.experts' op operand #1 must be ranked tensor of 64-bit signless integer values, but got 'tensor<5xi32>'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu : (tensor<?x16xf32>, tensor<5xi32>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_placement_array(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{Invalid attribute `placement` in property conversion: [#moe.placement<gpu>]}}
  %y = "moe.ffn"(%x, %w1, %w2) <{activation = #moe<activation relu>, placement = [#moe.placement<gpu>], operandSegmentSizes = array<i32: 1, 1, 0, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_two_fc1_biases(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %b1: tensor<32xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{'moe.ffn' op operand group starting at #2 requires 0 or 1 element, but found 2}}
  %y = "moe.ffn"(%x, %w1, %b1, %b1, %w2) <{activation = #moe<activation relu>, operandSegmentSizes = array<i32: 1, 1, 2, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<32xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @combine_i32_permutation(%out: tensor<?x16xf32>, %w: tensor<?x2xf32>, %p: tensor<?xi32>) {
  // expected-error @+1 {{'moe.combine' op operand #2 must be ranked tensor of 64-bit signless integer values, but got 'tensor<?xi32>'}}
  %y = moe.combine %out, %w, %p : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi32> -> tensor<?x16xf32>
  return
}

// -----

func.func @combine_integer_outputs(%out: tensor<?x16xi8>, %w: tensor<?x2xf32>, %p: tensor<?xi64>) {
  // expected-error @+1 {{'moe.combine' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<?x16xi8>'}}
  %y = moe.combine %out, %w, %p : tensor<?x16xi8>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  return
}
