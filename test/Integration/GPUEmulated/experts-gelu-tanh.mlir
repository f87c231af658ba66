// moe.experts: tanh-approximated gelu activation with an fc2 bias only.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/experts-gelu-tanh.mlir.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1" --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1 tile-m=2 tile-n=4 tile-k=2 gemm-threads=4 gemv-warps=2" --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // N = 6 sorted rows, H = 4, I = 6, E = 3; every expert has rows.
  %x = arith.constant dense<[[-0.79, -0.19, -0.78, 0.23],
                             [-0.37, -0.48, -1.88, -0.11],
                             [-1.59, -1.5, -1.22, 1.59],
                             [1.39, 0.32, -1.95, -0.24],
                             [-0.36, -1.27, -0.44, -0.31],
                             [-0.63, 1.13, -0.43, -0.79]]> : tensor<6x4xf32>
  %offsets = arith.constant dense<[0, 3, 4, 6]> : tensor<4xi64>
  %fc1 = arith.constant dense<[[[-0.33, 0.97, 0.52, -0.92],
                                [-0.39, 0.96, 0.6, -0.58],
                                [0.81, 0.28, -0.96, -0.98],
                                [-0.24, 0.5, -0.11, 0.23],
                                [-0.61, 0.28, -0.75, -0.3],
                                [0.4, -0.15, 0.26, -0.75]],
                               [[0.55, -0.95, -0.57, -0.48],
                                [0.32, 0.4, -0.69, -0.87],
                                [-0.68, -0.83, 0.06, 0.35],
                                [0.87, 0.81, -0.05, 0.49],
                                [0.84, -0.4, -0.01, 0.8],
                                [-0.93, 0.4, 0.62, 0.2]],
                               [[0.94, 0.38, 0.78, 0.15],
                                [0.82, 0.13, 0.55, -0.69],
                                [0.25, -0.4, -0.8, 0.97],
                                [-0.22, -0.92, -0.99, 0.44],
                                [-0.53, 0.47, -0.75, 0.77],
                                [0.11, -0.74, 0.2, -0.9]]]> : tensor<3x6x4xf32>
  %fc2 = arith.constant dense<[[[-0.58, 0.29, 0.24, 0.1, -0.71, 0.34],
                                [-0.52, 0.12, 0.53, -0.18, 0.52, -0.03],
                                [-0.31, 0.19, 0.17, -0.87, 0.24, 0.27],
                                [-0.73, -0.69, -0.11, 0.88, 0.0, 0.23]],
                               [[-0.29, 0.8, -0.01, 0.53, 0.25, 0.21],
                                [-0.54, -0.8, 0.61, -0.25, 0.48, -0.79],
                                [-0.86, 0.72, -0.34, -0.38, -0.09, 0.15],
                                [0.6, -0.3, 0.54, -0.32, 0.01, 0.4]],
                               [[-0.18, 0.83, 0.81, 0.55, -0.52, -0.37],
                                [0.69, 0.18, 0.83, 0.65, -0.8, -0.35],
                                [-0.3, -0.67, -0.48, -0.99, 0.52, 0.1],
                                [0.47, 0.1, -0.44, -0.43, -0.29, 0.76]]]> : tensor<3x4x6xf32>
  %b2 = arith.constant dense<[[0.03, 0.12, -0.43, 0.15],
                              [-0.37, 0.34, -0.14, 0.46],
                              [-0.18, -0.11, -0.48, -0.2]]> : tensor<3x4xf32>
  %xd = tensor.cast %x : tensor<6x4xf32> to tensor<?x4xf32>

  %y = moe.experts %xd, %offsets fc1 %fc1, fc2 %fc2 bias %b2
      activation gelu_tanh placements [gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<4xi64>, tensor<3x6x4xf32>, tensor<3x4x6xf32>, tensor<3x4xf32>)
      -> tensor<?x4xf32>
  %y_m = bufferization.to_buffer %y : tensor<?x4xf32> to memref<?x4xf32>
  %y_u = memref.cast %y_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%y_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x, offsets, fc1, fc2, b2=b2, activation="gelu_tanh")
  return
}
