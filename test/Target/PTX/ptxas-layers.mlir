// Every kernel moe-gpu-pipeline emits assembles with ptxas for sm_80 and
// sm_90: three layers (f32 swiglu interleaved with biases and a limit, bf16
// swiglu separate, f16 gelu), each a gpu.binary with one PTX per chip.
// REQUIRES: ptxas
// RUN: rm -rf %t && mkdir -p %t
// RUN: moe-opt %s --moe-gpu-pipeline | moe-translate --export-ptx --ptx-output-dir=%t | FileCheck %s --check-prefix=FILES
// RUN: %ptxas -arch=sm_80 %t/moe_experts.sm_80.ptx -o %t/a80.cubin
// RUN: %ptxas -arch=sm_90 %t/moe_experts.sm_90.ptx -o %t/a90.cubin
// RUN: %ptxas -arch=sm_80 %t/moe_experts_0.sm_80.ptx -o %t/b80.cubin
// RUN: %ptxas -arch=sm_90 %t/moe_experts_0.sm_90.ptx -o %t/b90.cubin
// RUN: %ptxas -arch=sm_80 %t/moe_experts_1.sm_80.ptx -o %t/c80.cubin
// RUN: %ptxas -arch=sm_90 %t/moe_experts_1.sm_90.ptx -o %t/c90.cubin
// The bf16 and f16 GEMMs run on tensor cores; the f32 ones do not.
// RUN: FileCheck %s --check-prefix=BF16 < %t/moe_experts_0.sm_80.ptx
// RUN: FileCheck %s --check-prefix=F16 < %t/moe_experts_1.sm_90.ptx
// RUN: not grep -q mma.sync %t/moe_experts.sm_80.ptx
// BF16: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// F16: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// A later chip runs sm_80 code too: the sm_80 PTX assembles for sm_90.
// RUN: %ptxas -arch=sm_90 %t/moe_experts.sm_80.ptx -o %t/a80on90.cubin

// FILES: moe_experts.sm_80.ptx
// FILES: moe_experts.sm_90.ptx
// FILES: moe_experts_0.sm_80.ptx
// FILES: moe_experts_0.sm_90.ptx
// FILES: moe_experts_1.sm_80.ptx
// FILES: moe_experts_1.sm_90.ptx

func.func @layers(%x: tensor<?x64xf32>, %o: tensor<5xi64>,
                  %w1: tensor<4x96x64xf32>, %b1: tensor<4x96xf32>,
                  %w2: tensor<4x64x48xf32>, %b2: tensor<4x64xf32>,
                  %xh: tensor<?x64xbf16>, %v1: tensor<4x96x64xbf16>,
                  %v2: tensor<4x64x48xbf16>, %v3: tensor<4x48x64xbf16>,
                  %xf: tensor<?x64xf16>, %u1: tensor<4x48x64xf16>,
                  %u2: tensor<4x64x48xf16>)
    -> (tensor<?x64xf32>, tensor<?x64xbf16>, tensor<?x64xf16>) {
  %y = moe.experts %x, %o fc1 %w1 bias %b1, fc2 %w2 bias %b2
      activation swiglu(interleaved, alpha = 1.702, beta = 1.0, limit = 7.0)
      placements [gpu, gpu, pim, dynamic]
      : (tensor<?x64xf32>, tensor<5xi64>, tensor<4x96x64xf32>, tensor<4x96xf32>,
         tensor<4x64x48xf32>, tensor<4x64xf32>) -> tensor<?x64xf32>
  %yh = moe.experts %xh, %o fc1 %v3, fc2 %v2, fc3 %v3 activation swiglu(separate)
      placements [gpu, gpu, gpu, gpu]
      : (tensor<?x64xbf16>, tensor<5xi64>, tensor<4x48x64xbf16>,
         tensor<4x64x48xbf16>, tensor<4x48x64xbf16>) -> tensor<?x64xbf16>
  %yf = moe.experts %xf, %o fc1 %u1, fc2 %u2 activation gelu
      placements [gpu, host, gpu, gpu]
      : (tensor<?x64xf16>, tensor<5xi64>, tensor<4x48x64xf16>,
         tensor<4x64x48xf16>) -> tensor<?x64xf16>
  return %y, %yh, %yf : tensor<?x64xf32>, tensor<?x64xbf16>, tensor<?x64xf16>
}
