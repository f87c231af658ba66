// The gated activation of moe.experts: where the gate and linear halves come
// from (fc3, alternating columns or the two halves of fc1's output, taken
// as strided or offset tensor.extract_slice views) and how
// alpha, beta and limit enter g * sigmoid(alpha * g) * (l + beta).
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s --check-prefix=NOMOE

// NOMOE-NOT: {{moe\.[a-z_]+[ "]}}

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>

// separate: fc1 gives the gate, fc3 (with its bias) the linear half.
// CHECK-LABEL: func.func @swiglu_separate(
// CHECK-SAME: %[[W3:[^:]*]]: tensor<4x32x16xf32>, %[[B3:[^:]*]]: tensor<4x32xf32>)
// CHECK: scf.for %[[E:[^ ]*]] =
// CHECK:   %[[EW3:.*]] = tensor.extract_slice %[[W3]][%[[E]], 0, 0] [1, 32, 16] [1, 1, 1] : tensor<4x32x16xf32> to tensor<32x16xf32>
// CHECK:   %[[EB3:.*]] = tensor.extract_slice %[[B3]][%[[E]], 0] [1, 32] [1, 1] : tensor<4x32xf32> to tensor<32xf32>
// CHECK:   %[[GATE:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[ROWS:[^,]*]], %{{.*}} : tensor<?x16xf32>, tensor<32x16xf32>)
// CHECK:   %[[LIN:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[ROWS]], %[[EW3]] : tensor<?x16xf32>, tensor<32x16xf32>)
// CHECK:   %[[LINB:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]], {{.*}} ins(%[[LIN]], %[[EB3]] : tensor<?x32xf32>, tensor<32xf32>)
// CHECK:   %[[ACT:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[GATE]], %[[LINB]] : tensor<?x32xf32>, tensor<?x32xf32>) outs(%{{.*}} : tensor<?x32xf32>)
// CHECK:   ^bb0(%[[G:.*]]: f32, %[[L:.*]]: f32, %{{.*}}: f32):
// No limit: no clamping. alpha = 1 and beta = 0 are still applied.
// CHECK-NOT: arith.minimumf
// CHECK:     %[[ALPHA:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:     %[[AG:.*]] = arith.mulf %[[ALPHA]], %[[G]] : f32
// CHECK:     %[[NEG:.*]] = arith.negf %[[AG]] : f32
// CHECK:     %[[EXP:.*]] = math.exp %[[NEG]] : f32
// CHECK:     %[[DEN:.*]] = arith.addf %{{.*}}, %[[EXP]] : f32
// CHECK:     %[[SIG:.*]] = arith.divf %{{.*}}, %[[DEN]] : f32
// CHECK:     %[[GLU:.*]] = arith.mulf %[[G]], %[[SIG]] : f32
// CHECK:     %[[BETA:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:     %[[LB:.*]] = arith.addf %[[L]], %[[BETA]] : f32
// CHECK:     %[[R:.*]] = arith.mulf %[[GLU]], %[[LB]] : f32
// CHECK:     linalg.yield %[[R]] : f32
// CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[ACT]], %{{.*}} : tensor<?x32xf32>, tensor<16x32xf32>)
func.func @swiglu_separate(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w3: tensor<4x32x16xf32>, %b3: tensor<4x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2, fc3 %w3 bias %b3 activation swiglu(separate)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>, tensor<4x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// interleaved (gpt-oss): gate in even rows of fc1's output, linear in odd
// rows; limit clamps the gate above and the linear part on both sides.
// CHECK-LABEL: func.func @swiglu_interleaved(
// CHECK: scf.for
// CHECK:   %[[H:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<?x16xf32>, tensor<64x16xf32>) outs(%{{.*}} : tensor<?x64xf32>)
// CHECK:   %[[HB:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]], {{.*}} ins(%[[H]], %{{.*}} : tensor<?x64xf32>, tensor<64xf32>)
// CHECK:   %[[EVEN:.*]] = tensor.extract_slice %[[HB]][0, 0] [%[[N:.*]], 32] [1, 2] : tensor<?x64xf32> to tensor<?x32xf32>
// CHECK:   %[[ODD:.*]] = tensor.extract_slice %[[HB]][0, 1] [%[[N]], 32] [1, 2] : tensor<?x64xf32> to tensor<?x32xf32>
// CHECK:   %[[ACT:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[EVEN]], %[[ODD]] : tensor<?x32xf32>, tensor<?x32xf32>) outs(%{{.*}} : tensor<?x32xf32>)
// CHECK:   ^bb0(%[[G:.*]]: f32, %[[L:.*]]: f32, %{{.*}}: f32):
// CHECK:     %[[HI:.*]] = arith.constant 7.000000e+00 : f32
// CHECK:     %[[LO:.*]] = arith.constant -7.000000e+00 : f32
// CHECK:     %[[GC:.*]] = arith.minimumf %[[G]], %[[HI]] : f32
// CHECK:     %[[LC1:.*]] = arith.minimumf %[[L]], %[[HI]] : f32
// CHECK:     %[[LC:.*]] = arith.maximumf %[[LC1]], %[[LO]] : f32
// CHECK:     %[[ALPHA:.*]] = arith.constant 1.702000e+00 : f32
// CHECK:     %[[AG:.*]] = arith.mulf %[[ALPHA]], %[[GC]] : f32
// CHECK:     %[[GLU:.*]] = arith.mulf %[[GC]], %{{.*}} : f32
// CHECK:     %[[BETA:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:     %[[LB:.*]] = arith.addf %[[LC]], %[[BETA]] : f32
// CHECK:     arith.mulf %[[GLU]], %[[LB]] : f32
// CHECK:   linalg.generic {{.*}} ins(%[[ACT]], %{{.*}} : tensor<?x32xf32>, tensor<16x32xf32>)
func.func @swiglu_interleaved(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %b1: tensor<4x64xf32>, %w2: tensor<4x16x32xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2
      activation swiglu(interleaved, alpha = 1.702, beta = 1.0, limit = 7.0)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x64xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// concatenated: gate in the first I columns, linear in the last I.
// CHECK-LABEL: func.func @swiglu_concatenated(
// CHECK: scf.for
// CHECK:   %[[H:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x64xbf16>)
// CHECK:   %[[LOWER:.*]] = tensor.extract_slice %[[H]][0, 0] [%[[N:.*]], 32] [1, 1] : tensor<?x64xbf16> to tensor<?x32xbf16>
// CHECK:   %[[UPPER:.*]] = tensor.extract_slice %[[H]][0, 32] [%[[N]], 32] [1, 1] : tensor<?x64xbf16> to tensor<?x32xbf16>
// CHECK:   %[[ACT:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[LOWER]], %[[UPPER]] : tensor<?x32xbf16>, tensor<?x32xbf16>) outs(%{{.*}} : tensor<?x32xbf16>)
// CHECK-NOT: arith.minimumf
// CHECK:     arith.constant -2.500000e-01 : bf16
// CHECK:   linalg.generic {{.*}} ins(%[[ACT]], %{{.*}} : tensor<?x32xbf16>, tensor<16x32xbf16>)
func.func @swiglu_concatenated(%x: tensor<?x16xbf16>, %o: tensor<5xi64>, %w1: tensor<4x64x16xbf16>, %w2: tensor<4x16x32xbf16>) -> tensor<?x16xbf16> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(concatenated, beta = -0.25)
      : (tensor<?x16xbf16>, tensor<5xi64>, tensor<4x64x16xbf16>, tensor<4x16x32xbf16>) -> tensor<?x16xbf16>
  return %y : tensor<?x16xbf16>
}
