// RUN: moe-opt %s -split-input-file -verify-diagnostics
//
// Every diagnostic of DequantizeOp::verify (4 call sites of its own, and the
// shared shape and element-type helpers on the result, scales and zero
// points).

func.func @bits(%q: tensor<4x8xi8>, %s: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{bits must be 4 or 8, got 2}}
  %w = moe.dequantize %q scales %s bits 2 : tensor<4x8xi8>, tensor<4xf32> -> tensor<4x8xf32>
  return %w : tensor<4x8xf32>
}

// -----

func.func @codes_rank(%q: tensor<8xi8>, %s: tensor<f32>) -> tensor<8xf32> {
  // expected-error @+1 {{codes must have rank >= 2}}
  %w = moe.dequantize %q scales %s bits 8 : tensor<8xi8>, tensor<f32> -> tensor<8xf32>
  return %w : tensor<8xf32>
}

// -----

func.func @unpacked_extent(%q: tensor<4x8xi8>, %s: tensor<4xf32>) -> tensor<4x8xf32> {
  // 4-bit codes unpack to 16 columns.
  // expected-error @+1 {{result has shape [4, 8], expected [4, 16]}}
  %w = moe.dequantize %q scales %s bits 4 : tensor<4x8xi8>, tensor<4xf32> -> tensor<4x8xf32>
  return %w : tensor<4x8xf32>
}

// -----

func.func @result_rank(%q: tensor<2x4x8xi8>, %s: tensor<2x4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{result must have rank 3}}
  %w = moe.dequantize %q scales %s bits 8 : tensor<2x4x8xi8>, tensor<2x4xf32> -> tensor<4x8xf32>
  return %w : tensor<4x8xf32>
}

// -----

func.func @block_positive(%q: tensor<4x8xi8>, %s: tensor<4x1xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{block size must be positive, got 0}}
  %w = moe.dequantize %q scales %s bits 8 block 0 : tensor<4x8xi8>, tensor<4x1xf32> -> tensor<4x8xf32>
  return %w : tensor<4x8xf32>
}

// -----

func.func @block_divides(%q: tensor<4x8xi8>, %s: tensor<4x2xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{block size 3 does not divide the 8 columns}}
  %w = moe.dequantize %q scales %s bits 8 block 3 : tensor<4x8xi8>, tensor<4x2xf32> -> tensor<4x8xf32>
  return %w : tensor<4x8xf32>
}

// -----

func.func @block_scales(%q: tensor<4x8xi8>, %s: tensor<4xf32>) -> tensor<4x8xf32> {
  // Per-block scales have one column per block.
  // expected-error @+1 {{scales must have rank 2 (expected shape [4, 2])}}
  %w = moe.dequantize %q scales %s bits 8 block 4 : tensor<4x8xi8>, tensor<4xf32> -> tensor<4x8xf32>
  return %w : tensor<4x8xf32>
}

// -----

func.func @row_scales(%q: tensor<2x4x8xi8>, %s: tensor<2x5xf32>) -> tensor<2x4x8xf32> {
  // expected-error @+1 {{scales has shape [2, 5], expected [2, 4]}}
  %w = moe.dequantize %q scales %s bits 8 : tensor<2x4x8xi8>, tensor<2x5xf32> -> tensor<2x4x8xf32>
  return %w : tensor<2x4x8xf32>
}

// -----

func.func @scales_type(%q: tensor<4x8xi8>, %s: tensor<4xf16>) -> tensor<4x8xf32> {
  // expected-error @+1 {{scales element type 'f16' does not match the result element type 'f32'}}
  %w = moe.dequantize %q scales %s bits 8 : tensor<4x8xi8>, tensor<4xf16> -> tensor<4x8xf32>
  return %w : tensor<4x8xf32>
}

// -----

func.func @packed_zero_points(%q: tensor<4x8xi8>, %s: tensor<4x4xf32>, %z: tensor<4x4xi8>) -> tensor<4x16xf32> {
  // Four 4-bit zero points per row pack into two bytes.
  // expected-error @+1 {{zero points has shape [4, 4], expected [4, 2]}}
  %w = moe.dequantize %q scales %s zero_points %z bits 4 block 4 : tensor<4x8xi8>, tensor<4x4xf32>, tensor<4x4xi8> -> tensor<4x16xf32>
  return %w : tensor<4x16xf32>
}

// -----

func.func @codes_type(%q: tensor<4x8xi32>, %s: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 8-bit signless integer values}}
  %w = moe.dequantize %q scales %s bits 8 : tensor<4x8xi32>, tensor<4xf32> -> tensor<4x8xf32>
  return %w : tensor<4x8xf32>
}
