// moe.dispatch lowers to a counting sort: a loop counting the copies of each
// expert (checking every id), a prefix-sum loop producing the offsets, a
// placement loop producing the permutation, and a linalg.generic gathering
// the token rows.
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-linalg=runtime-checks=false | FileCheck %s --check-prefix=NOCHECK
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s --check-prefix=NOMOE

// No moe op is left (the runtime-check messages name ops, followed by ':').
// NOMOE-NOT: {{moe\.[a-z_]+[ "]}}

// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>

// CHECK-LABEL: func.func @dispatch_dynamic(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x16xf32>, %[[IDS:[^:]*]]: tensor<?x2xi32>
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[T:.*]] = tensor.dim %[[X]], %[[C0]] : tensor<?x16xf32>
// CHECK: %[[K:.*]] = arith.constant 2 : index
// CHECK: %[[N:.*]] = arith.muli %[[T]], %[[K]] : index
// CHECK: %[[E:.*]] = arith.constant 4 : index
//
// Counts per expert: [E] i64 zeros, one iteration per token copy.
// CHECK: %[[ZEROS:.*]] = linalg.fill ins(%{{.*}} : i64) outs(%{{.*}} : tensor<4xi64>)
// CHECK: %[[COUNTS:.*]] = scf.for %[[A:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[CNT:.*]] = %[[ZEROS]]) -> (tensor<4xi64>) {
// CHECK:   %[[TOK:.*]] = arith.divui %[[A]], %[[K]] : index
// CHECK:   %[[SLOT:.*]] = arith.remui %[[A]], %[[K]] : index
// CHECK:   %[[RAW:.*]] = tensor.extract %[[IDS]][%[[TOK]], %[[SLOT]]] : tensor<?x2xi32>
// CHECK:   %[[EXP:.*]] = arith.index_cast %[[RAW]] : i32 to index
// CHECK-DAG: arith.cmpi slt, %[[EXP]], %[[E]] : index
// CHECK-DAG: arith.cmpi sge, %[[EXP]], %{{.*}} : index
// CHECK:   cf.assert %{{.*}}, "moe.dispatch: expert id out of range [0, E)"
// CHECK:   tensor.extract %[[CNT]][%[[EXP]]] : tensor<4xi64>
// CHECK:   tensor.insert %{{.*}} into %[[CNT]][%[[EXP]]] : tensor<4xi64>
// CHECK:   scf.yield
// CHECK: }
//
// Exclusive prefix sum over the E experts into E + 1 offsets.
// CHECK: %[[OFFSETS:.*]] = scf.for %[[EI:.*]] = %{{.*}} to %[[E]] step %{{.*}} iter_args(%[[OFF:.*]] = %{{.*}}) -> (tensor<5xi64>) {
// CHECK:   tensor.extract %[[COUNTS]][%[[EI]]] : tensor<4xi64>
// CHECK:   tensor.insert %{{.*}} into %[[OFF]][%{{.*}}] : tensor<5xi64>
// CHECK: }
//
// Placement: cursors start at the offsets, the permutation has N entries.
// CHECK: %[[PINIT:.*]] = tensor.empty(%[[N]]) : tensor<?xi64>
// CHECK: %[[PLACED:.*]]:2 = scf.for %{{.*}} = %{{.*}} to %[[N]] step %{{.*}} iter_args(%{{.*}} = %[[OFFSETS]], %[[PERM:.*]] = %[[PINIT]]) -> (tensor<5xi64>, tensor<?xi64>) {
// CHECK:   cf.assert %{{.*}}, "moe.dispatch: expert id out of range [0, E)"
// CHECK:   tensor.insert %{{.*}} into %[[PERM]][%{{.*}}] : tensor<?xi64>
// CHECK: }
//
// Gather: sorted[r, h] = tokens[perm[r] / k, h].
// CHECK: %[[SINIT:.*]] = tensor.empty(%[[N]]) : tensor<?x16xf32>
// CHECK: %[[SORTED:.*]] = linalg.generic {indexing_maps = [#[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[PLACED]]#1 : tensor<?xi64>) outs(%[[SINIT]] : tensor<?x16xf32>)
// CHECK:   ^bb0(%[[P:.*]]: i64, %{{.*}}: f32):
// CHECK:   %[[PI:.*]] = arith.index_cast %[[P]] : i64 to index
// CHECK:   %[[SRC:.*]] = arith.divui %[[PI]], %[[K]] : index
// CHECK:   %[[H:.*]] = linalg.index 1 : index
// CHECK:   %[[V:.*]] = tensor.extract %[[X]][%[[SRC]], %[[H]]] : tensor<?x16xf32>
// CHECK:   linalg.yield %[[V]] : f32
// CHECK: return %[[SORTED]], %[[OFFSETS]], %[[PLACED]]#1 : tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>

// NOCHECK-LABEL: func.func @dispatch_dynamic(
// NOCHECK-NOT: cf.assert
// NOCHECK: linalg.generic
// NOCHECK-NOT: cf.assert
// NOCHECK: return
func.func @dispatch_dynamic(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>) {
  %s, %o, %p = moe.dispatch %x, %ids
      : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  return %s, %o, %p : tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
}

// Static shapes: i64 ids need no extension; the dynamic results are cast to
// the static result types.
// CHECK-LABEL: func.func @dispatch_static(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x16xbf16>, %[[IDS:[^:]*]]: tensor<4x2xi64>
// CHECK: scf.for {{.*}} -> (tensor<8xi64>) {
// CHECK:   tensor.extract %[[IDS]][%{{.*}}, %{{.*}}] : tensor<4x2xi64>
// CHECK:   arith.index_cast %{{.*}} : i64 to index
// CHECK: %[[OFFSETS:.*]] = scf.for {{.*}} -> (tensor<9xi64>) {
// CHECK: %[[PLACED:.*]]:2 = scf.for {{.*}} -> (tensor<9xi64>, tensor<?xi64>) {
// CHECK: %[[SORTED:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x16xbf16>)
// CHECK:   tensor.extract %[[X]][%{{.*}}, %{{.*}}] : tensor<4x16xbf16>
// CHECK-DAG: %[[SC:.*]] = tensor.cast %[[SORTED]] : tensor<?x16xbf16> to tensor<8x16xbf16>
// CHECK-DAG: %[[PC:.*]] = tensor.cast %[[PLACED]]#1 : tensor<?xi64> to tensor<8xi64>
// CHECK: return %[[SC]], %[[OFFSETS]], %[[PC]] : tensor<8x16xbf16>, tensor<9xi64>, tensor<8xi64>
func.func @dispatch_static(%x: tensor<4x16xbf16>, %ids: tensor<4x2xi64>) -> (tensor<8x16xbf16>, tensor<9xi64>, tensor<8xi64>) {
  %s, %o, %p = moe.dispatch %x, %ids
      : tensor<4x16xbf16>, tensor<4x2xi64> -> tensor<8x16xbf16>, tensor<9xi64>, tensor<8xi64>
  return %s, %o, %p : tensor<8x16xbf16>, tensor<9xi64>, tensor<8xi64>
}
