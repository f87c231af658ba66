// swiglu(concatenated) with a dynamic intermediate size I passes the
// verifier (fc1 : [E, ?, H], fc2 : [E, H, ?]), so convert-moe-to-linalg must
// lower it too: the linear half starts at the runtime column I of fc1's
// output instead of a constant offset in an indexing map.
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s --check-prefix=NOMOE

// NOMOE-NOT: {{moe\.[a-z_]+[ "]}}

// CHECK-LABEL: func.func @experts_concatenated_dynamic_inter(
// CHECK-SAME: %[[W2:[^:]*]]: tensor<4x16x?xf32>)
// CHECK: scf.for
// CHECK:   tensor.extract_slice %[[W2]]
// CHECK:   math.exp
// CHECK:   tensor.insert_slice
// CHECK: return
func.func @experts_concatenated_dynamic_inter(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x?x16xf32>, %w2: tensor<4x16x?xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %o fc1 %w1, fc2 %w2 activation swiglu(concatenated, limit = 7.0)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x?x16xf32>, tensor<4x16x?xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @ffn_concatenated_dynamic_inter(
// CHECK-NOT: scf.for
// CHECK: math.exp
// CHECK: return
func.func @ffn_concatenated_dynamic_inter(%x: tensor<?x16xf32>, %w1: tensor<?x16xf32>, %w2: tensor<16x?xf32>) -> tensor<?x16xf32> {
  %y = moe.ffn %x fc1 %w1, fc2 %w2 activation swiglu(concatenated)
      : (tensor<?x16xf32>, tensor<?x16xf32>, tensor<16x?xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
