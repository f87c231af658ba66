// convert-moe-to-gpu: a block size that does not divide the tiles is an error.
// RUN: moe-opt %s --convert-moe-to-gpu="gemm-threads=96" -verify-diagnostics

func.func @tiles(%x: tensor<?x4xf32>, %o: tensor<3xi64>, %w1: tensor<2x8x4xf32>,
                 %w2: tensor<2x4x8xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{convert-moe-to-gpu: gemm-threads (96) must divide tile-m*tile-n, tile-m*tile-k and tile-n*tile-k}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu placements [gpu, pim]
      : (tensor<?x4xf32>, tensor<3xi64>, tensor<2x8x4xf32>, tensor<2x4x8xf32>)
      -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
