//===- Hardware.h - GPU, PIM and link descriptors ---------------*- C++ -*-===//
//
// Hardware is data: the built-in descriptors live in a table with the source
// of every number (lib/CostModel/BuiltinHardware.cpp); users add their own
// from JSON. No MLIR here: the runtime links this library too.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COSTMODEL_HARDWARE_H
#define MOE_COSTMODEL_HARDWARE_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moe::cost {

/// A GPU as the roofline sees it.
struct GpuDescriptor {
  std::string name;
  double peakFlops = 0;       ///< dense bf16/fp16 FLOP/s
  double memoryBandwidth = 0; ///< HBM bytes/s
  double launchOverhead = 0;  ///< seconds per layer of expert kernels
};

/// Where a PIM device computes.
enum class PimKind { BankLevel, BankGroup, LogicDie };

/// JEDEC timing of one (pseudo-)channel in cycles of its command clock, as
/// pim-sim enforces it (docs/PIM.md).
struct PimTiming {
  double tCK = 0;      ///< seconds per command-clock cycle
  unsigned tRCD = 0;   ///< ACT to column command (MAC) in the same bank
  unsigned tRP = 0;    ///< PRE to ACT in the same bank
  unsigned tRAS = 0;   ///< ACT to PRE in the same bank
  unsigned tRC = 0;    ///< ACT to ACT in the same bank
  unsigned tCL = 0;    ///< column read to data (MAC result, accumulator read)
  unsigned tCCD_S = 0; ///< column to column, different bank groups; also
                       ///< the spacing of host data bursts on the channel
  unsigned tCCD_L = 0; ///< column to column, same bank group; the interval
                       ///< of all-bank MACs without the power limit
  unsigned tRRD_S = 0; ///< ACT to ACT, different bank groups
  unsigned tRRD_L = 0; ///< ACT to ACT, same bank group
  unsigned tFAW = 0;   ///< window that holds at most four ACTs
  unsigned tREFI = 0;  ///< average interval of all-bank refreshes
  unsigned tRFC = 0;   ///< duration of an all-bank refresh
};

/// A PIM device: all its stacks (or chips) together.
struct PimDescriptor {
  std::string name;
  PimKind kind = PimKind::BankLevel;
  unsigned stacks = 0;           ///< stacks (HBM) or chips (GDDR6)
  unsigned channelsPerStack = 0; ///< (pseudo-)channels per stack
  unsigned banksPerChannel = 0;  ///< banks per (pseudo-)channel
  double externalBandwidth = 0;  ///< bytes/s, all stacks, host <-> PIM
  double internalBandwidth = 0;  ///< bytes/s the PIM units read, all stacks,
                                 ///< under the power limit
  double peakFlops = 0;          ///< FLOP/s of the PIM units, all stacks
  double commandOverhead = 0;    ///< seconds per matrix-vector product for
                                 ///< mode switches, command issue, barriers

  // DRAM geometry and timing for pim-sim (zero when a JSON descriptor
  // gives none: the roofline needs only the numbers above).
  unsigned rowsPerBank = 0;
  unsigned rowBytes = 0;            ///< page size per bank
  unsigned burstBytes = 0;          ///< bytes per column access per bank
  unsigned banksPerBankGroup = 0;   ///< tCCD_L / tRRD_L apply within a group
  unsigned globalBufferBytes = 0;   ///< per channel
  unsigned accumulatorsPerBank = 0; ///< fp32 registers per bank MAC unit
  PimTiming timing;
  /// Share of the unconstrained all-bank MAC rate (one per tCCD_L) that the
  /// power limit allows: AttAcc's 9x of 16x is 9/16. pim-sim stretches the
  /// all-bank MAC interval to tCCD_L / share.
  double allBankPowerShare = 1;
  double hostChannelBandwidth = 0; ///< bytes/s host <-> PIM, per channel

  unsigned channels() const { return stacks * channelsPerStack; }
  bool hasDramTiming() const { return timing.tCK > 0; }
  /// Bytes/s all MAC units read with the all-bank MAC interval of the
  /// timing above: channels x banks x burst / (tCCD_L / share x tCK).
  double timedInternalBandwidth() const {
    if (!hasDramTiming() || timing.tCCD_L == 0)
      return 0;
    return double(channels()) * banksPerChannel * burstBytes *
           allBankPowerShare / (timing.tCCD_L * timing.tCK);
  }
};

/// The path activations take between the GPU and the PIM device.
struct LinkDescriptor {
  std::string name;
  double bandwidth = 0; ///< bytes/s per direction
  double latency = 0;   ///< seconds per transfer
};

/// Every built-in descriptor, and lookup by (case-sensitive) name.
const std::vector<GpuDescriptor> &builtinGpus();
const std::vector<PimDescriptor> &builtinPims();
const std::vector<LinkDescriptor> &builtinLinks();
std::optional<GpuDescriptor> findGpu(std::string_view name);
std::optional<PimDescriptor> findPim(std::string_view name);
std::optional<LinkDescriptor> findLink(std::string_view name);

/// Descriptors read from a user's JSON file.
struct HardwareSet {
  std::vector<GpuDescriptor> gpus;
  std::vector<PimDescriptor> pims;
  std::vector<LinkDescriptor> links;
};

/// Parses a JSON document holding one descriptor object or an array of them,
/// each with "kind": "gpu" | "pim" | "link". Fields are in the units people
/// quote: TFLOP/s, TB/s, GB/s, microseconds (see docs/CostModel.md). On error
/// returns nullopt and sets `error` to a message naming the descriptor and
/// field.
std::optional<HardwareSet> parseHardwareJson(std::string_view text,
                                             std::string &error);
/// Reads and parses a file; the error names the file.
std::optional<HardwareSet> loadHardwareJson(const std::string &path,
                                            std::string &error);

/// A GPU/PIM/link by built-in name or from a JSON file: `spec` is either a
/// built-in name or a path ending in `.json` holding exactly one descriptor of
/// the wanted kind.
std::optional<GpuDescriptor> resolveGpu(const std::string &spec,
                                        std::string &error);
std::optional<PimDescriptor> resolvePim(const std::string &spec,
                                        std::string &error);
std::optional<LinkDescriptor> resolveLink(const std::string &spec,
                                          std::string &error);

} // namespace moe::cost

#endif // MOE_COSTMODEL_HARDWARE_H
