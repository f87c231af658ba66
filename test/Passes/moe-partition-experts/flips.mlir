// The same layer flips as the hardware or the token profile changes.
//
// A GPU 50x slower in bandwidth and 1000x in compute than a B200: nothing is
// worth moving, the shared expert included.
// RUN: moe-opt %S/Inputs/layer.mlir --moe-partition-experts="policy=sieve profile=%S/Inputs/profile.json gpu=%S/Inputs/slow-gpu.json" | FileCheck %s --check-prefix=SLOWGPU
// SLOWGPU: placements [pim, pim, pim, pim, pim, pim, pim, pim, pim, pim, pim, dynamic, dynamic, dynamic, pim, dynamic]
// SLOWGPU: placement pim
//
// Sampled profiles: at batch 256 every expert gets ~128 tokens and all go to
// the GPU; at batch 1 most experts get one token and stay on PIM.
// RUN: moe-opt %S/Inputs/layer.mlir --moe-partition-experts="policy=sieve distribution=uniform:batch=256,steps=8 gpu=b200" | FileCheck %s --check-prefix=BIG
// BIG: placements [gpu, gpu, gpu, gpu, gpu, gpu, gpu, gpu, gpu, gpu, gpu, gpu, gpu, gpu, gpu, gpu]
// BIG: placement gpu
// RUN: moe-opt %S/Inputs/layer.mlir --moe-partition-experts="policy=sieve distribution=uniform:batch=1,steps=8 gpu=b200" | FileCheck %s --check-prefix=SMALL
// SMALL: placements [{{.*}}pim, pim, pim, pim, pim, pim, pim, pim]
// SMALL: placement pim
