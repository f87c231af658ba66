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

namespace {
constexpr double kNano = 1e-9;

/// The DRAM side of a PIM descriptor: what pim-sim simulates.
struct DramFields {
  unsigned rowsPerBank, rowBytes, burstBytes, banksPerBankGroup;
  unsigned globalBufferBytes, accumulatorsPerBank;
  PimTiming timing;
  double allBankPowerShare;
  double hostChannelBandwidth;
};

PimDescriptor withDram(PimDescriptor pim, const DramFields &dram) {
  pim.rowsPerBank = dram.rowsPerBank;
  pim.rowBytes = dram.rowBytes;
  pim.burstBytes = dram.burstBytes;
  pim.banksPerBankGroup = dram.banksPerBankGroup;
  pim.globalBufferBytes = dram.globalBufferBytes;
  pim.accumulatorsPerBank = dram.accumulatorsPerBank;
  pim.timing = dram.timing;
  pim.allBankPowerShare = dram.allBankPowerShare;
  pim.hostChannelBandwidth = dram.hostChannelBandwidth;
  return pim;
}

/// Cycles of `tCK` that cover `nanoseconds` (a JEDEC minimum rounds up).
unsigned cycles(double nanoseconds, double tCK) {
  double count = nanoseconds * kNano / tCK;
  unsigned whole = static_cast<unsigned>(count);
  return count - whole > 1e-9 ? whole + 1 : whole;
}

/// Per-PIM-unit register file and global buffer, not given by the papers:
/// a 2 KB global buffer per channel as SK hynix AiM has (ISSCC'22, "global
/// buffer 2KB"), and 8 fp32 accumulators per bank, as many as HBM-PIM's
/// GRF_B registers (REFERENCE.md). Assumptions.
constexpr unsigned kGlobalBufferBytes = 2048;
constexpr unsigned kAccumulatorsPerBank = 8;

/// The logic die of Logic-PIM reads 4x the external bandwidth (Duplex)
/// against the 16x every bank could deliver: modelled like the power limit,
/// as a stretched all-bank MAC interval (4/16).
constexpr double kLogicDieShare = 4.0 / 16.0;

DramFields hbm3eDram() {
  // Sieve's HBM3E-PIM (REFERENCE.md): tCK 0.5 ns; tRCD 28, tRP 28, tRAS 68,
  // tRC 96, tCL 28, tCCD_S/L 2/4, tFAW 12 cycles; tREFI 3.9 us = 7800,
  // tRFC 400 ns = 800 cycles; 1 KB page. Burst: 32-bit pseudo-channel x BL8
  // = 32 B (JEDEC HBM3), which takes tCCD_S = 2 cycles at 8 Gb/s (4 bits
  // per pin per tCK), so the host rate is 32 B / 1 ns = 32 GB/s per
  // pseudo-channel = 1.024 TB/s / 32 as above. tRRD_S/L 2/3 ns as in
  // Ramulator 2.0's HBM3 preset (2/3 cycles at tCK 1 ns) = 4/6 cycles.
  // Bank groups of 4 banks (JEDEC HBM3). Rows: a 24 GiB HBM3E stack
  // (assumption) halved for the PIM logic (Sieve) = 12 GiB / (32 x 24 banks
  // x 1 KiB) = 16384.
  PimTiming t;
  t.tCK = 0.5 * kNano;
  t.tRCD = 28;
  t.tRP = 28;
  t.tRAS = 68;
  t.tRC = 96;
  t.tCL = 28;
  t.tCCD_S = 2;
  t.tCCD_L = 4;
  t.tRRD_S = 4;
  t.tRRD_L = 6;
  t.tFAW = 12;
  t.tREFI = 7800;
  t.tRFC = 800;
  return {16384,
          1024,
          32,
          4,
          kGlobalBufferBytes,
          kAccumulatorsPerBank,
          t,
          kPowerLimitedShare,
          32 * kGiga};
}

DramFields hbm3Dram(double share) {
  // AttAcc's HBM3 (REFERENCE.md): 670.4 GB/s per stack = 1024 pins x
  // 5.2375 Gb/s, so 20.95 GB/s per pseudo-channel; 16x internal means each
  // of 512 banks reads 32 B per 1.527 ns. Derived: tCK = 4 bits per pin per
  // cycle / 5.2375 Gb/s = 0.7637 ns, all-bank MAC interval tCCD_L = 2
  // cycles, tCCD_S = 1. The other timings are Sieve's HBM3E nanoseconds at
  // this clock (assumption: the same DRAM core), rounded up. 1 KB page, 32 B
  // burst, 4 banks per group (JEDEC HBM3); rows: 16 GB stack (H100's 80 GB
  // over 5) / (32 x 16 banks x 1 KiB) = 32768.
  PimTiming t;
  t.tCK = 4 / 5.2375 * kNano;
  t.tRCD = cycles(14, t.tCK);
  t.tRP = cycles(14, t.tCK);
  t.tRAS = cycles(34, t.tCK);
  t.tRC = t.tRAS + t.tRP; // 48 ns rounds below tRAS + tRP at this clock
  t.tCL = cycles(14, t.tCK);
  t.tCCD_S = 1;
  t.tCCD_L = 2;
  t.tRRD_S = cycles(2, t.tCK);
  t.tRRD_L = cycles(3, t.tCK);
  t.tFAW = cycles(6, t.tCK);
  t.tREFI = cycles(3900, t.tCK);
  t.tRFC = cycles(400, t.tCK);
  return {32768,
          1024,
          32,
          4,
          kGlobalBufferBytes,
          kAccumulatorsPerBank,
          t,
          share,
          670.4 / 32 * kGiga};
}

DramFields aimDram() {
  // SK hynix GDDR6-AiM: tCK 0.5 ns, nRCDRD 36, nRP 32, nRAS 54, nRC 89
  // (REFERENCE.md); tCL 24, tRRD_S/L 7, tFAW 28, tRFC 210, tREFI 3333
  // cycles and 16K rows of 1K x 2 B columns (2 KB page) from the GDDR6
  // presets of arkhadem/aim_simulator. Burst: x16 x BL16 = 32 B, 2 cycles
  // at 16 Gb/s = 32 GB/s per channel as above; ~16x internal bandwidth
  // means 16 banks x 32 B per tCCD_L = 2 cycles (derived), no power limit
  // beyond that (AiM delivers its 16x).
  PimTiming t;
  t.tCK = 0.5 * kNano;
  t.tRCD = 36;
  t.tRP = 32;
  t.tRAS = 54;
  t.tRC = 89;
  t.tCL = 24;
  t.tCCD_S = 2;
  t.tCCD_L = 2;
  t.tRRD_S = 7;
  t.tRRD_L = 7;
  t.tFAW = 28;
  t.tREFI = 3333;
  t.tRFC = 210;
  return {16384, 2048, 32,        4, kGlobalBufferBytes, kAccumulatorsPerBank,
          t,     1.0,  32 * kGiga};
}

DramFields hbm2Dram() {
  // Samsung HBM2-PIM (REFERENCE.md): 2.4 Gb/s pins, so tCK = 2 bits per pin
  // per cycle / 2.4 Gb/s = 0.833 ns; 64-bit pseudo-channel x BL4 = 32 B
  // bursts (JEDEC HBM2) in 2 cycles = 19.2 GB/s per pseudo-channel
  // (307.2 GB/s / 16, the host rate). One FP16 unit per two banks and
  // "4x" bandwidth: 256 banks x 32 B per tCCD_L = 4 cycles is 8x, halved for
  // the shared units (modelled as share 1/2). Timings: HBM2 nanoseconds as
  // in Ramulator 2.0's HBM2 preset (tRCD 14, tRP 14, tRAS 33, tRC 47, tCL
  // 14 ns, tRRD_S/L 4/6 ns, tFAW 16 ns, tREFI 3.9 us, tRFC 350 ns;
  // assumption where the preset differs). 2 KB page and 16K rows (8 Gb dies).
  PimTiming t;
  t.tCK = 2 / 2.4 * kNano;
  t.tRCD = cycles(14, t.tCK);
  t.tRP = cycles(14, t.tCK);
  t.tRAS = cycles(33, t.tCK);
  t.tRC = cycles(47, t.tCK);
  t.tCL = cycles(14, t.tCK);
  t.tCCD_S = 2;
  t.tCCD_L = 4;
  t.tRRD_S = cycles(4, t.tCK);
  t.tRRD_L = cycles(6, t.tCK);
  t.tFAW = cycles(16, t.tCK);
  t.tREFI = cycles(3900, t.tCK);
  t.tRFC = cycles(350, t.tCK);
  return {16384,
          2048,
          32,
          4,
          kGlobalBufferBytes,
          kAccumulatorsPerBank,
          t,
          0.5,
          2.4 * 1024 / 8 / 16 * kGiga};
}
} // namespace

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
      withDram({"hbm3e-pim", PimKind::BankLevel, 8, 32, 24, 8 * hbm3eExternal,
                8 * hbm3eInternal, 8 * hbm3eInternal * 1.0,
                kPimCommandOverhead},
               hbm3eDram()),
      withDram({"hbm3-pim", PimKind::BankLevel, 5, 32, 16, 5 * hbm3External,
                5 * hbm3Internal, 5 * hbm3Internal * 1.0, kPimCommandOverhead},
               hbm3Dram(kPowerLimitedShare)),
      withDram({"logic-pim", PimKind::LogicDie, 5, 32, 16, 5 * hbm3External,
                5 * 4 * hbm3External, 5 * 21.3 * kTera, kPimCommandOverhead},
               hbm3Dram(kLogicDieShare)),
      withDram({"gddr6-aim", PimKind::BankLevel, 1, 32, 16, aimExternal,
                16 * aimExternal, 16 * aimExternal * 1.0, kPimCommandOverhead},
               aimDram()),
      withDram({"hbm2-pim", PimKind::BankLevel, 4, 16, 16, 4 * hbm2External,
                4 * 4 * hbm2External, 4 * 1.2 * kTera, kPimCommandOverhead},
               hbm2Dram()),
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
