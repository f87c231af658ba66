// The generic form of the moe ops: inherent attributes are properties
// (<{...}>), enums print as #moe<scoring/activation/gate_layout ...>,
// placements as #moe.placement<...>, defaults are materialised, and the
// optional FFN operands are described by operandSegmentSizes.
// RUN: moe-opt %s --mlir-print-op-generic | FileCheck %s

// CHECK-LABEL: sym_name = "route"
// CHECK: "moe.route"(%{{[^,]*}}) <{epsilon = 0.000000e+00 : f64, k = 2 : i64, normalize, scale = 1.000000e+00 : f64, scoring = #moe<scoring softmax>}> : (tensor<?x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
// CHECK: "moe.route"(%{{[^,]*}}, %{{[^)]*}}) <{epsilon = 0.000000e+00 : f64, k = 8 : i64, n_group = 8 : i64, scale = 2.500000e+00 : f64, scoring = #moe<scoring sigmoid>, topk_group = 4 : i64}> : (tensor<?x256xf32>, tensor<256xf32>) -> (tensor<?x8xi64>, tensor<?x8xf32>)
func.func @route(%l: tensor<?x8xf32>, %l2: tensor<?x256xf32>, %b: tensor<256xf32>) {
  %ids, %w = moe.route softmax %l top 2 normalize : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %ids2, %w2 = moe.route sigmoid %l2 bias %b : tensor<256xf32> top 8 groups 8 select 4 scale 2.5
      : tensor<?x256xf32> -> tensor<?x8xi64>, tensor<?x8xf32>
  return
}

// CHECK-LABEL: sym_name = "dispatch_combine"
// CHECK: %[[D:.*]]:3 = "moe.dispatch"(%{{[^,]*}}, %{{[^)]*}}) : (tensor<?x16xf32>, tensor<?x2xi32>) -> (tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>)
// CHECK: "moe.combine"(%[[D]]#0, %{{[^,]*}}, %[[D]]#2) : (tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64>) -> tensor<?x16xf32>
func.func @dispatch_combine(%x: tensor<?x16xf32>, %ids: tensor<?x2xi32>, %w: tensor<?x2xf32>) {
  %s, %o, %p = moe.dispatch %x, %ids : tensor<?x16xf32>, tensor<?x2xi32> -> tensor<?x16xf32>, tensor<5xi64>, tensor<?xi64>
  %c = moe.combine %s, %w, %p : tensor<?x16xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x16xf32>
  return
}

// Segments of moe.experts: tokens, offsets, fc1, fc1 bias, fc2, fc2 bias,
// fc3, fc3 bias.
// CHECK-LABEL: sym_name = "experts"
// CHECK: "moe.experts"(%{{.*}}) <{activation = #moe<activation relu>, alpha = 1.000000e+00 : f64, beta = 0.000000e+00 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 1, 0, 0>}>
// CHECK: "moe.experts"(%{{.*}}) <{activation = #moe<activation swiglu>, alpha = 1.702000e+00 : f64, beta = 1.000000e+00 : f64, gate_layout = #moe<gate_layout separate>, limit = 7.000000e+00 : f64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0, 1, 1>, placements = [#moe.placement<gpu>, #moe.placement<pim>, #moe.placement<host>, #moe.placement<dynamic>]}>
func.func @experts(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x32x16xf32>, %b1: tensor<4x32xf32>, %w2: tensor<4x16x32xf32>, %b2: tensor<4x16xf32>, %w3: tensor<4x32x16xf32>, %b3: tensor<4x32xf32>) {
  %a = moe.experts %x, %o fc1 %w1, fc2 %w2 bias %b2 activation relu
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x16x32xf32>, tensor<4x16xf32>) -> tensor<?x16xf32>
  %b = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2, fc3 %w3 bias %b3
      activation swiglu(separate, alpha = 1.702, beta = 1.0, limit = 7.0) placements [gpu, pim, host, dynamic]
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x32x16xf32>, tensor<4x32xf32>, tensor<4x16x32xf32>, tensor<4x32x16xf32>, tensor<4x32xf32>) -> tensor<?x16xf32>
  return
}

// Segments of moe.ffn: tokens, fc1, fc1 bias, fc2, fc2 bias, fc3, fc3 bias.
// CHECK-LABEL: sym_name = "ffn"
// CHECK: "moe.ffn"(%{{.*}}) <{activation = #moe<activation swiglu>, alpha = 1.000000e+00 : f64, beta = 0.000000e+00 : f64, gate_layout = #moe<gate_layout interleaved>, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0, 0>, placement = #moe.placement<pim>}>
func.func @ffn(%x: tensor<?x16xf32>, %w1: tensor<64x16xf32>, %b1: tensor<64xf32>, %w2: tensor<16x32xf32>, %b2: tensor<16xf32>) {
  %y = moe.ffn %x fc1 %w1 bias %b1, fc2 %w2 bias %b2 activation swiglu(interleaved) placement pim
      : (tensor<?x16xf32>, tensor<64x16xf32>, tensor<64xf32>, tensor<16x32xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  return
}
