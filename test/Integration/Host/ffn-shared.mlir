// moe.ffn (a shared expert) on its own: swiglu with and without biases, gelu.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 5 tokens, H = 4, I = 6.
  %x = arith.constant dense<[[1.69, 1.82, 1.17, 1.99],
                             [1.7, -0.8, -1.71, -0.75],
                             [1.71, -0.57, 1.31, 0.19],
                             [0.46, 0.1, -0.74, 1.06],
                             [-0.78, -0.09, -0.27, -1.58]]> : tensor<5x4xf32>
  %sfc1 = arith.constant dense<[[-0.88, -0.04, 0.37, -0.89],
                                [0.66, 0.29, -0.14, 0.43],
                                [-0.3, -0.07, 0.04, 0.46],
                                [-0.13, -0.75, 0.91, -0.38],
                                [-0.77, -0.85, 0.81, 0.95],
                                [0.9, -0.23, -0.63, -0.62]]> : tensor<6x4xf32>
  %sfc2 = arith.constant dense<[[-0.17, 0.22, 0.68, 0.34, 0.27, 0.35],
                                [0.31, 0.52, 0.78, 0.44, -0.03, -0.02],
                                [-0.6, -0.65, 0.36, 0.34, 0.48, 0.57],
                                [-0.75, 0.55, -0.66, 0.06, 0.86, 0.44]]> : tensor<4x6xf32>
  %sfc3 = arith.constant dense<[[0.91, -0.89, -0.55, 0.35],
                                [-0.7, -0.82, 0.45, 0.31],
                                [-0.9, 0.38, -0.62, -0.46],
                                [-0.67, -0.05, -0.85, -0.9],
                                [-0.84, 0.48, 0.23, 0.79],
                                [0.11, 0.99, 0.55, 0.82]]> : tensor<6x4xf32>
  %sb1 = arith.constant dense<[-0.13, -0.21, -0.18, 0.06, -0.23, 0.37]> : tensor<6xf32>
  %sb2 = arith.constant dense<[0.14, -0.16, -0.08, -0.39]> : tensor<4xf32>
  %sb3 = arith.constant dense<[-0.45, 0.36, -0.34, -0.41, 0.13, -0.35]> : tensor<6xf32>
  %xd = tensor.cast %x : tensor<5x4xf32> to tensor<?x4xf32>

  // A DeepSeek-style shared expert: swiglu(separate), no biases.
  %s = moe.ffn %xd fc1 %sfc1, fc2 %sfc2, fc3 %sfc3
      activation swiglu(separate)
      : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<4x6xf32>, tensor<6x4xf32>)
      -> tensor<?x4xf32>
  %s_m = bufferization.to_buffer %s : tensor<?x4xf32> to memref<?x4xf32>
  %s_u = memref.cast %s_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%s_u) : (memref<*xf32>) -> ()
  // REF: ref.ffn(x, sfc1, sfc2, fc3=sfc3, activation="swiglu", gate_layout="separate")

  // swiglu(separate) with all three biases, placed on the gpu (ignored here).
  %sb = moe.ffn %xd fc1 %sfc1 bias %sb1, fc2 %sfc2 bias %sb2, fc3 %sfc3 bias %sb3
      activation swiglu(separate) placement gpu
      : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<4x6xf32>, tensor<4xf32>,
         tensor<6x4xf32>, tensor<6xf32>)
      -> tensor<?x4xf32>
  %sb_m = bufferization.to_buffer %sb : tensor<?x4xf32> to memref<?x4xf32>
  %sb_u = memref.cast %sb_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%sb_u) : (memref<*xf32>) -> ()
  // REF: ref.ffn(x, sfc1, sfc2, fc3=sfc3, b1=sb1, b2=sb2, b3=sb3, activation="swiglu", gate_layout="separate")

  // A plain gelu FFN with fc1 and fc2 biases.
  %g = moe.ffn %xd fc1 %sfc1 bias %sb1, fc2 %sfc2 bias %sb2
      activation gelu
      : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<4x6xf32>, tensor<4xf32>)
      -> tensor<?x4xf32>
  %g_m = bufferization.to_buffer %g : tensor<?x4xf32> to memref<?x4xf32>
  %g_u = memref.cast %g_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%g_u) : (memref<*xf32>) -> ()
  // REF: ref.ffn(x, sfc1, sfc2, b1=sb1, b2=sb2, activation="gelu")
  return
}
