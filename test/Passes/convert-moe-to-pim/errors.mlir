// RUN: moe-opt %s --convert-moe-to-pim="channels=2 banks=4 rows=4 row-bytes=64 burst-bytes=16 gb-bytes=64 accumulators=4" --split-input-file --verify-diagnostics

func.func @not_constant(%x: tensor<?x8xf32>, %offsets: tensor<2xi64>, %fc1: tensor<1x8x8xf32>) -> tensor<?x8xf32> {
  %fc2 = arith.constant dense<2.0> : tensor<1x8x8xf32>
  // expected-error @+1 {{PIM lowering: fc1 weights must be a constant of static shape to be laid out in PIM memory}}
  %y = moe.experts %x, %offsets fc1 %fc1, fc2 %fc2 activation relu placements [pim]
      : (tensor<?x8xf32>, tensor<2xi64>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @f64(%x: tensor<?x8xf64>, %offsets: tensor<2xi64>) -> tensor<?x8xf64> {
  %fc1 = arith.constant dense<1.0> : tensor<1x8x8xf64>
  %fc2 = arith.constant dense<2.0> : tensor<1x8x8xf64>
  // expected-error @+1 {{PIM lowering: fc1 weights element type 'f64' is not supported (f32, f16, bf16)}}
  %y = moe.experts %x, %offsets fc1 %fc1, fc2 %fc2 activation relu placements [pim]
      : (tensor<?x8xf64>, tensor<2xi64>, tensor<1x8x8xf64>, tensor<1x8x8xf64>) -> tensor<?x8xf64>
  return %y : tensor<?x8xf64>
}

// -----

// 4 rows per bank hold two such experts, not three.
func.func @too_big(%x: tensor<?x8xf32>, %offsets: tensor<4xi64>) -> tensor<?x8xf32> {
  %fc1 = arith.constant dense<1.0> : tensor<3x8x8xf32>
  %fc2 = arith.constant dense<2.0> : tensor<3x8x8xf32>
  // expected-error @+1 {{PIM lowering: expert 2 does not fit the device 'hbm3e-pim': needs 2 rows per bank from row 4 but the device has 4}}
  %y = moe.experts %x, %offsets fc1 %fc1, fc2 %fc2 activation relu placements [pim, pim, pim]
      : (tensor<?x8xf32>, tensor<4xi64>, tensor<3x8x8xf32>, tensor<3x8x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @hidden_below_banks(%x: tensor<?x3xf32>, %offsets: tensor<2xi64>) -> tensor<?x3xf32> {
  %fc1 = arith.constant dense<1.0> : tensor<1x8x3xf32>
  %fc2 = arith.constant dense<2.0> : tensor<1x3x8xf32>
  // expected-error @+1 {{PIM lowering: expert 0 does not fit the device 'hbm3e-pim': hidden size 3 is smaller than the 4 banks per channel}}
  %y = moe.experts %x, %offsets fc1 %fc1, fc2 %fc2 activation relu placements [pim]
      : (tensor<?x3xf32>, tensor<2xi64>, tensor<1x8x3xf32>, tensor<1x3x8xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// 64 intermediates over 8 lanes: 8 per bank, 32 per channel = 64 bytes of
// global buffer, no room left for an input burst.
func.func @gb_too_small(%x: tensor<?x8xf32>, %offsets: tensor<2xi64>) -> tensor<?x8xf32> {
  %fc1 = arith.constant dense<1.0> : tensor<1x64x8xf32>
  %fc2 = arith.constant dense<2.0> : tensor<1x8x64xf32>
  // expected-error @+1 {{the intermediate slice of 64 bytes per channel and one input burst, for 1 token(s), do not fit the 64-byte global buffer}}
  %y = moe.experts %x, %offsets fc1 %fc1, fc2 %fc2 activation relu placements [pim]
      : (tensor<?x8xf32>, tensor<2xi64>, tensor<1x64x8xf32>, tensor<1x8x64xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
