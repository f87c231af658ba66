// Self-test input for check_numerics.py.  It is not a lit test by itself
// (no RUN line); the lit tests in test/Tools/check-numerics/ feed it, with
// pass.out or a spoiled copy of it, to the checker.
//
// pass.out is the stdout of a real run of this file, made with upstream
// tools only:
//   mlir-opt pass.mlir --one-shot-bufferize=bufferize-function-boundaries \
//     --convert-linalg-to-loops --convert-scf-to-cf --expand-strided-metadata \
//     --finalize-memref-to-llvm --convert-arith-to-llvm --convert-cf-to-llvm \
//     --convert-func-to-llvm --reconcile-unrealized-casts |
//   mlir-runner -e main -entry-point-result=void \
//     -shared-libs=libmlir_runner_utils.so,libmlir_c_runner_utils.so
//
// It computes a dense relu FFN (the math of moe.ffn) with linalg ops, and
// prints outputs of rank 0..3, integers, nan/inf and an empty memref.

#lhs = affine_map<(t, i, c) -> (t, c)>
#rhsT = affine_map<(t, i, c) -> (i, c)>
#res = affine_map<(t, i, c) -> (t, i)>
#ew = affine_map<(d0, d1) -> (d0, d1)>
#ew1 = affine_map<(d0) -> (d0)>

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @print2(%t: tensor<?x?xf32>) {
  %m = bufferization.to_buffer %t : tensor<?x?xf32> to memref<?x?xf32>
  %u = memref.cast %m : memref<?x?xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %zero = arith.constant 0.0 : f32
  // T = 2 tokens, H = 3, I = 4.
  %x = arith.constant dense<[[1.0, -2.0, 0.5], [0.25, 3.0, -1.5]]> : tensor<2x3xf32>
  %fc1 = arith.constant dense<[[0.5, 0.1, -0.3], [-1.0, 0.2, 0.7],
                               [0.3, 0.3, 0.3], [2.0, -0.5, 0.0]]> : tensor<4x3xf32>
  %fc2 = arith.constant dense<[[1.0, 0.0, -1.0, 0.5], [0.25, 0.75, 0.0, -2.0],
                               [0.1, 0.2, 0.3, 0.4]]> : tensor<3x4xf32>

  // h = x @ fc1^T
  %h0 = tensor.empty() : tensor<2x4xf32>
  %h1 = linalg.fill ins(%zero : f32) outs(%h0 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %h = linalg.generic {indexing_maps = [#lhs, #rhsT, #res],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %fc1 : tensor<2x3xf32>, tensor<4x3xf32>) outs(%h1 : tensor<2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  %hd = tensor.cast %h : tensor<2x4xf32> to tensor<?x?xf32>
  call @print2(%hd) : (tensor<?x?xf32>) -> ()
  // REF: x.astype(np.float64) @ fc1.T

  // a = relu(h)
  %a = linalg.generic {indexing_maps = [#ew, #ew], iterator_types = ["parallel", "parallel"]}
      ins(%h : tensor<2x4xf32>) outs(%h0 : tensor<2x4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x4xf32>

  // y = a @ fc2^T
  %y0 = tensor.empty() : tensor<2x3xf32>
  %y1 = linalg.fill ins(%zero : f32) outs(%y0 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.generic {indexing_maps = [#lhs, #rhsT, #res],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %fc2 : tensor<2x4xf32>, tensor<3x4xf32>) outs(%y1 : tensor<2x3xf32>) {
  ^bb0(%p0: f32, %q: f32, %acc: f32):
    %p = arith.mulf %p0, %q : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x3xf32>
  %yd = tensor.cast %y : tensor<2x3xf32> to tensor<?x?xf32>
  call @print2(%yd) : (tensor<?x?xf32>) -> ()
  // REF-TOLERANCE: rtol=1e-5 atol=1e-5
  // REF-LET: y = ref.ffn(x, fc1, fc2, activation="relu")
  // REF: y

  // Rank 0: the sum of y.
  %s0 = tensor.empty() : tensor<f32>
  %s1 = linalg.fill ins(%zero : f32) outs(%s0 : tensor<f32>) -> tensor<f32>
  %sum = linalg.reduce ins(%y : tensor<2x3xf32>) outs(%s1 : tensor<f32>) dimensions = [0, 1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %acc, %in : f32
      linalg.yield %s : f32
    }
  %summ = bufferization.to_buffer %sum : tensor<f32> to memref<f32>
  %sumu = memref.cast %summ : memref<f32> to memref<*xf32>
  call @printMemrefF32(%sumu) : (memref<*xf32>) -> ()
  // REF: y.astype(np.float64).sum()
  // REF-TOLERANCE: default

  // A splat input.
  %splat = arith.constant dense<1.5> : tensor<2x2xf32>
  %spd = tensor.cast %splat : tensor<2x2xf32> to tensor<?x?xf32>
  call @print2(%spd) : (tensor<?x?xf32>) -> ()
  // REF: splat

  // Integers: i32 rank 1 (i1 input widened), i64 rank 3.
  %mask = arith.constant dense<[true, false, true, true]> : tensor<4xi1>
  %ids = arith.constant dense<[3, -1, 0, 7]> : tensor<4xi32>
  %m0 = tensor.empty() : tensor<4xi32>
  %mi = linalg.generic {indexing_maps = [#ew1, #ew1, #ew1], iterator_types = ["parallel"]}
      ins(%mask, %ids : tensor<4xi1>, tensor<4xi32>) outs(%m0 : tensor<4xi32>) {
  ^bb0(%b: i1, %i: i32, %o: i32):
    %w = arith.extui %b : i1 to i32
    %r = arith.muli %w, %i : i32
    linalg.yield %r : i32
  } -> tensor<4xi32>
  %mim = bufferization.to_buffer %mi : tensor<4xi32> to memref<4xi32>
  %miu = memref.cast %mim : memref<4xi32> to memref<*xi32>
  call @printMemrefI32(%miu) : (memref<*xi32>) -> ()
  // REF: np.where(mask, ids, 0)

  %r3 = arith.constant dense<[[[0, 1], [2, 3]], [[4, 5], [6, 7]]]> : tensor<2x2x2xi64>
  %r3m = bufferization.to_buffer %r3 : tensor<2x2x2xi64> to memref<2x2x2xi64>
  %r3u = memref.cast %r3m : memref<2x2x2xi64> to memref<*xi64>
  call @printMemrefI64(%r3u) : (memref<*xi64>) -> ()
  // REF: np.arange(8).reshape(2, 2, 2)

  // nan and inf, computed at run time: [1, -1, 0, 2] / [0, 0, 0, 4].
  %num = arith.constant dense<[1.0, -1.0, 0.0, 2.0]> : tensor<4xf32>
  %den = arith.constant dense<[0.0, 0.0, 0.0, 4.0]> : tensor<4xf32>
  %q0 = tensor.empty() : tensor<4xf32>
  %q = linalg.generic {indexing_maps = [#ew1, #ew1, #ew1], iterator_types = ["parallel"]}
      ins(%num, %den : tensor<4xf32>, tensor<4xf32>) outs(%q0 : tensor<4xf32>) {
  ^bb0(%n: f32, %d: f32, %o: f32):
    %r = arith.divf %n, %d : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %qm = bufferization.to_buffer %q : tensor<4xf32> to memref<4xf32>
  %qu = memref.cast %qm : memref<4xf32> to memref<*xf32>
  call @printMemrefF32(%qu) : (memref<*xf32>) -> ()
  // REF: np.array([np.inf, -np.inf, np.nan, 0.5])

  // An empty (0x3) output: the runtime prints junk data for it.
  %e = memref.alloc() : memref<0x3xf32>
  %eu = memref.cast %e : memref<0x3xf32> to memref<*xf32>
  call @printMemrefF32(%eu) : (memref<*xf32>) -> ()
  // REF: np.zeros((0, 3))
  return
}
