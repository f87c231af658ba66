// Generic-form moe.experts and moe.ffn whose operandSegmentSizes do not give
// exactly one operand to a required operand (tokens, offsets, fc1, fc2).
// ODS only checks the total and the optional segments (0 or 1), so the op
// verifiers must reject these ("needs exactly one <operand> operand, got N")
// instead of reading a missing operand (a crash) or silently ignoring an
// extra one (a custom form that does not parse back).
// RUN: moe-opt %s -split-input-file -verify-diagnostics

func.func @experts_without_fc2(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %b1: tensor<4x32xf32>) {
  // expected-error @+1 {{needs exactly one fc2 weights operand, got 0}}
  %y = "moe.experts"(%x, %o, %w1, %b1) <{activation = #moe<activation relu>, operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_without_tokens(%o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %b1: tensor<4x32xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{needs exactly one tokens operand, got 0}}
  %y = "moe.experts"(%o, %w1, %b1, %w2) <{activation = #moe<activation relu>, operandSegmentSizes = array<i32: 0, 1, 1, 1, 1, 0, 0, 0>}> : (tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_two_offsets(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>) {
  // expected-error @+1 {{needs exactly one offsets operand, got 2}}
  %y = "moe.experts"(%x, %o, %o, %w1, %w2) <{activation = #moe<activation relu>, operandSegmentSizes = array<i32: 1, 2, 1, 0, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<5xi64>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_without_fc2(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{needs exactly one fc2 weights operand, got 0}}
  %y = "moe.ffn"(%x, %w1, %w2) <{activation = #moe<activation relu>, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_without_fc1(%x: tensor<?x16xf32>, %b1: tensor<32xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{needs exactly one fc1 weights operand, got 0}}
  %y = "moe.ffn"(%x, %b1, %w2) <{activation = #moe<activation relu>, operandSegmentSizes = array<i32: 1, 0, 1, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<32xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @ffn_two_fc1(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{needs exactly one fc1 weights operand, got 2}}
  %y = "moe.ffn"(%x, %w1, %w1, %w2) <{activation = #moe<activation relu>, operandSegmentSizes = array<i32: 1, 2, 0, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

// The total is checked upstream already.
func.func @ffn_segment_total(%x: tensor<?x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) {
  // expected-error @+1 {{'moe.ffn' op operand count (3) does not match with the total size (4) specified in attribute 'operandSegmentSizes'}}
  %y = "moe.ffn"(%x, %w1, %w2) <{activation = #moe<activation relu>, operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @experts_two_fc1_biases(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %b1: tensor<4x32xf32>, %w2: tensor<4x16x32xf32>) {
  // ODS itself rejects an optional segment of two.
  // expected-error @+1 {{operand group starting at #3 requires 0 or 1 element, but found 2}}
  %y = "moe.experts"(%x, %o, %w1, %b1, %b1, %w2) <{activation = #moe<activation relu>, operandSegmentSizes = array<i32: 1, 1, 1, 2, 1, 0, 0, 0>}> : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return
}
