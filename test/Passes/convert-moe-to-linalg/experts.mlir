// moe.experts lowers to an scf.for over the experts. Each iteration checks
// its offsets, slices its row range out of the sorted tokens and its weights
// out of the stacked [E, ...] tensors, runs the FFN (fc1 contraction + bias,
// activation, fc2 contraction + bias, all linalg.generic) and inserts the
// rows into the result. Placements are ignored by this host lowering.
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-linalg=runtime-checks=false | FileCheck %s --check-prefix=NOCHECK
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s --check-prefix=NOMOE

// NOMOE-NOT: {{moe\.[a-z_]+[ "]}}
// NOMOE-NOT: placement

// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d1, d0)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>

// CHECK-LABEL: func.func @experts_relu_biases(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x16xf32>, %[[O:[^:]*]]: tensor<5xi64>, %[[W1:[^:]*]]: tensor<4x32x16xf32>, %[[B1:[^:]*]]: tensor<4x32xf32>, %[[W2:[^:]*]]: tensor<4x16x32xf32>, %[[B2:[^:]*]]: tensor<4x16xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x16xf32>
//
// offsets[0] == 0 and offsets[E] == N, checked once.
// CHECK: %[[FIRST:.*]] = tensor.extract %[[O]][%{{.*}}] : tensor<5xi64>
// CHECK: %[[CE:.*]] = arith.constant 4 : index
// CHECK: %[[LASTRAW:.*]] = tensor.extract %[[O]][%[[CE]]] : tensor<5xi64>
// CHECK: %[[LAST:.*]] = arith.index_cast %[[LASTRAW]] : i64 to index
// CHECK: arith.cmpi eq, %[[LAST]], %[[N]] : index
// CHECK: cf.assert %{{.*}}, "moe.experts: offsets must start at 0 and end at the number of sorted rows"
//
// CHECK: %[[INIT:.*]] = tensor.empty(%[[N]]) : tensor<?x16xf32>
// CHECK: %[[RES:.*]] = scf.for %[[E:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (tensor<?x16xf32>) {
// CHECK:   %[[BEGINRAW:.*]] = tensor.extract %[[O]][%[[E]]] : tensor<5xi64>
// CHECK:   %[[BEGIN:.*]] = arith.index_cast %[[BEGINRAW]] : i64 to index
// CHECK:   %[[NEXT:.*]] = arith.addi %[[E]], %{{.*}} : index
// CHECK:   %[[ENDRAW:.*]] = tensor.extract %[[O]][%[[NEXT]]] : tensor<5xi64>
// CHECK:   %[[END:.*]] = arith.index_cast %[[ENDRAW]] : i64 to index
// CHECK:   cf.assert %{{.*}}, "moe.experts: offsets must be non-decreasing"
// CHECK:   %[[COUNT:.*]] = arith.subi %[[END]], %[[BEGIN]] : index
// CHECK:   %[[ROWS:.*]] = tensor.extract_slice %[[X]][%[[BEGIN]], 0] [%[[COUNT]], 16] [1, 1] : tensor<?x16xf32> to tensor<?x16xf32>
// CHECK:   %[[EW1:.*]] = tensor.extract_slice %[[W1]][%[[E]], 0, 0] [1, 32, 16] [1, 1, 1] : tensor<4x32x16xf32> to tensor<32x16xf32>
// CHECK:   %[[EB1:.*]] = tensor.extract_slice %[[B1]][%[[E]], 0] [1, 32] [1, 1] : tensor<4x32xf32> to tensor<32xf32>
// CHECK:   %[[EW2:.*]] = tensor.extract_slice %[[W2]][%[[E]], 0, 0] [1, 16, 32] [1, 1, 1] : tensor<4x16x32xf32> to tensor<16x32xf32>
// CHECK:   %[[EB2:.*]] = tensor.extract_slice %[[B2]][%[[E]], 0] [1, 16] [1, 1] : tensor<4x16xf32> to tensor<16xf32>
// fc1: h[r, i] = sum_c x[r, c] * w1[i, c], from zero.
// CHECK:   %[[Z1:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x32xf32>)
// CHECK:   %[[H:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[ROWS]], %[[EW1]] : tensor<?x16xf32>, tensor<32x16xf32>) outs(%[[Z1]] : tensor<?x32xf32>)
// CHECK:     arith.mulf
// CHECK:     arith.addf
// CHECK:   %[[HB:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[H]], %[[EB1]] : tensor<?x32xf32>, tensor<32xf32>)
// CHECK:     arith.addf
// CHECK:   %[[ACT:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[HB]] : tensor<?x32xf32>)
// CHECK:     arith.maximumf
// fc2 and its bias.
// CHECK:   %[[Y:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[ACT]], %[[EW2]] : tensor<?x32xf32>, tensor<16x32xf32>)
// CHECK:   %[[YB:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[Y]], %[[EB2]] : tensor<?x16xf32>, tensor<16xf32>)
// CHECK:   %[[UPD:.*]] = tensor.insert_slice %[[YB]] into %[[ACC]][%[[BEGIN]], 0] [%[[COUNT]], 16] [1, 1] : tensor<?x16xf32> into tensor<?x16xf32>
// CHECK:   scf.yield %[[UPD]] : tensor<?x16xf32>
// CHECK: }
// CHECK: return %[[RES]] : tensor<?x16xf32>

