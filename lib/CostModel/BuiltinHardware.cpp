//===- BuiltinHardware.cpp - the built-in descriptors and their sources ---===//
//
// Every number cites where it comes from; "derived" shows the arithmetic
// from cited numbers, "assumption" marks a modelling choice that measured
// times (MeasuredTimes.h) are meant to replace. REFERENCE.md is the
// project's collection of these facts with their sources.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModel/Hardware.h"

#include <algorithm>

namespace moe::cost {

namespace {
constexpr double kTera = 1e12, kGiga = 1e9, kMicro = 1e-6;

/// All-bank PIM under the HBM power limit runs at 9x instead of 16x the
/// external bandwidth (AttAcc, ASPLOS'24; REFERENCE.md).
constexpr double kPowerLimitedShare = 9.0 / 16.0;

/// Launch and synchronisation of one layer's grouped expert kernels inside
/// a captured CUDA graph, as serving engines run decode (assumption).
constexpr double kGpuLaunch = 2 * kMicro;

/// Mode entry/exit and the barrier of one matrix-vector product on PIM:
/// about two row cycles, 2 x tRC = 2 x 96 tCK x 0.5 ns ~ 0.1 us with the
/// HBM3E timings Sieve uses (REFERENCE.md). An estimate that pim-sim's
/// measured times replace.
constexpr double kPimCommandOverhead = 0.1 * kMicro;
} // namespace

const std::vector<GpuDescriptor> &builtinGpus() {
  static const std::vector<GpuDescriptor> gpus = {
      // H100 SXM: 989.4 TFLOP/s bf16 dense, 3.35 TB/s HBM3 (NVIDIA H100
      // datasheet; REFERENCE.md "GPUs").
      {"h100", 989.4 * kTera, 3.35 * kTera, kGpuLaunch},
      // H200: same GH100 compute, 989.4 TFLOP/s bf16 dense; 4.8 TB/s HBM3e
      // (NVIDIA H200 datasheet).
      {"h200", 989.4 * kTera, 4.8 * kTera, kGpuLaunch},
      // B200 as Sieve simulates it: 2250 TFLOP/s fp16, 8 TB/s (Sieve,
      // arXiv 2605.11277; REFERENCE.md).
      {"b200", 2250 * kTera, 8 * kTera, kGpuLaunch},
      // A100 SXM 80 GB: 312 TFLOP/s bf16 dense, 2.039 TB/s HBM2e (NVIDIA A100
      // datasheet).
      {"a100", 312 * kTera, 2.039 * kTera, kGpuLaunch},
  };
  return gpus;
}

const std::vector<PimDescriptor> &builtinPims() {
  // HBM3E-PIM as Sieve evaluates it (REFERENCE.md): 8 stacks, 8 Gbps pins,
  // 32 pseudo-channels x 24 banks per stack, tCK 0.5 ns, tCCD_L 4 cycles,
  // 1 op/B. Derived: external 1024 pins x 8 Gb/s = 1.024 TB/s per stack;
  // each bank unit reads 32 B per tCCD_L (2 ns) = 16 GB/s, x 768 banks =
  // 12.288 TB/s per stack, x 9/16 under the power limit.
  constexpr double hbm3eExternal = 1024 * 8 / 8.0 * kGiga;
  constexpr double hbm3eInternal = 16 * kGiga * 32 * 24 * kPowerLimitedShare;
  // HBM3-PIM as AttAcc models it: 670.4 GB/s external per stack, bank-level
  // PIM 16x internal, 9x under the power limit, FLOPS = BW x 1 op/B
  // (REFERENCE.md). 5 stacks as on an H100 (80 GB); 32 pseudo-channels of
  // 16 banks (JEDEC HBM3: 16 channels x 2 pseudo-channels, 4 bank groups x
  // 4 banks).
  constexpr double hbm3External = 670.4 * kGiga;
  constexpr double hbm3Internal = 16 * hbm3External * kPowerLimitedShare;
  // Logic-PIM as in Duplex (MICRO'24; REFERENCE.md): 4x HBM3 bandwidth and
  // 21.3 TFLOP/s per stack (Op/B 8); 5 stacks as on an H100.
  // GDDR6-AiM as in SK hynix's simulator (REFERENCE.md): 32 channels of 4
  // bank groups x 4 banks, ~16x internal/external bandwidth, ~1 FLOP/B;
  // 16 Gb/s x 16 pins = 32 GB/s external per channel (GDDR6 at 16 Gbps).
  constexpr double aimExternal = 32 * 32 * kGiga;
  // Samsung HBM2-PIM (ISSCC'21; REFERENCE.md): 1.2 TFLOP/s per stack, 4x
  // bandwidth; HBM2 at 2.4 Gbps x 1024 pins = 307.2 GB/s per stack; 16
  // pseudo-channels of 16 banks. 4 stacks (assumption).
  constexpr double hbm2External = 2.4 * 1024 / 8 * kGiga;
  static const std::vector<PimDescriptor> pims = {
      {"hbm3e-pim", PimKind::BankLevel, 8, 32, 24, 8 * hbm3eExternal,
       8 * hbm3eInternal, 8 * hbm3eInternal * 1.0, kPimCommandOverhead},
      {"hbm3-pim", PimKind::BankLevel, 5, 32, 16, 5 * hbm3External,
       5 * hbm3Internal, 5 * hbm3Internal * 1.0, kPimCommandOverhead},
      {"logic-pim", PimKind::LogicDie, 5, 32, 16, 5 * hbm3External,
       5 * 4 * hbm3External, 5 * 21.3 * kTera, kPimCommandOverhead},
      {"gddr6-aim", PimKind::BankLevel, 1, 32, 16, aimExternal,
       16 * aimExternal, 16 * aimExternal * 1.0, kPimCommandOverhead},
      {"hbm2-pim", PimKind::BankLevel, 4, 16, 16, 4 * hbm2External,
       4 * 4 * hbm2External, 4 * 1.2 * kTera, kPimCommandOverhead},
  };
  return pims;
}

const std::vector<LinkDescriptor> &builtinLinks() {
  static const std::vector<LinkDescriptor> links = {
      // NVLink between GPU and PIM stacks as Sieve models it: 900 GB/s per
      // direction, 0.8 us (REFERENCE.md).
      {"nvlink", 900 * kGiga, 0.8 * kMicro},
      // PCIe 5.0 x16: 64 GB/s per direction (PCI-SIG); 1 us latency
      // (assumption).
      {"pcie5", 64 * kGiga, 1.0 * kMicro},
  };
  return links;
}

template <typename T>
static std::optional<T> findByName(const std::vector<T> &all,
                                   std::string_view name) {
  auto it = std::find_if(all.begin(), all.end(),
                         [&](const T &d) { return d.name == name; });
  if (it == all.end())
    return std::nullopt;
  return *it;
}

std::optional<GpuDescriptor> findGpu(std::string_view name) {
  return findByName(builtinGpus(), name);
}
std::optional<PimDescriptor> findPim(std::string_view name) {
  return findByName(builtinPims(), name);
}
std::optional<LinkDescriptor> findLink(std::string_view name) {
  return findByName(builtinLinks(), name);
}

} // namespace moe::cost
