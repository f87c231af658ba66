// moe.combine after moe.dispatch with identity-like experts (closed-form results).
// RUN: moe-opt %s --moe-host-pipeline | %host_runner | %moe_check %s
// REQUIRES: numpy

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // T = 5, H = 3, E = 4, k = 2; unnormalised softmax weights, so they do not
  // sum to 1.
  %x = arith.constant dense<[[-1.51, -1.23, 0.33],
                             [1.43, 0.2, -1.76],
                             [-0.79, -0.03, 1.09],
                             [-0.72, 1.13, -1.43],
                             [-1.64, -1.59, -1.77]]> : tensor<5x3xf32>
  %logits = arith.constant dense<[[1.18, -1.55, 0.72, -1.86],
                                  [-1.11, -1.15, 0.28, 0.19],
                                  [0.61, -1.31, -0.05, 0.47],
                                  [-1.47, -0.51, -0.6, -0.08],
                                  [0.5, 1.09, -1.72, 1.33]]> : tensor<5x4xf32>
  %xd = tensor.cast %x : tensor<5x3xf32> to tensor<?x3xf32>
  %l = tensor.cast %logits : tensor<5x4xf32> to tensor<?x4xf32>
  %ids, %w = moe.route softmax %l top 2
      : tensor<?x4xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  // REF-LET: ids, w = ref.route(logits, 2)
  %sorted, %offsets, %perm = moe.dispatch %xd, %ids
      : tensor<?x3xf32>, tensor<?x2xi32>
      -> tensor<?x3xf32>, tensor<5xi64>, tensor<?xi64>

  // Combining the dispatched copies themselves gives x * (w0 + w1).
  %c = moe.combine %sorted, %w, %perm
      : tensor<?x3xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x3xf32>
  %c_m = bufferization.to_buffer %c : tensor<?x3xf32> to memref<?x3xf32>
  %c_u = memref.cast %c_m : memref<?x3xf32> to memref<*xf32>
  call @printMemrefF32(%c_u) : (memref<*xf32>) -> ()
  // REF: x * w.sum(axis=1, keepdims=True)

  // Expert e multiplies by gain[e] = 0.5, 2, -1, 3 (fc1 = gain[e] * I,
  // fc2 = I, identity activation), so y = x * sum_j w[t, j] * gain[ids[t, j]].
  %fc1 = arith.constant dense<[[[0.5, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 0.5]],
                               [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0]],
                               [[-1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, -1.0]],
                               [[3.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 3.0]]]> : tensor<4x3x3xf32>
  %fc2 = arith.constant dense<[[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
                               [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
                               [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
                               [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]]> : tensor<4x3x3xf32>
  %y = moe.experts %sorted, %offsets fc1 %fc1, fc2 %fc2
      activation identity
      : (tensor<?x3xf32>, tensor<5xi64>, tensor<4x3x3xf32>, tensor<4x3x3xf32>)
      -> tensor<?x3xf32>
  %cy = moe.combine %y, %w, %perm
      : tensor<?x3xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x3xf32>
  %cy_m = bufferization.to_buffer %cy : tensor<?x3xf32> to memref<?x3xf32>
  %cy_u = memref.cast %cy_m : memref<?x3xf32> to memref<*xf32>
  call @printMemrefF32(%cy_u) : (memref<*xf32>) -> ()
  // REF-LET: gain = fc1[:, 0, 0]
  // REF: x * (w * gain[ids]).sum(axis=1, keepdims=True)
  return
}
