// convert-moe-to-gpu: what the kernels cannot compile is an error at the op.
// RUN: moe-opt %s --convert-moe-to-gpu -split-input-file -verify-diagnostics | FileCheck %s

func.func @f64(%x: tensor<?x4xf64>, %o: tensor<3xi64>, %w1: tensor<2x8x4xf64>,
               %w2: tensor<2x4x8xf64>) -> tensor<?x4xf64> {
  // expected-error @+1 {{convert-moe-to-gpu: element type 'f64' is not supported by the GPU kernels (f32, f16, bf16)}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu placements [gpu, pim]
      : (tensor<?x4xf64>, tensor<3xi64>, tensor<2x8x4xf64>, tensor<2x4x8xf64>)
      -> tensor<?x4xf64>
  return %y : tensor<?x4xf64>
}

// -----

func.func @dynamic_weights(%x: tensor<?x4xf32>, %o: tensor<3xi64>,
                           %w1: tensor<2x?x4xf32>, %w2: tensor<2x4x8xf32>)
    -> tensor<?x4xf32> {
  // expected-error @+1 {{convert-moe-to-gpu: expert weights and biases need static shapes, got 'tensor<2x?x4xf32>'}}
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu placements [gpu, gpu]
      : (tensor<?x4xf32>, tensor<3xi64>, tensor<2x?x4xf32>, tensor<2x4x8xf32>)
      -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// Not on the GPU: no error, whatever the type.
// CHECK-LABEL: func.func @f64_host
// CHECK: moe.experts
func.func @f64_host(%x: tensor<?x4xf64>, %o: tensor<3xi64>,
                    %w1: tensor<2x8x4xf64>, %w2: tensor<2x4x8xf64>)
    -> tensor<?x4xf64> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation relu placements [pim, host]
      : (tensor<?x4xf64>, tensor<3xi64>, tensor<2x8x4xf64>, tensor<2x4x8xf64>)
      -> tensor<?x4xf64>
  return %y : tensor<?x4xf64>
}
