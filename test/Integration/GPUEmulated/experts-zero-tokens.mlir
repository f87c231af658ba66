// moe.experts: experts with no rows (first, middle, last), and N = 0.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/experts-zero-tokens.mlir.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1" --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1 tile-m=2 tile-n=4 tile-k=2 gemm-threads=4 gemv-warps=2" --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // H = 4, I = 5, E = 5. Offsets [0, 0, 4, 4, 6, 6]: experts 0, 2 and 4
  // (first, middle, last) have no rows; their biases must not leak anywhere.
  %x = arith.constant dense<[[1.3, -1.99, 0.68, 1.17],
                             [1.51, 0.4, 0.35, 1.6],
                             [-0.76, 1.94, -0.06, -0.07],
                             [1.54, 1.12, -0.9, 0.35],
                             [0.64, 1.61, -0.2, 0.98],
                             [0.72, -1.95, -1.72, 1.69]]> : tensor<6x4xf32>
  %offsets = arith.constant dense<[0, 0, 4, 4, 6, 6]> : tensor<6xi64>
  %fc1 = arith.constant dense<[[[-0.79, -0.65, -0.96, 0.18],
                                [-0.22, 0.58, -0.46, 0.75],
                                [-0.77, -0.08, 0.33, -0.66],
                                [-0.7, -0.92, -0.31, 0.05],
                                [0.88, -0.2, -0.51, -0.88]],
                               [[-0.76, -0.5, 0.01, -0.81],
                                [0.71, 0.52, 0.41, -0.75],
                                [-0.01, -0.91, 0.96, 0.92],
                                [-0.18, 0.22, -0.32, -0.08],
                                [0.18, 0.42, -0.32, 0.85]],
                               [[0.68, 0.79, -0.96, 0.15],
                                [-0.2, 0.7, 0.69, -0.68],
                                [-0.84, -0.18, 0.69, 0.57],
                                [-0.98, -0.29, 0.9, 0.55],
                                [0.11, -0.66, 0.17, 0.44]],
                               [[0.04, -0.66, 0.58, -0.39],
                                [0.39, -0.67, 0.03, 0.37],
                                [-0.72, -0.1, 0.47, 0.81],
                                [-0.48, 0.65, 0.65, 0.58],
                                [0.55, -0.33, -0.47, -0.37]],
                               [[0.16, 0.15, 0.17, 0.17],
                                [0.29, 0.15, -0.28, 0.24],
                                [0.53, -0.91, 0.39, 0.83],
                                [0.73, -0.54, -0.47, -0.65],
                                [1.0, -0.4, 0.55, -0.45]]]> : tensor<5x5x4xf32>
  %b1 = arith.constant dense<[[0.18, 0.06, -0.17, 0.48, 0.22],
                              [0.38, 0.04, -0.47, -0.29, 0.25],
                              [-0.38, -0.32, 0.17, 0.44, 0.22],
                              [0.38, 0.31, 0.44, 0.4, 0.02],
                              [0.11, -0.38, 0.13, -0.48, 0.11]]> : tensor<5x5xf32>
  %fc2 = arith.constant dense<[[[0.21, -0.28, -0.52, 0.54, -0.75],
                                [-0.83, 0.0, -0.81, 0.28, -1.0],
                                [-0.58, -0.72, 0.1, -0.82, -0.65],
                                [-0.13, 0.91, -0.06, -0.9, 0.3]],
                               [[0.9, -0.71, 0.09, -0.16, -0.36],
                                [0.41, 0.86, -0.65, 0.08, 0.78],
                                [-0.38, -0.14, 0.74, -0.64, 0.5],
                                [-0.42, -0.34, -0.08, 0.96, -0.43]],
                               [[0.27, -0.86, 0.45, 0.07, 0.21],
                                [0.54, -0.93, 0.45, 0.29, -0.25],
                                [0.34, -0.5, 0.85, -0.87, -0.55],
                                [0.49, 0.61, 0.23, 0.83, -0.53]],
                               [[0.45, -0.51, 0.53, 0.74, -0.63],
                                [0.94, -0.74, 0.26, 0.21, -0.93],
                                [0.51, -0.96, -0.28, 0.1, 0.2],
                                [0.58, -0.14, -0.23, -0.48, -0.31]],
                               [[-0.21, 0.94, 0.36, -0.87, 0.62],
                                [-0.75, 0.38, 0.14, 0.84, -0.37],
                                [0.69, 0.34, 0.83, -0.31, -0.7],
                                [0.43, -0.5, 0.57, -0.6, 0.99]]]> : tensor<5x4x5xf32>
  %b2 = arith.constant dense<[[-0.07, 0.2, -0.37, -0.18],
                              [-0.32, 0.21, -0.31, 0.36],
                              [0.29, 0.2, -0.19, 0.43],
                              [0.09, -0.07, 0.1, -0.42],
                              [-0.3, 0.37, 0.22, -0.46]]> : tensor<5x4xf32>
  %xd = tensor.cast %x : tensor<6x4xf32> to tensor<?x4xf32>

  %y = moe.experts %xd, %offsets fc1 %fc1 bias %b1, fc2 %fc2 bias %b2
      activation silu placements [gpu, gpu, gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<6xi64>, tensor<5x5x4xf32>, tensor<5x5xf32>, tensor<5x4x5xf32>,
         tensor<5x4xf32>)
      -> tensor<?x4xf32>
  %y_m = bufferization.to_buffer %y : tensor<?x4xf32> to memref<?x4xf32>
  %y_u = memref.cast %y_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%y_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x, offsets, fc1, fc2, b1=b1, b2=b2, activation="silu")

  // No rows at all (N = 0): every expert is empty.
  %x0 = arith.constant dense<> : tensor<0x4xf32>
  %offsets0 = arith.constant dense<[0, 0, 0, 0, 0, 0]> : tensor<6xi64>
  %x0d = tensor.cast %x0 : tensor<0x4xf32> to tensor<?x4xf32>
  %y0 = moe.experts %x0d, %offsets0 fc1 %fc1 bias %b1, fc2 %fc2 bias %b2
      activation silu placements [gpu, gpu, gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<6xi64>, tensor<5x5x4xf32>, tensor<5x5xf32>, tensor<5x4x5xf32>,
         tensor<5x4xf32>)
      -> tensor<?x4xf32>
  %y0_m = bufferization.to_buffer %y0 : tensor<?x4xf32> to memref<?x4xf32>
  %y0_u = memref.cast %y0_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%y0_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x0, offsets0, fc1, fc2, b1=b1, b2=b2, activation="silu")
  return
}
