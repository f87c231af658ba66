//===- CommandStream.h - the PIM command set and its stream -----*- C++ -*-===//
//
// The contract between the compiler (the `pim` dialect, `convert-moe-to-pim`,
// `moe-translate --export-pim`) and the runtime (`pim-sim`, the loader): the
// commands of a bank-level PIM device in the vocabulary of HBM3-PIM and
// GDDR6-AiM, the programs built from them, the weight image, and the
// versioned, checksummed binary container that carries them. No MLIR here:
// the runtime links this.
//
// The device: `channels` (pseudo-)channels, each with `banksPerChannel`
// banks. Every bank has one MAC unit next to its row buffer and
// `accumulatorsPerBank` fp32 accumulators; every channel has one global
// buffer (GB) of `globalBufferBytes` that all its banks read. A column access
// delivers `burstBytes` of the open row per bank. Weights and GB contents are
// stored as `storage` (bf16 or fp16); accumulation is fp32.
//
// A program computes one expert for `slots` tokens. The host side of a
// program is a byte arena; `regions` name its parts (the input tokens, the
// outputs, constants such as biases). Commands that move data between host
// and device address the arena; with `channel == kAllChannels` a command goes
// to every channel and its host address for channel c is
// `hostOffset + c * hostStride` (stride 0: every channel reads, or with
// `ReadMode::Add` accumulates into, the same place).
//
//===----------------------------------------------------------------------===//

#ifndef MOE_RUNTIME_PIM_COMMANDSTREAM_H
#define MOE_RUNTIME_PIM_COMMANDSTREAM_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moe::pim {

/// The on-disk format version this build writes and the newest it reads.
constexpr uint32_t kStreamVersion = 1;
/// `Command::channel` value that addresses every channel.
constexpr uint16_t kAllChannels = 0xFFFF;

/// What a stream's programs were compiled for; the loader and the simulator
/// reject commands outside these bounds.
struct DeviceGeometry {
  uint32_t channels = 0; ///< all pseudo-channels of all stacks
  uint32_t banksPerChannel = 0;
  uint32_t rowsPerBank = 0;
  uint32_t rowBytes = 0;            ///< page size per bank
  uint32_t burstBytes = 0;          ///< bytes per column access per bank
  uint32_t globalBufferBytes = 0;   ///< per channel
  uint32_t accumulatorsPerBank = 0; ///< fp32 registers per bank MAC unit

  uint32_t columnsPerRow() const {
    return burstBytes ? rowBytes / burstBytes : 0;
  }
};

/// Element type of weights and the global buffer.
enum class StorageType : uint8_t { BF16 = 0, F16 = 1 };

/// Mnemonics (text dump / `pim` dialect op) in the comments.
enum class Opcode : uint8_t {
  /// WRGB (`pim.write_gb`): copy `bytes` from the arena at the host address
  /// into the GB at `gbOffset`. Host -> PIM transfer.
  WriteGlobalBuffer = 0,
  /// ACTAB (`pim.activate_all`): open `row` in every bank of the channel.
  ActivateAll = 1,
  /// ACT (`pim.activate`): open `row` in `bank`.
  Activate = 2,
  /// MACAB (`pim.mac_all`): in every bank, acc[`acc`] += sum over the burst's
  /// elements i of row[`column` * burst + i] * GB[`gbOffset` + i].
  /// Every bank must have a row open.
  MacAll = 3,
  /// PREAB (`pim.precharge_all`): close the open row of every bank.
  PrechargeAll = 4,
  /// PRE (`pim.precharge`): close the open row of `bank`.
  Precharge = 5,
  /// SETACC (`pim.set_acc`): acc[`acc`] of bank b = the fp32 at host address
  /// + 4 b, or 0 when `flags & kZero` (biases start the accumulation).
  SetAccumulators = 6,
  /// AF (`pim.activation`): acc[`acc`] = f(acc[`acc`]) in every bank, with
  /// f = `function`, parameters `param0`, `param1` (see ActivationFunction).
  Activation = 7,
  /// ACCMUL (`pim.mul_acc`): acc[`acc`] *= acc[`acc2`] + `param0` in every
  /// bank (SwiGLU's gate times linear part plus beta).
  MultiplyAccumulators = 8,
  /// MVGB (`pim.move_to_gb`): write acc[`acc`] of bank b, rounded to the
  /// storage type, to GB element `gbOffset` / elementBytes + b.
  MoveToGlobalBuffer = 9,
  /// RDACC (`pim.read_acc`): acc[`acc`] of bank b to the fp32 at host address
  /// + 4 b, stored or added (`readMode`). PIM -> host transfer.
  ReadAccumulators = 10,
  /// BARRIER (`pim.barrier`): every channel finishes what it was given
  /// before any starts the next command.
  Barrier = 11,
};
constexpr unsigned kNumOpcodes = 12;

