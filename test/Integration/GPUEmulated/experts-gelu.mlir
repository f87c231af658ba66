// moe.experts: exact (erf) gelu activation with an fc1 bias only.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/experts-gelu.mlir.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1" --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1 tile-m=2 tile-n=4 tile-k=2 gemm-threads=4 gemv-warps=2" --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // N = 5 sorted rows, H = 4, I = 6, E = 3; expert 1 has no rows.
  %x = arith.constant dense<[[-1.29, 1.75, -0.89, 1.58],
                             [0.46, -0.74, 1.85, 1.51],
                             [-1.97, -0.9, 0.93, -0.54],
                             [-0.14, 1.11, -0.98, -1.97],
                             [-1.14, 0.28, 0.86, -0.86]]> : tensor<5x4xf32>
  %offsets = arith.constant dense<[0, 2, 2, 5]> : tensor<4xi64>
  %fc1 = arith.constant dense<[[[0.44, -0.28, 0.68, 0.0],
                                [-0.22, 0.55, 0.48, 0.95],
                                [0.26, 0.37, 0.45, 0.24],
                                [0.56, 0.85, 0.71, -0.59],
                                [0.13, 0.11, 0.47, 0.33],
                                [0.14, -0.39, 0.47, -0.11]],
                               [[-0.5, 0.13, 0.32, 0.58],
                                [0.63, -0.55, 0.33, -0.19],
                                [0.2, 0.15, -0.99, 0.11],
                                [-0.84, 0.4, 0.13, -0.46],
                                [0.38, -0.62, 0.25, -0.14],
                                [-0.55, 0.19, -0.81, -0.66]],
                               [[-0.89, -0.44, -0.57, 0.87],
                                [-0.39, -0.16, 0.72, 0.53],
                                [0.59, -0.73, -0.08, -0.38],
                                [0.47, 0.57, 0.58, -0.12],
                                [-0.81, 0.31, -0.06, 0.18],
                                [-0.21, -0.46, -0.73, -0.03]]]> : tensor<3x6x4xf32>
  %b1 = arith.constant dense<[[0.13, 0.07, 0.32, 0.39, -0.01, -0.25],
                              [-0.4, 0.32, -0.04, 0.34, 0.44, -0.19],
                              [0.44, -0.42, -0.03, -0.11, 0.1, 0.21]]> : tensor<3x6xf32>
  %fc2 = arith.constant dense<[[[-0.58, -0.67, 0.02, 0.65, 0.64, 0.18],
                                [0.55, -0.75, 0.21, -0.53, 0.53, 0.44],
                                [0.37, 0.55, -0.62, -0.26, -0.75, -0.23],
                                [1.0, -0.24, -0.73, 0.76, 0.67, 0.5]],
                               [[-0.38, 0.89, 0.26, -0.31, -0.16, -0.86],
                                [-0.37, -0.52, -0.72, 0.74, -0.24, -0.15],
                                [-0.77, -0.45, -0.99, -0.9, 0.24, -0.47],
                                [0.04, -0.22, 0.13, 0.22, 0.52, 0.11]],
                               [[-0.6, 0.45, 0.56, 0.48, -0.51, 0.66],
                                [-0.77, 0.76, -0.93, -0.73, -0.88, 0.1],
                                [0.53, 0.79, 0.99, 0.47, 0.92, 0.26],
                                [0.64, -0.4, 0.97, -0.71, 0.99, 0.06]]]> : tensor<3x4x6xf32>
  %xd = tensor.cast %x : tensor<5x4xf32> to tensor<?x4xf32>

  %y = moe.experts %xd, %offsets fc1 %fc1 bias %b1, fc2 %fc2
      activation gelu placements [gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<4xi64>, tensor<3x6x4xf32>, tensor<3x6xf32>, tensor<3x4x6xf32>)
      -> tensor<?x4xf32>
  %y_m = bufferization.to_buffer %y : tensor<?x4xf32> to memref<?x4xf32>
  %y_u = memref.cast %y_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%y_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x, offsets, fc1, fc2, b1=b1, activation="gelu")
  return
}