// NOCHECK-LABEL: func.func @experts_relu_biases(
// NOCHECK-NOT: cf.assert
// NOCHECK: scf.for
// NOCHECK-NOT: cf.assert
// NOCHECK: tensor.insert_slice
// NOCHECK-NOT: cf.assert
// NOCHECK: return
func.func @experts_relu_biases(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %b1: tensor<4x32xf32>, %w2: tensor<4x16x32xf32>, %b2: tensor<4x16xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 bias %b2 activation relu
      placements [gpu, pim, host, dynamic]
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// Without biases there is no bias generic; static rows need no cast.
// CHECK-LABEL: func.func @experts_static_no_bias(
// CHECK-SAME: %[[X:[^:]*]]: tensor<6x8xf16>
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<6x8xf16>
// CHECK: %[[RES:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]]) -> (tensor<6x8xf16>) {
// CHECK:   tensor.extract_slice %[[X]][%{{.*}}, 0] [%{{.*}}, 8] [1, 1] : tensor<6x8xf16> to tensor<?x8xf16>
// CHECK:   %[[H:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<?x8xf16>, tensor<4x8xf16>)
// CHECK-NOT: #[[COL]]
// CHECK:   %[[ACT:.*]] = linalg.generic {{.*}} ins(%[[H]] : tensor<?x4xf16>)
// CHECK:     math.exp
// CHECK:   %[[Y:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[ACT]], %{{.*}} : tensor<?x4xf16>, tensor<8x4xf16>)
// CHECK-NOT: #[[COL]]
// CHECK:   tensor.insert_slice %[[Y]] into %{{.*}} : tensor<?x8xf16> into tensor<6x8xf16>
// CHECK: }
// CHECK-NOT: tensor.cast
// CHECK: return %[[RES]] : tensor<6x8xf16>
func.func @experts_static_no_bias(%x: tensor<6x8xf16>, %o: tensor<3xi64>, %w1: tensor<2x4x8xf16>, %w2: tensor<2x8x4xf16>) -> tensor<6x8xf16> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation silu
      : (tensor<6x8xf16>, tensor<3xi64>, tensor<2x4x8xf16>, tensor<2x8x4xf16>) -> tensor<6x8xf16>
  return %y : tensor<6x8xf16>
}

// A less static result type than the tokens gets a cast.
// CHECK-LABEL: func.func @experts_cast_result(
// CHECK: %[[RES:.*]] = scf.for {{.*}} -> (tensor<6x8xf32>) {
// CHECK: %[[CAST:.*]] = tensor.cast %[[RES]] : tensor<6x8xf32> to tensor<?x8xf32>
// CHECK: return %[[CAST]]
func.func @experts_cast_result(%x: tensor<6x8xf32>, %o: tensor<3xi64>, %w1: tensor<2x4x8xf32>, %w2: tensor<2x8x4xf32>) -> tensor<?x8xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation identity
      : (tensor<6x8xf32>, tensor<3xi64>, tensor<2x4x8xf32>, tensor<2x8x4xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// A dynamic hidden size: the token slices take it from the tokens.
// CHECK-LABEL: func.func @experts_dynamic_hidden(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x?xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?xf32>
// CHECK: %[[H:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?xf32>
// CHECK: tensor.empty(%[[N]], %[[H]]) : tensor<?x?xf32>
// CHECK: scf.for
// CHECK:   tensor.extract_slice %[[X]][%{{.*}}, 0] [%{{.*}}, %[[H]]] [1, 1] : tensor<?x?xf32> to tensor<?x?xf32>
// CHECK:   tensor.insert_slice %{{.*}} into %{{.*}}[%{{.*}}, 0] [%{{.*}}, %[[H]]] [1, 1] : tensor<?x?xf32> into tensor<?x?xf32>
func.func @experts_dynamic_hidden(%x: tensor<?x?xf32>, %o: tensor<3xi64>, %w1: tensor<2x4x?xf32>, %w2: tensor<2x?x4xf32>) -> tensor<?x?xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation gelu
      : (tensor<?x?xf32>, tensor<3xi64>, tensor<2x4x?xf32>, tensor<2x?x4xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
