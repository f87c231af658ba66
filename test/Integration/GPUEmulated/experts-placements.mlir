// moe.experts: a placements attribute does not change the numbers.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/experts-placements.mlir.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1" --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1 tile-m=2 tile-n=4 tile-k=2 gemm-threads=4 gemv-warps=2" --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // N = 5, H = 4, I = 3, E = 4; GPU experts run the kernels, the others the host FFN, so
  // both ops must print the same numbers.
  %x = arith.constant dense<[[-0.91, 1.55, 1.29, 0.17],
                             [-1.97, 0.67, 1.76, 0.08],
                             [0.45, -0.2, -0.08, 0.33],
                             [0.4, 0.0, -1.48, 0.51],
                             [0.59, -0.58, -0.75, 1.91]]> : tensor<5x4xf32>
  %offsets = arith.constant dense<[0, 1, 3, 3, 5]> : tensor<5xi64>
  %fc1 = arith.constant dense<[[[-0.08, -0.66, 0.0, 0.47], [-0.8, 0.61, 0.0, -0.19], [0.24, -0.75, 0.4, 0.23]],
                               [[0.22, 0.18, 0.04, 0.5], [0.81, -0.49, -0.49, 0.01], [0.75, -0.82, 0.83, 0.86]],
                               [[0.93, 0.77, -0.95, -0.39], [-0.26, -0.74, -0.96, -0.22], [0.33, 0.68, 0.92, -0.31]],
                               [[0.51, 0.62, 0.09, 0.65], [0.02, -0.27, 0.92, 0.12], [0.56, -0.62, 0.81, 0.31]]]> : tensor<4x3x4xf32>
  %fc2 = arith.constant dense<[[[0.22, 0.86, 0.09], [0.32, -0.73, 0.0], [-0.21, -0.62, 0.67], [0.35, 0.68, 0.7]],
                               [[-0.35, 0.72, 0.43], [0.99, 0.9, -0.3], [0.09, -0.42, 0.38], [0.84, -0.39, 0.02]],
                               [[0.61, 0.05, -0.31], [-0.64, -0.42, -0.39], [0.76, -0.11, -0.35], [0.22, -0.7, -0.3]],
                               [[-0.93, 0.98, 0.21], [-0.1, 0.68, 0.66], [0.61, -0.14, 0.98], [0.57, 0.51, 0.68]]]> : tensor<4x4x3xf32>
  %b2 = arith.constant dense<[[-0.28, 0.38, -0.27, 0.26],
                              [0.16, -0.25, -0.27, 0.09],
                              [-0.15, -0.39, 0.3, 0.47],
                              [-0.29, 0.5, -0.17, -0.45]]> : tensor<4x4xf32>
  %fc3 = arith.constant dense<[[[0.2, 0.66, 0.3, -0.64], [-0.57, 0.51, -0.88, -0.67], [0.87, 0.15, 0.4, -0.65]],
                               [[-0.49, 0.63, -0.74, 0.54], [0.21, 0.98, -0.1, 0.71], [0.04, -0.95, 0.4, -0.08]],
                               [[-0.55, -0.3, 0.96, 0.9], [-0.21, 0.15, 0.75, 0.11], [-0.58, 0.3, -0.7, -0.59]],
                               [[-0.11, -0.05, -0.69, 0.82], [0.61, 0.28, -0.82, -0.14], [0.64, 0.93, -0.67, -0.28]]]> : tensor<4x3x4xf32>
  %xd = tensor.cast %x : tensor<5x4xf32> to tensor<?x4xf32>

  // Without placements.
  %y = moe.experts %xd, %offsets fc1 %fc1, fc2 %fc2 bias %b2, fc3 %fc3
      activation swiglu(separate) placements [gpu, gpu, gpu, gpu]
      : (tensor<?x4xf32>, tensor<5xi64>, tensor<4x3x4xf32>, tensor<4x4x3xf32>, tensor<4x4xf32>,
         tensor<4x3x4xf32>)
      -> tensor<?x4xf32>
  %y_m = bufferization.to_buffer %y : tensor<?x4xf32> to memref<?x4xf32>
  %y_u = memref.cast %y_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%y_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x, offsets, fc1, fc2, fc3=fc3, b2=b2, activation="swiglu", gate_layout="separate")

  // One placement per expert, every kind used.
  %yp = moe.experts %xd, %offsets fc1 %fc1, fc2 %fc2 bias %b2, fc3 %fc3
      activation swiglu(separate) placements [gpu, pim, host, dynamic]
      : (tensor<?x4xf32>, tensor<5xi64>, tensor<4x3x4xf32>, tensor<4x4x3xf32>, tensor<4x4xf32>,
         tensor<4x3x4xf32>)
      -> tensor<?x4xf32>
  %yp_m = bufferization.to_buffer %yp : tensor<?x4xf32> to memref<?x4xf32>
  %yp_u = memref.cast %yp_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%yp_u) : (memref<*xf32>) -> ()
  // REF: ref.experts(x, offsets, fc1, fc2, fc3=fc3, b2=b2, activation="swiglu", gate_layout="separate")
  return
}
