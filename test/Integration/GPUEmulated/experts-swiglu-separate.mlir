// moe.experts: swiglu with a separate fc3 (Mixtral/DeepSeek layout), with none, some and all biases.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/experts-swiglu-separate.mlir.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1" --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1 tile-m=2 tile-n=4 tile-k=2 gemm-threads=4 gemv-warps=2" --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // N = 6 sorted rows, H = 4, I = 5, E = 3; expert 1 has no rows.
  %x = arith.constant dense<[[1.99, 0.56, -0.32, 0.24],
                             [1.45, 1.97, -1.71, 1.32],
                             [-1.39, 0.9, -0.16, 1.4],
                             [-0.75, -0.45, -1.19, 0.28],
                             [1.12, 1.51, 0.86, -1.41],
                             [1.23, -0.28, 0.79, 1.58]]> : tensor<6x4xf32>
  %offsets = arith.constant dense<[0, 2, 2, 6]> : tensor<4xi64>
  %fc1 = arith.constant dense<[[[0.83, -0.25, -0.59, -0.18],
                                [0.24, 0.1, 0.05, -0.2],
                                [-0.84, -0.64, -0.86, 0.85],
                                [-0.84, 0.34, 0.5, 0.99],
                                [-0.45, -0.34, -0.81, 0.85]],
                               [[-0.33, 0.15, 0.55, 0.46],
                                [0.87, 0.59, -0.86, 0.56],
                                [-0.68, -0.65, -0.72, 0.09],
                                [0.09, 0.46, 0.84, 0.21],
                                [-0.16, 0.21, 0.28, 0.31]],
                               [[-0.87, 0.62, 0.01, -0.92],
                                [0.33, 0.43, 1.0, 0.64],
                                [-0.65, 0.92, 0.51, 0.86],
                                [-0.68, -0.74, 0.37, 0.59],
                                [-0.42, -0.88, -0.82, -0.02]]]> : tensor<3x5x4xf32>
  %b1 = arith.constant dense<[[-0.24, 0.33, -0.02, -0.39, 0.43],
                              [-0.33, -0.03, -0.12, -0.15, -0.17],
                              [0.22, -0.12, 0.19, -0.41, -0.11]]> : tensor<3x5xf32>
  %fc2 = arith.constant dense<[[[-0.96, 0.42, 0.23, -0.42, 0.83],
                                [-0.76, -0.08, 0.7, -0.38, -0.87],
                                [0.42, -0.27, -0.78, 0.32, -0.22],
                                [0.9, -0.43, 0.73, -0.55, -0.22]],
                               [[-0.25, -0.82, -0.9, 0.43, -0.78],
                                [0.52, 0.49, 0.46, -0.57, 0.11],
                                [0.58, -0.08, 0.09, -0.69, 0.7],
                                [0.15, 0.71, -0.26, -0.59, -0.33]],
                               [[0.94, -0.98, -0.46, 0.54, -0.22],
                                [0.33, -0.01, 0.48, 0.97, -0.5],
                                [0.35, -0.2, 0.37, 0.98, -0.63],
                                [-0.11, 0.98, -0.34, -0.48, 0.03]]]> : tensor<3x4x5xf32>
  %b2 = arith.constant dense<[[0.4, 0.1, 0.26, -0.25],
                              [-0.2, -0.2, -0.15, 0.45],
                              [-0.24, 0.4, 0.14, -0.02]]> : tensor<3x4xf32>
  %fc3 = arith.constant dense<[[[0.05, 0.37, -0.85, 0.05],
                                [0.92, 0.01, 0.16, -0.79],
                                [0.79, 0.14, -0.42, -0.12],
                                [-0.11, 0.42, -0.86, 0.2],
                                [-0.23, 0.06, -0.79, -0.05]],
                               [[-0.18, -0.47, -0.65, -0.76],
                                [-0.16, -0.53, 0.8, -0.49],
                                [-0.24, 0.73, 0.68, -0.25],
                                [0.49, 0.88, 0.39, 0.11],
                                [0.85, -0.42, 0.75, 0.71]],
                               [[-0.36, 0.89, -0.06, -0.6],
                                [-0.94, 0.71, 0.84, 0.61],
                                [-0.49, 0.63, 0.63, 0.4],
                                [-0.37, 0.14, -0.16, -0.22],
                                [-0.19, -0.72, -0.57, -0.66]]]> : tensor<3x5x4xf32>
  %b3 = arith.constant dense<[[0.03, -0.34, 0.36, -0.43, -0.15],
                              [0.06, -0.33, -0.33, 0.03, 0.04],
                              [-0.04, -0.23, -0.01, -0.08, 0.38]]> : tensor<3x5xf32>
  %xd = tensor.cast %x : tensor<6x4xf32> to tensor<?x4xf32>

  // No biases: silu(fc1 x) * (fc3 x).
  %y = moe.experts %xd, %offsets fc1 %fc1, fc2 %fc2, fc3 %fc3
      activation swiglu(separate) placements [gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<4xi64>, tensor<3x5x4xf32>, tensor<3x4x5xf32>, tensor<3x5x4xf32>)
      -> tensor<?x4xf32>
  %y_m = bufferization.to_buffer %y : tensor<?x4xf32> to memref<?x4xf32>
  %y_u = memref.cast %y_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%y_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x, offsets, fc1, fc2, fc3=fc3, activation="swiglu", gate_layout="separate")

  // Only the fc3 (linear) bias.
  %y3 = moe.experts %xd, %offsets fc1 %fc1, fc2 %fc2, fc3 %fc3 bias %b3
      activation swiglu(separate) placements [gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<4xi64>, tensor<3x5x4xf32>, tensor<3x4x5xf32>, tensor<3x5x4xf32>,
         tensor<3x5xf32>)
      -> tensor<?x4xf32>
  %y3_m = bufferization.to_buffer %y3 : tensor<?x4xf32> to memref<?x4xf32>
  %y3_u = memref.cast %y3_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%y3_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x, offsets, fc1, fc2, fc3=fc3, b3=b3, activation="swiglu", gate_layout="separate")

  // All three biases.
  %yb = moe.experts %xd, %offsets fc1 %fc1 bias %b1, fc2 %fc2 bias %b2, fc3 %fc3 bias %b3
      activation swiglu(separate) placements [gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<4xi64>, tensor<3x5x4xf32>, tensor<3x5xf32>, tensor<3x4x5xf32>,
         tensor<3x4xf32>, tensor<3x5x4xf32>, tensor<3x5xf32>)
      -> tensor<?x4xf32>
  %yb_m = bufferization.to_buffer %yb : tensor<?x4xf32> to memref<?x4xf32>
  %yb_u = memref.cast %yb_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%yb_u) : (memref<*xf32>) -> ()
  // REF-LET: actb = dict(activation="swiglu", gate_layout="separate")
  // REF: ref.experts(x, offsets, fc1, fc2, b1=b1, b2=b2, fc3=fc3, b3=b3, **actb)
  return
}
