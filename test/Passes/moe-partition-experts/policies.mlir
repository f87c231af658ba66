// Placements from a recorded profile: two steps of one layer. Expert 0 is
// hot in both steps, experts 1 and 2 trade places (hot in one step only),
// experts 11-13 and 15 never get a token.
//
// RUN: moe-opt %S/Inputs/layer.mlir --moe-partition-experts="policy=sieve profile=%S/Inputs/profile.json gpu=b200" | FileCheck %s --check-prefix=SIEVE
// RUN: moe-opt %S/Inputs/layer.mlir --moe-partition-experts="policy=optimal profile=%S/Inputs/profile.json gpu=b200" | FileCheck %s --check-prefix=SIEVE
// RUN: moe-opt %S/Inputs/layer.mlir --moe-partition-experts="policy=all-gpu profile=%S/Inputs/profile.json" | FileCheck %s --check-prefix=ALLGPU
// RUN: moe-opt %S/Inputs/layer.mlir --moe-partition-experts="policy=all-pim profile=%S/Inputs/profile.json" | FileCheck %s --check-prefix=ALLPIM
// RUN: moe-opt %S/Inputs/layer.mlir --moe-partition-experts="policy=threshold threshold=100 profile=%S/Inputs/profile.json" | FileCheck %s --check-prefix=THRESHOLD

// The hot expert always on the GPU, 1 and 2 move between steps, the tail of
// 1-2 token experts on PIM, unseen experts dynamic. The shared expert runs
// on every token (~70 per step) and goes to the GPU.
// SIEVE: moe.experts
// SIEVE-SAME: placements [gpu, dynamic, dynamic, pim, pim, pim, pim, pim, gpu, pim, pim, dynamic, dynamic, dynamic, pim, dynamic]
// SIEVE-SAME: moe.partition = {gpu = "b200", pim = "hbm3e-pim", policy = "{{sieve|optimal}}"}
// SIEVE: moe.ffn
// SIEVE-SAME: placement gpu

// ALLGPU: placements [gpu, gpu, gpu, gpu, gpu, gpu, gpu, gpu, gpu, gpu, gpu, dynamic, dynamic, dynamic, gpu, dynamic]
// ALLPIM: placements [pim, pim, pim, pim, pim, pim, pim, pim, pim, pim, pim, dynamic, dynamic, dynamic, pim, dynamic]
// THRESHOLD: placements [gpu, dynamic, dynamic, pim, pim, pim, pim, pim, pim, pim, pim, dynamic, dynamic, dynamic, pim, dynamic]
