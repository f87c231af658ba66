// moe.experts: identity activation (two plain matmuls), no biases.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/experts-identity.mlir.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1" --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1 tile-m=2 tile-n=4 tile-k=2 gemm-threads=4 gemv-warps=2" --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // N = 5 sorted rows, H = 4, I = 6, E = 3; expert 1 has no rows.
  %x = arith.constant dense<[[0.77, -0.46, -1.77, 1.42],
                             [1.65, 0.37, 1.32, 1.34],
                             [0.16, -1.0, 1.39, 1.65],
                             [-1.22, 1.57, -1.82, 0.58],
                             [0.01, -0.09, -1.76, 0.45]]> : tensor<5x4xf32>
  %offsets = arith.constant dense<[0, 2, 2, 5]> : tensor<4xi64>
  %fc1 = arith.constant dense<[[[0.3, 0.23, -0.72, -0.81],
                                [0.51, -0.16, -0.43, 0.8],
                                [0.94, 0.78, -0.15, 0.6],
                                [-0.67, 0.85, -0.47, 0.12],
                                [0.11, 0.36, -0.82, -0.43],
                                [0.43, 0.7, 0.82, 0.6]],
                               [[-0.9, -0.92, -0.72, 0.12],
                                [0.57, 0.93, 0.24, -0.7],
                                [0.99, -0.52, 0.28, -0.86],
                                [0.21, 0.42, -0.1, 0.76],
                                [0.91, -0.26, 0.15, 0.07],
                                [-0.58, -0.87, -0.6, -0.69]],
                               [[-0.04, -0.67, 0.66, 0.02],
                                [-0.79, -0.94, -0.93, 0.05],
                                [-0.97, -0.92, 0.03, 0.16],
                                [0.24, 0.92, -0.89, 0.29],
                                [0.73, -0.3, 0.96, -0.96],
                                [-0.87, 0.05, -0.27, -0.82]]]> : tensor<3x6x4xf32>
  %fc2 = arith.constant dense<[[[-0.71, 0.35, -0.13, -0.75, 0.88, 0.78],
                                [0.25, -0.94, -0.46, -0.7, -0.87, 0.67],
                                [0.09, 0.71, 0.2, -0.67, 0.79, -0.62],
                                [0.6, 0.29, -0.94, 0.96, -0.68, -0.53]],
                               [[-0.02, -0.18, -0.71, -0.05, 0.92, 0.11],
                                [-0.75, 0.05, -0.96, 0.43, -0.44, 0.24],
                                [0.42, -0.02, 0.88, 0.45, 0.67, -0.53],
                                [-0.3, -0.71, -0.07, 0.89, -0.87, 0.83]],
                               [[-0.89, -0.19, -0.68, -0.81, -0.3, 0.61],
                                [0.55, 0.08, -0.33, -0.89, -0.36, -0.87],
                                [-0.29, -0.01, 0.41, 0.3, -0.86, 0.11],
                                [0.97, -0.47, 0.74, 0.21, 0.09, 0.21]]]> : tensor<3x4x6xf32>
  %xd = tensor.cast %x : tensor<5x4xf32> to tensor<?x4xf32>

  %y = moe.experts %xd, %offsets fc1 %fc1, fc2 %fc2
      activation identity placements [gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<4xi64>, tensor<3x6x4xf32>, tensor<3x4x6xf32>)
      -> tensor<?x4xf32>
  %y_m = bufferization.to_buffer %y : tensor<?x4xf32> to memref<?x4xf32>
  %y_u = memref.cast %y_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%y_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x, offsets, fc1, fc2, activation="identity")
  return
}