/// The functions of the per-bank activation unit.
enum class ActivationFunction : uint8_t {
  Identity = 0,
  Relu = 1,
  GeluErf = 2,
  GeluTanh = 3,
  Silu = 4,
  /// x * sigmoid(param0 * x) after clamping x above at param1 (SwiGLU gate;
  /// param1 = +inf for no clamp).
  Swish = 5,
  /// clamp(x, param0, param1) (SwiGLU's linear part).
  Clamp = 6,
};

enum class ReadMode : uint8_t { Store = 0, Add = 1 };

/// One command. Fields a command does not use are zero.
struct Command {
  static constexpr uint8_t kZero = 1; ///< SetAccumulators: start at 0

  Opcode opcode = Opcode::Barrier;
  uint8_t acc = 0;
  uint8_t acc2 = 0;
  uint8_t flags = 0;
  ActivationFunction function = ActivationFunction::Identity;
  ReadMode readMode = ReadMode::Store;
  uint16_t channel = kAllChannels;
  uint16_t bank = 0;
  uint32_t row = 0;
  uint32_t column = 0;
  uint32_t gbOffset = 0;   ///< bytes
  uint32_t bytes = 0;      ///< WriteGlobalBuffer length
  uint64_t hostOffset = 0; ///< bytes into the program's arena
  uint32_t hostStride = 0; ///< bytes per channel for kAllChannels
  float param0 = 0, param1 = 0;
};

/// A named part of a program's host arena. `init`, when not empty, is its
/// initial contents (constants such as biases, fp32); otherwise it starts
/// zeroed or is filled by the runtime (inputs).
struct HostRegion {
  enum class Kind : uint8_t {
    Input = 0,
    Output = 1,
    Constant = 2,
    Scratch = 3
  };
  std::string name;
  Kind kind = Kind::Scratch;
  uint64_t offset = 0;
  uint64_t bytes = 0;
  std::vector<uint8_t> init;
};

/// One expert for `slots` tokens: Input holds `slots` rows of `inputSize`
/// storage-type elements, Output `slots` rows of `outputSize` fp32.
struct Program {
  std::string name;
  uint32_t slots = 1;
  uint32_t inputSize = 0;
  uint32_t outputSize = 0;
  uint64_t arenaBytes = 0;
  std::vector<HostRegion> regions;
  std::vector<Command> commands;
};

/// `rowCount` whole rows of one bank starting at `firstRow`.
struct WeightSegment {
  uint16_t channel = 0;
  uint16_t bank = 0;
  uint32_t firstRow = 0;
  uint32_t rowCount = 0;
  std::vector<uint8_t> data; ///< rowCount * rowBytes
};

/// Everything `moe-translate --export-pim` writes and the runtime loads.
struct CommandStream {
  DeviceGeometry geometry;
  StorageType storage = StorageType::BF16;
  std::string deviceName; ///< the cost model's PIM descriptor name
  std::vector<Program> programs;
  std::vector<WeightSegment> weights;
};

/// Checks every command, region and segment against the geometry and the
/// arena (bounds, register numbers, GB sizes, alignment). Returns an empty
/// string when valid, else the first problem, naming the program and command
/// index.
std::string verifyStream(const CommandStream &stream);

/// The binary container: magic, version, the sections, a CRC-32 of all of it.
std::vector<uint8_t> encodeStream(const CommandStream &stream);
/// Decodes and verifies; on failure returns nullopt and sets `error` to a
/// message naming the byte offset ("at byte N: ...") or the failed check.
std::optional<CommandStream> decodeStream(const uint8_t *data, size_t size,
                                          std::string &error);
/// Reads a file and decodes it; the error names the file.
std::optional<CommandStream> loadStream(const std::string &path,
                                        std::string &error);

/// Readable listing: the geometry, then per program its regions and one line
/// per command (`MACAB ch=* col=3 gb=96 acc=0`), then the weight segments.
std::string dumpStream(const CommandStream &stream);

/// Storage conversions used by the compiler (weight image) and simulator.
uint16_t toStorage(float value, StorageType type);
float fromStorage(uint16_t bits, StorageType type);

/// Bytes of one weight / GB element (2 for both storage types).
constexpr uint32_t elementBytes(StorageType) { return 2; }

/// The text-dump mnemonic of an opcode ("MACAB"), "?" when out of range.
const char *mnemonic(Opcode opcode);

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) as the container's
/// trailer uses it; `crc` continues a previous call.
uint32_t crc32(const uint8_t *data, size_t size, uint32_t crc = 0);

} // namespace moe::pim

#endif // MOE_RUNTIME_PIM_COMMANDSTREAM_H
