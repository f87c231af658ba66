// The route, dispatch and combine kernels of moe-gpu-pipeline=layer-kernels
// assemble with ptxas for sm_80 and sm_90: a bf16 DeepSeek-style layer
// (sigmoid scores, correction bias, group-limited top-k, scale) and an f32
// Mixtral-style one (softmax, top-2, normalised).
// REQUIRES: ptxas
// RUN: rm -rf %t && mkdir -p %t
// RUN: moe-opt %s --moe-gpu-pipeline=layer-kernels | moe-translate --export-ptx --ptx-output-dir=%t | FileCheck %s --check-prefix=FILES
// RUN: for m in moe_route moe_route_0 moe_dispatch moe_dispatch_0 moe_combine moe_combine_0; do for chip in sm_80 sm_90; do %ptxas -arch=$chip %t/$m.$chip.ptx -o %t/$m.$chip.cubin || exit 1; done; done

// FILES-DAG: moe_route.sm_80.ptx
// FILES-DAG: moe_route.sm_90.ptx
// FILES-DAG: moe_route_0.sm_80.ptx
// FILES-DAG: moe_dispatch.sm_90.ptx
// FILES-DAG: moe_dispatch_0.sm_80.ptx
// FILES-DAG: moe_combine.sm_80.ptx
// FILES-DAG: moe_combine_0.sm_90.ptx

func.func @deepseek(%x: tensor<?x64xbf16>, %logits: tensor<?x16xbf16>,
                    %bias: tensor<16xbf16>) -> tensor<?x64xbf16> {
  %ids, %w = moe.route sigmoid %logits bias %bias : tensor<16xbf16> top 4
      groups 4 select 2 normalize epsilon 1.0e-20 scale 2.5
      : tensor<?x16xbf16> -> tensor<?x4xi64>, tensor<?x4xbf16>
  %sorted, %offsets, %perm = moe.dispatch %x, %ids
      : tensor<?x64xbf16>, tensor<?x4xi64>
      -> tensor<?x64xbf16>, tensor<17xi64>, tensor<?xi64>
  %out = moe.combine %sorted, %w, %perm
      : tensor<?x64xbf16>, tensor<?x4xbf16>, tensor<?xi64> -> tensor<?x64xbf16>
  return %out : tensor<?x64xbf16>
}

func.func @mixtral(%x: tensor<?x32xf32>, %logits: tensor<?x8xf32>)
    -> tensor<?x32xf32> {
  %ids, %w = moe.route softmax %logits top 2 normalize
      : tensor<?x8xf32> -> tensor<?x2xi32>, tensor<?x2xf32>
  %sorted, %offsets, %perm = moe.dispatch %x, %ids
      : tensor<?x32xf32>, tensor<?x2xi32>
      -> tensor<?x32xf32>, tensor<9xi64>, tensor<?xi64>
  %out = moe.combine %sorted, %w, %perm
      : tensor<?x32xf32>, tensor<?x2xf32>, tensor<?xi64> -> tensor<?x32xf32>
  return %out : tensor<?x32xf32>
}
