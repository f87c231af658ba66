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

  unsigned channels() const { return stacks * channelsPerStack; }
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
