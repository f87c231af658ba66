// Self-test input for check_numerics.py: the literal forms it must read the
// same way MLIR does.  Each constant is printed (widened where printMemref
// has no entry point for its type) and compared with the array the checker
// built from the source text.  inputs.out is the stdout of a real run:
//   mlir-opt inputs.mlir --convert-elementwise-to-linalg \
//     --one-shot-bufferize=bufferize-function-boundaries \
//     --convert-linalg-to-loops --convert-scf-to-cf --expand-strided-metadata \
//     --finalize-memref-to-llvm --convert-arith-to-llvm --convert-cf-to-llvm \
//     --convert-func-to-llvm --reconcile-unrealized-casts |
//   mlir-runner -e main -entry-point-result=void \
//     -shared-libs=libmlir_runner_utils.so,libmlir_c_runner_utils.so

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefF64(memref<*xf64>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)

func.func @main() {
  // A numeric SSA name is bound as _0; 0.1 must be the f32 nearest 0.1.
  %0 = arith.constant dense<[0.1, -2.0e-3, 3.0E+2, 7.]> : tensor<4xf32>
  %m0 = bufferization.to_buffer %0 : tensor<4xf32> to memref<4xf32>
  %u0 = memref.cast %m0 : memref<4xf32> to memref<*xf32>
  call @printMemrefF32(%u0) : (memref<*xf32>) -> ()
  // REF: _0
  // REF: np.float64(_0[0]) == np.float64(np.float32(0.1))
  //   (the line above checks the dtype: the answer must be true, printed 1)
  %one = arith.constant dense<1> : tensor<i32>
  %mone = bufferization.to_buffer %one : tensor<i32> to memref<i32>
  %uone = memref.cast %mone : memref<i32> to memref<*xi32>
  call @printMemrefI32(%uone) : (memref<*xi32>) -> ()

  // A literal over several lines, and a dotted name (bound as a_b).
  %a.b = arith.constant dense<[[1.0, 2.0],
                               [3.0, 4.0],
                               [5.0, 6.0]]> : tensor<3x2xf32>
  %m1 = bufferization.to_buffer %a.b : tensor<3x2xf32> to memref<3x2xf32>
  %u1 = memref.cast %m1 : memref<3x2xf32> to memref<*xf32>
  call @printMemrefF32(%u1) : (memref<*xf32>) -> ()
  // REF: a_b

  // Per-element hex of a float type is the bit pattern: inf, -inf, 1.5.
  %hex = arith.constant dense<[0x7F800000, 0xFF800000, 0x3FC00000]> : tensor<3xf32>
  %m2 = bufferization.to_buffer %hex : tensor<3xf32> to memref<3xf32>
  %u2 = memref.cast %m2 : memref<3xf32> to memref<*xf32>
  call @printMemrefF32(%u2) : (memref<*xf32>) -> ()
  // REF: hex

  // Rank 0 splat.
  %r0 = arith.constant dense<2.5> : tensor<f32>
  %m3 = bufferization.to_buffer %r0 : tensor<f32> to memref<f32>
  %u3 = memref.cast %m3 : memref<f32> to memref<*xf32>
  call @printMemrefF32(%u3) : (memref<*xf32>) -> ()
  // REF: r0

  // f16 and bf16 round differently from f32: 0.1 is 0.0999755859375 in f16
  // and 0.10009765625 in bf16, far outside the default tolerance of f32's
  // 0.1, so these REFs pass only if the checker rounds like MLIR.
  %h = arith.constant dense<[0.1, 65504.0, -3.0e-5]> : tensor<3xf16>
  %hf = arith.extf %h : tensor<3xf16> to tensor<3xf32>
  %m4 = bufferization.to_buffer %hf : tensor<3xf32> to memref<3xf32>
  %u4 = memref.cast %m4 : memref<3xf32> to memref<*xf32>
  call @printMemrefF32(%u4) : (memref<*xf32>) -> ()
  // REF: h
  %bf = arith.constant dense<[0.1, 3.14159, -1.0e10]> : tensor<3xbf16>
  %bff = arith.extf %bf : tensor<3xbf16> to tensor<3xf32>
  %m5 = bufferization.to_buffer %bff : tensor<3xf32> to memref<3xf32>
  %u5 = memref.cast %m5 : memref<3xf32> to memref<*xf32>
  call @printMemrefF32(%u5) : (memref<*xf32>) -> ()
  // REF: bf

  // f64 keeps 0.1 as the double nearest 0.1.
  %d = arith.constant dense<[0.1, 1.0e300]> : tensor<2xf64>
  %m6 = bufferization.to_buffer %d : tensor<2xf64> to memref<2xf64>
  %u6 = memref.cast %m6 : memref<2xf64> to memref<*xf64>
  call @printMemrefF64(%u6) : (memref<*xf64>) -> ()
  // REF: d

  // i1 as true/false, i8 with a value that wraps (255 is -1), an int splat.
  %b = arith.constant dense<[true, false, true]> : tensor<3xi1>
  %bi = arith.extui %b : tensor<3xi1> to tensor<3xi32>
  %m7 = bufferization.to_buffer %bi : tensor<3xi32> to memref<3xi32>
  %u7 = memref.cast %m7 : memref<3xi32> to memref<*xi32>
  call @printMemrefI32(%u7) : (memref<*xi32>) -> ()
  // REF: b
  %c = arith.constant dense<[255, -128, 0x10]> : tensor<3xi8>
  %ci = arith.extsi %c : tensor<3xi8> to tensor<3xi32>
  %m8 = bufferization.to_buffer %ci : tensor<3xi32> to memref<3xi32>
  %u8 = memref.cast %m8 : memref<3xi32> to memref<*xi32>
  call @printMemrefI32(%u8) : (memref<*xi32>) -> ()
  // REF: c
  %s = arith.constant dense<-9000000000> : tensor<2x1xi64>
  %m9 = bufferization.to_buffer %s : tensor<2x1xi64> to memref<2x1xi64>
  %u9 = memref.cast %m9 : memref<2x1xi64> to memref<*xi64>
  call @printMemrefI64(%u9) : (memref<*xi64>) -> ()
  // REF: s
  // REF: np.array([c.dtype == np.int8, s.dtype == np.int64, b.dtype == bool])
  %t3 = arith.constant dense<1> : tensor<3xi32>
  %m10 = bufferization.to_buffer %t3 : tensor<3xi32> to memref<3xi32>
  %u10 = memref.cast %m10 : memref<3xi32> to memref<*xi32>
  call @printMemrefI32(%u10) : (memref<*xi32>) -> ()

  // Empty tensors, written both ways MLIR accepts.
  %e = arith.constant dense<> : tensor<0x2xf32>
  %m11 = bufferization.to_buffer %e : tensor<0x2xf32> to memref<0x2xf32>
  %u11 = memref.cast %m11 : memref<0x2xf32> to memref<*xf32>
  call @printMemrefF32(%u11) : (memref<*xf32>) -> ()
  // REF: e
  %g = arith.constant dense<[[], []]> : tensor<2x0xi64>
  %m12 = bufferization.to_buffer %g : tensor<2x0xi64> to memref<2x0xi64>
  %u12 = memref.cast %m12 : memref<2x0xi64> to memref<*xi64>
  call @printMemrefI64(%u12) : (memref<*xi64>) -> ()
  // REF: g
  return
}
