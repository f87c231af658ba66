// moe.combine of real expert outputs (gelu_tanh with biases) under signed weights.
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 4, H = 4, I = 5, E = 5, k = 3. Given ids (experts 1 and 3 unused) and
  // arbitrary signed weights, not from moe.route.
  %x = arith.constant dense<[[-0.16, 1.11, 0.0, -0.35],
                             [0.11, 1.6, 0.69, 0.96],
                             [0.71, -1.32, -0.14, -0.79],
                             [-0.77, -1.78, -0.54, 1.39]]> : tensor<4x4xf32>
  %ids = arith.constant dense<[[4, 0, 2], [2, 4, 0], [0, 2, 4], [4, 2, 0]]> : tensor<4x3xi32>
  %w = arith.constant dense<[[-0.41, -0.8, -0.9],
                             [0.68, 0.55, 0.92],
                             [0.21, 0.4, 0.3],
                             [0.74, -0.09, 0.51]]> : tensor<4x3xf32>
  %fc1 = arith.constant dense<[[[-0.14, -0.17, -0.7, -0.81],
                                [0.09, 0.89, -0.68, -0.43],
                                [0.07, -0.29, 0.9, -0.02],
                                [0.33, -0.4, 0.38, 0.88],
                                [-0.41, -0.04, 0.27, 0.81]],
                               [[0.92, 0.67, 0.61, -0.46],
                                [0.33, 0.19, 0.91, -0.19],
                                [-0.41, 0.72, 0.59, 0.88],
                                [0.59, -0.11, -0.95, 0.47],
                                [-0.2, 0.91, 0.43, 0.16]],
                               [[-0.82, -0.81, -0.35, -0.46],
                                [0.08, -0.28, 0.23, -0.56],
                                [0.25, 0.09, 0.91, 0.19],
                                [0.45, 0.23, -0.74, -0.42],
                                [-0.16, 0.93, -0.47, 0.86]],
                               [[-0.35, -0.18, 0.08, 0.71],
                                [0.51, -0.24, 0.06, 0.59],
                                [0.07, -0.91, 0.63, -0.4],
                                [-0.99, -0.23, 0.07, -0.41],
                                [0.98, 0.9, -0.84, -0.65]],
                               [[0.67, -0.78, 0.53, -0.17],
                                [-0.98, -0.28, -0.53, -0.79],
                                [0.55, 0.27, 0.0, -0.5],
                                [-0.37, -0.67, -0.27, 0.17],
                                [0.37, -0.23, -0.52, -0.74]]]> : tensor<5x5x4xf32>
  %b1 = arith.constant dense<[[0.37, 0.48, 0.26, -0.04, 0.48],
                              [0.25, -0.31, 0.46, 0.47, -0.12],
                              [0.28, -0.03, 0.37, 0.08, 0.18],
                              [0.32, 0.15, -0.44, -0.36, -0.23],
                              [-0.05, 0.13, -0.45, 0.29, 0.01]]> : tensor<5x5xf32>
  %fc2 = arith.constant dense<[[[0.34, -0.79, 0.17, -0.55, 0.43],
                                [-0.19, 0.49, -0.23, -0.6, -0.81],
                                [-0.34, 0.43, -0.73, 0.26, -0.18],
                                [-0.75, -0.56, -0.4, -0.02, -0.27]],
                               [[0.01, 0.81, -0.83, -0.73, 0.28],
                                [0.23, -0.39, -0.26, 0.97, -0.84],
                                [-0.82, 0.09, -0.13, -0.35, 0.16],
                                [0.38, -0.29, -0.78, 0.36, -0.69]],
                               [[0.69, 0.71, -0.14, 0.39, 0.48],
                                [0.2, 0.47, 0.73, 0.2, 0.14],
                                [0.66, -0.84, -0.7, -0.53, -0.24],
                                [-0.55, 0.09, 0.03, 0.4, 0.91]],
                               [[-0.78, 0.64, -0.1, -0.4, 0.84],
                                [0.29, -0.44, 0.49, -0.39, 0.55],
                                [-0.44, 0.98, 0.63, 0.66, -0.91],
                                [-0.11, -0.61, -0.92, -0.12, 0.56]],
                               [[0.89, -0.11, -0.77, -0.24, -0.4],
                                [0.56, 0.69, -0.56, -0.53, -0.77],
                                [-0.57, -0.27, -0.5, -0.05, 0.67],
                                [0.46, 0.85, 0.32, -0.67, 0.36]]]> : tensor<5x4x5xf32>
  %b2 = arith.constant dense<[[-0.21, -0.07, -0.46, -0.43],
                              [0.43, 0.13, -0.4, 0.11],
                              [-0.32, 0.1, 0.43, 0.15],
                              [-0.42, -0.33, 0.05, 0.45],
                              [0.13, 0.32, -0.19, -0.04]]> : tensor<5x4xf32>
  %xd = tensor.cast %x : tensor<4x4xf32> to tensor<?x4xf32>
  %idsd = tensor.cast %ids : tensor<4x3xi32> to tensor<?x3xi32>
  %wd = tensor.cast %w : tensor<4x3xf32> to tensor<?x3xf32>
  %sorted, %offsets, %perm = moe.dispatch %xd, %idsd
      : tensor<?x4xf32>, tensor<?x3xi32>
      -> tensor<?x4xf32>, tensor<6xi64>, tensor<?xi64>
  %y = moe.experts %sorted, %offsets fc1 %fc1 bias %b1, fc2 %fc2 bias %b2
      activation gelu_tanh
      : (tensor<?x4xf32>, tensor<6xi64>, tensor<5x5x4xf32>, tensor<5x5xf32>, tensor<5x4x5xf32>,
         tensor<5x4xf32>)
      -> tensor<?x4xf32>
  %c = moe.combine %y, %wd, %perm
      : tensor<?x4xf32>, tensor<?x3xf32>, tensor<?xi64> -> tensor<?x4xf32>
  %c_m = bufferization.to_buffer %c : tensor<?x4xf32> to memref<?x4xf32>
  %c_u = memref.cast %c_m : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%c_u) : (memref<*xf32>) -> ()
  // REF-LET: s, off, perm = ref.dispatch(x, ids, 5)
  // REF-LET: y = ref.experts(s, off, fc1, fc2, b1=b1, b2=b2, activation="gelu_tanh")
  // REF: ref.combine(y, w, perm)
  return
}
