// The f64 parameters (route scale; swiglu alpha, beta, limit) print in a
// form that parses back to the same double, however many digits it needs,
// and survive the generic form. Hex literals are accepted by the custom
// parser too.
// RUN: moe-opt %s | FileCheck %s
// RUN: moe-opt %s | moe-opt | FileCheck %s
// RUN: moe-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC
// RUN: moe-opt %s --mlir-print-op-generic | moe-opt | FileCheck %s

// CHECK-LABEL: func.func @route_scale_digits(
// CHECK: moe.route sigmoid %{{.*}} top 8 normalize scale 2.827000e+00 :
// CHECK: moe.route sigmoid %{{.*}} top 8 scale 1.000000e-300 :
// CHECK: moe.route sigmoid %{{.*}} top 8 scale 1.000000e+300 :
// CHECK: moe.route sigmoid %{{.*}} top 8 scale 1.0000000000000002 :
// GENERIC-LABEL: sym_name = "route_scale_digits"
// GENERIC: scale = 2.827000e+00 : f64
// GENERIC: scale = 1.000000e-300 : f64
// GENERIC: scale = 1.000000e+300 : f64
// GENERIC: scale = 1.0000000000000002 : f64
func.func @route_scale_digits(%l: tensor<?x64xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>) {
  %i0, %w0 = moe.route sigmoid %l top 8 normalize scale 2.827 : tensor<?x64xf32> -> tensor<?x8xi32>, tensor<?x8xf32>
  %i1, %w1 = moe.route sigmoid %l top 8 scale 1.0e-300 : tensor<?x64xf32> -> tensor<?x8xi32>, tensor<?x8xf32>
  %i2, %w2 = moe.route sigmoid %l top 8 scale 1.0e+300 : tensor<?x64xf32> -> tensor<?x8xi32>, tensor<?x8xf32>
  %i3, %w3 = moe.route sigmoid %l top 8 scale 0x3FF0000000000001 : tensor<?x64xf32> -> tensor<?x8xi32>, tensor<?x8xf32>
  return %w0, %w1, %w2, %w3 : tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>
}

// CHECK-LABEL: func.func @swiglu_digits(
// CHECK: activation swiglu(interleaved, alpha = 1.7020000000000002, beta = -0.33333333333333331, limit = 1.000000e-30) :
// CHECK: activation swiglu(concatenated, alpha = -2.500000e-01, limit = 1.0000000000000002) :
// GENERIC-LABEL: sym_name = "swiglu_digits"
// GENERIC: alpha = 1.7020000000000002 : f64, beta = -0.33333333333333331 : f64
// GENERIC-SAME: limit = 1.000000e-30 : f64
// GENERIC: alpha = -2.500000e-01 : f64, beta = 0.000000e+00 : f64
// GENERIC-SAME: limit = 1.0000000000000002 : f64
func.func @swiglu_digits(%x: tensor<?x16xf32>, %o: tensor<5xi64>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) -> (tensor<?x16xf32>, tensor<?x16xf32>) {
  %a = moe.experts %x, %o fc1 %w1, fc2 %w2
      activation swiglu(interleaved, alpha = 0x3FFB3B645A1CAC09, beta = -0.333333333333333333, limit = 1.0e-30)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  %b = moe.experts %x, %o fc1 %w1, fc2 %w2
      activation swiglu(concatenated, alpha = -0.25, limit = 0x3FF0000000000001)
      : (tensor<?x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>, tensor<4x16x32xf32>) -> tensor<?x16xf32>
  return %a, %b : tensor<?x16xf32>, tensor<?x16xf32>
}
