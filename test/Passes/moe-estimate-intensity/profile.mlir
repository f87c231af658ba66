// Per-expert mean tokens, arithmetic intensity and time estimates from a
// recorded profile, on a B200 with HBM3E-PIM.
//
// RUN: moe-opt %S/../moe-partition-experts/Inputs/layer.mlir --moe-estimate-intensity="profile=%S/../moe-partition-experts/Inputs/profile.json gpu=b200" | FileCheck %s
//
// Expert: H 2048, I 768, 3 matrices, bf16: W = 3*2048*768*2 = 9437184 bytes,
// 9437184 FLOP per token, 2*2048*2 = 8192 bytes of tokens in and out.
// Expert 0, mean 290 tokens:
//   Op/B = 290*9437184 / (9437184 + 290*8192) = 231.678...
//   GPU  = max((9437184 + 290*8192) / 8e12, 290*9437184 / 2.25e15) s
//        = max(1.47661, 1.21636) us = 1.47661 us
//   PIM  = 290 GEMVs of 9437184/55.296e12 (stream) + 1441792/8.192e12
//          (broadcast to 256 channels) + 14336/8.192e12 (readback)
//          + 3*0.1 us = 0.648417 us each = 188.041 us
// A one-token expert: Op/B 0.99913, GPU 1.18067 us, PIM 0.648417 us.
// Experts 1 and 2 (means 125.5 and 120.5) are estimated at 126 and 121.
// Unrouted experts get zeros.
//
// CHECK: moe.experts
// CHECK-SAME: moe.gpu_time_us = array<f64: 1.47660{{[0-9]*}}, 1.30867{{[0-9]*}}, 1.30355{{[0-9]*}}, 1.18067{{[0-9]*}},
// CHECK-SAME: moe.ops_per_byte = array<f64: 231.678{{[0-9]*}}, 113.577{{[0-9]*}}, 109.498{{[0-9]*}}, 0.99913{{[0-9]*}},
// CHECK-SAME: moe.pim_time_us = array<f64: 188.040{{[0-9]*}}, 81.7004{{[0-9]*}}, 78.4584{{[0-9]*}}, 0.648416{{[0-9]*}},
// CHECK-SAME: moe.tokens = array<f64: 2.900000e+02, 1.255000e+02, 1.205000e+02, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00, 1.500000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00>
