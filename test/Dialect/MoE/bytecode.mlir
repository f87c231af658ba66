// The moe ops and attributes survive MLIR bytecode: properties (enums,
// defaults, operandSegmentSizes, placements) and discardable moe attributes.
// RUN: moe-opt %s -emit-bytecode | moe-opt | FileCheck %s
// RUN: moe-opt %s -emit-bytecode | moe-opt --mlir-print-op-generic | moe-opt | FileCheck %s

// CHECK: module attributes {moe.default = #moe.placement<host>}
module attributes {moe.default = #moe.placement<host>} {

// CHECK-LABEL: func.func @layer(
// CHECK: moe.route sigmoid %{{.*}} bias %{{.*}} : tensor<8xf32> top 2 groups 4 select 2 normalize scale 2.500000e+00 : tensor<?x8xf32> -> tensor<?x2xi64>, tensor<?x2xf32>
// CHECK: moe.dispatch %{{.*}}, %{{.*}} : tensor<?x16xf32>, tensor<?x2xi64> -> tensor<?x16xf32>, tensor<9xi64>, tensor<?xi64>
// CHECK: moe.experts %{{.*}}, %{{.*}} fc1 %{{.*}} bias %{{.*}}, fc2 %{{.*}} activation swiglu(interleaved, alpha = 1.702000e+00, beta = 1.000000e+00, limit = 7.000000e+00) placements [gpu, pim, host, dynamic, gpu, gpu, pim, pim] {moe.layer = 3 : i64} : (tensor<?x16xf32>, tensor<9xi64>, tensor<8x64x16xf32>, tensor<8x64xf32>, tensor<8x16x32xf32>) -> tensor<?x16xf32>
// CHECK: moe.combine %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
// CHECK: moe.ffn %{{.*}} fc1 %{{.*}}, fc2 %{{.*}}, fc3 %{{.*}} bias %{{.*}} activation swiglu(separate) placement gpu : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x16xf32>
func.func @layer(%x: tensor<?x16xf32>, %l: tensor<?x8xf32>, %b: tensor<8xf32>, %w1: tensor<8x64x16xf32>, %b1: tensor<8x64xf32>, %w2: tensor<8x16x32xf32>, %s1: tensor<32x16xf32>, %s2: tensor<16x32xf32>, %s3: tensor<32x16xf32>, %sb3: tensor<32xf32>) -> (tensor<?x16xf32>, tensor<?x16xf32>) {
  %ids, %w = moe.route sigmoid %l bias %b : tensor<8xf32> top 2 groups 4 select 2 normalize scale 2.5
      : tensor<?x8xf32> -> tensor<?x2xi64>, tensor<?x2xf32>
  %s, %o, %p = moe.dispatch %x, %ids
      : tensor<?x16xf32>, tensor<?x2xi64> -> tensor<?x16xf32>, tensor<9xi64>, tensor<?xi64>
  %e = moe.experts %s, %o fc1 %w1 bias %b1, fc2 %w2
      activation swiglu(interleaved, alpha = 1.702, beta = 1.0, limit = 7.0)
      placements [gpu, pim, host, dynamic, gpu, gpu, pim, pim] {moe.layer = 3 : i64}
      : (tensor<?x16xf32>, tensor<9xi64>, tensor<8x64x16xf32>, tensor<8x64xf32>, tensor<8x16x32xf32>) -> tensor<?x16xf32>
  %c = moe.combine %e, %w, %p
      : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  %sh = moe.ffn %x fc1 %s1, fc2 %s2, fc3 %s3 bias %sb3 activation swiglu(separate) placement gpu
      : (tensor<?x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x16xf32>
  return %c, %sh : tensor<?x16xf32>, tensor<?x16xf32>
}

}
