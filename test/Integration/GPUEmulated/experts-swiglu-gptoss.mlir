// moe.experts: GPT-OSS swiglu (alpha 1.702, beta 1.0, limit 7.0) where the limit clamps.
// The GPU kernels of convert-moe-to-gpu, emitted for the host with
// emulate-on-host (blocks and threads run serially, barriers end a loop
// over threads), against the numpy reference. Inputs from ../Host/experts-swiglu-gptoss.mlir.
// RUN: moe-opt %s --convert-moe-to-gpu=emulate-on-host --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1" --moe-host-pipeline | %host_runner | %moe_check %s
// RUN: moe-opt %s --convert-moe-to-gpu="emulate-on-host gemv-max-tokens=1 tile-m=2 tile-n=4 tile-k=2 gemm-threads=4 gemv-warps=2" --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // N = 6, H = 4, I = 3, E = 2. Of the 18 (gate, linear) pairs, 2 gates are
  // above 7 (clamped to 7) and 1 is below -7 (kept: the gate is clamped above
  // only); 1 linear value is above 7 and 1 below -7 (clamped to +-7); 16 pairs
  // are untouched by the limit.
  %x = arith.constant dense<[[0.87, -0.58, -0.5, 1.84],
                             [-1.37, 1.44, -0.29, 1.52],
                             [1.02, -1.83, -1.61, -1.38],
                             [0.7, 1.01, -0.73, 0.59],
                             [-1.68, 0.8, 0.31, 0.83],
                             [-0.02, 0.53, -0.19, 0.14]]> : tensor<6x4xf32>
  %offsets = arith.constant dense<[0, 4, 6]> : tensor<3xi64>
  %fc1 = arith.constant dense<[[[-2.94, 1.69, -2.48, 2.87],
                                [2.4, 0.04, 1.99, -2.98],
                                [0.06, -1.47, 2.71, 0.73],
                                [-0.32, -0.85, 2.9, -0.49],
                                [1.61, -2.17, -0.31, -2.22],
                                [2.06, 0.26, -2.2, -1.87]],
                               [[0.11, -2.6, -0.06, -0.64],
                                [-0.09, -1.33, 0.4, 0.06],
                                [-1.07, 1.87, -0.17, -2.37],
                                [2.47, -0.11, -0.5, 1.41],
                                [0.13, -2.79, 0.64, 0.58],
                                [2.14, 2.12, -0.49, 1.11]]]> : tensor<2x6x4xf32>
  %b1 = arith.constant dense<[[-0.5, 0.28, -0.48, 0.43, -0.27, 0.22],
                              [0.17, 0.12, -0.28, 0.11, -0.15, -0.27]]> : tensor<2x6xf32>
  %fc2 = arith.constant dense<[[[-0.17, 0.14, -0.09], [0.7, 0.01, 0.32], [-0.01, 0.39, -0.61], [-0.06, -0.33, 0.4]],
                               [[0.34, -0.8, 0.72], [0.79, 0.89, 0.51], [-0.02, -0.02, 0.88], [0.04, 0.66, 0.34]]]> : tensor<2x4x3xf32>
  %b2 = arith.constant dense<[[0.36, 0.08, 0.44, 0.17], [0.18, -0.02, -0.48, 0.39]]> : tensor<2x4xf32>
  %xd = tensor.cast %x : tensor<6x4xf32> to tensor<?x4xf32>

  // GPT-OSS: interleaved fc1 with fc1 and fc2 biases.
  %y = moe.experts %xd, %offsets fc1 %fc1 bias %b1, fc2 %fc2 bias %b2
      activation swiglu(interleaved, alpha = 1.702, beta = 1.0, limit = 7.0) placements [gpu, gpu]
      : (tensor<?x4xf32>, tensor<3xi64>, tensor<2x6x4xf32>, tensor<2x6xf32>, tensor<2x4x3xf32>,
         tensor<2x4xf32>)
      -> tensor<?x4xf32>
  %y_m = bufferization.to_buffer %y : tensor<?x4xf32> to memref<?x4xf32>
  %y_u = memref.cast %y_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%y_u) : (memref<*xf32>) -> ()
  // REF-LET: act = dict(activation="swiglu", gate_layout="interleaved", alpha=1.702, beta=1.0, limit=7.0)
  // REF: ref.experts(x, offsets, fc1, fc2, b1=b1, b2=b2, **act)

  // alpha and beta without a limit (nothing is clamped), concatenated halves.
  %yc = moe.experts %xd, %offsets fc1 %fc1, fc2 %fc2
      activation swiglu(concatenated, alpha = 1.702, beta = 1.0) placements [gpu, gpu]
      : (tensor<?x4xf32>, tensor<3xi64>, tensor<2x6x4xf32>, tensor<2x4x3xf32>)
      -> tensor<?x4xf32>
  %yc_m = bufferization.to_buffer %yc : tensor<?x4xf32> to memref<?x4xf32>
  %yc_u = memref.cast %yc_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%yc_u) : (memref<*xf32>) -> ()
  // REF-LET: actc = dict(activation="swiglu", gate_layout="concatenated", alpha=1.702, beta=1.0)
  // REF: ref.experts(x, offsets, fc1, fc2, **actc)
  return
}
