//===- ExpertLayout.h - where an expert's weights lie in PIM ----*- C++ -*-===//
//
// The layout planner shared by the compiler (`convert-moe-to-pim`, the
// `pim` dialect's verifiers, `--export-pim`) and the runtime: which rows and
// columns of which bank of which channel hold which weights of an expert,
// and how the global buffer and the accumulators are used. No MLIR here.
//
// Tensor parallel over ALL channels (as Sieve): a matrix y = W x with W
// [outputs, inputs] is either
//  - row sharded: output n runs in lane n mod (channels * banks), as tile
//    n / (channels * banks); the input is broadcast to every channel;
//  - column sharded: the input is the result of a row-sharded matrix that
//    stayed in the channels (MVGB), so channel c holds the inputs of its
//    lanes; outputs are split over the banks of each channel and the
//    channels' partial sums are added on the host (RDACC add);
//  - slice sharded: the input is split over the channels (channel c holds
//    inputs [c * k, c * k + k)), every channel computes partial sums of all
//    outputs over its slice, output n in bank n mod banks as tile n / banks,
//    and the host adds the channels' partial sums (RDACC add). For experts
//    with fewer outputs than lanes, where row sharding leaves most banks
//    multiplying zeros.
// Within a bank a matrix takes consecutive rows; tile t's bursts follow one
// another (burst q = t * burstsPerTile + j at row q / columnsPerRow, column
// q mod columnsPerRow), so a tile's MACs over one input chunk stay in one or
// two rows.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_TARGET_PIM_EXPERTLAYOUT_H
#define MOE_TARGET_PIM_EXPERTLAYOUT_H

#include "moe/Runtime/PIM/CommandStream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace moe::pim {

/// Bytes of bf16/fp16 weights and global-buffer elements.
constexpr uint32_t kStorageBytes = 2;

enum class MatrixSharding : uint8_t { Rows = 0, Columns = 1, Slices = 2 };

/// The derived numbers of one matrix on one device.
struct MatrixPlacement {
  MatrixSharding sharding = MatrixSharding::Rows;
  uint32_t outputs = 0;
  uint32_t inputs = 0;
  uint32_t lanes = 0;         ///< channels * banks (rows) or banks (columns)
  uint32_t tiles = 0;         ///< outputs per lane, rounded up
  uint32_t localInputs = 0;   ///< inputs one channel sees, padded to a burst
  uint32_t sliceInputs = 0;   ///< Slices: inputs per channel (k), unpadded
  uint32_t burstsPerTile = 0; ///< localInputs / burst elements
  uint32_t rowsNeeded = 0;    ///< rows per bank

  /// Where burst `burst` of tile `tile` lies, rows counted from the first.
  uint32_t rowOf(const DeviceGeometry &geometry, uint32_t tile,
                 uint32_t burst) const;
  uint32_t columnOf(const DeviceGeometry &geometry, uint32_t tile,
                    uint32_t burst) const;
  /// The output computed by (channel, bank, tile), or -1 for padding. A
  /// column-sharded matrix whose outputs do not fill its last tile shifts
  /// that tile to end at the last output: RDACC writes every bank, so the
  /// tile's window must stay inside the output; its banks that overlap the
  /// tile before hold zero weights and add +0.
  int64_t outputOf(const DeviceGeometry &geometry, uint32_t channel,
                   uint32_t bank, uint32_t tile) const;
  /// The output bank 0 of `tile` writes (RDACC's first element).
  uint32_t firstOutputOf(uint32_t tile) const;
  /// The matrix input that local input `local` of `channel` multiplies, or
  /// -1 for padding.
  int64_t inputOf(const DeviceGeometry &geometry, uint32_t channel,
                  uint32_t local) const;
};

/// Places a [outputs, inputs] matrix. For Columns, `inputs` is the size of
/// the row-sharded intermediate it consumes. For Slices, `inputs` must be a
/// multiple of the channels (so every channel's slice lies inside the token).
MatrixPlacement placeMatrix(MatrixSharding sharding, uint32_t outputs,
                            uint32_t inputs, const DeviceGeometry &geometry);

/// The contents of `placement.rowsNeeded` rows of one bank, row after row,
/// as floats (zero where no weight lies). `matrix` is row-major
/// [outputs, inputs].
std::vector<float> bankImage(const MatrixPlacement &placement,
                             const DeviceGeometry &geometry, uint32_t channel,
                             uint32_t bank, const float *matrix);

/// One expert's FFN: y = fc2 act(fc1 x + b1) + b2.
struct ExpertShape {
  uint32_t hidden = 0;       ///< H: input and output size
  uint32_t intermediate = 0; ///< I
  bool gated = false;        ///< SwiGLU: a gate and a linear matrix [I, H]
};

/// What `convert-moe-to-pim` and the runtime need to run one expert.
struct ExpertPlan {
  MatrixPlacement gate;   ///< fc1 (or SwiGLU's gate part) [I, H], rows
  MatrixPlacement linear; ///< SwiGLU's linear part [I, H], rows
  MatrixPlacement down;   ///< fc2 [H, I], columns
  uint32_t gateFirstRow = 0, linearFirstRow = 0, downFirstRow = 0;
  uint32_t rowsUsed = 0; ///< rows per bank of all three, from the first
  /// Tokens that share every row activation (each with its own input
  /// chunk, intermediate and accumulators).
  uint32_t tokensPerPass = 1;
  /// Global buffer: token i's input chunk at [i * chunkBytes, + chunkBytes);
  /// its intermediate at intermediateGbOffset + i * intermediateBytes.
  uint32_t chunkBytes = 0;
  uint32_t intermediateGbOffset = 0;
  uint32_t intermediateBytes = 0;
  /// fc1 tiles computed together (each needs 1, gated 2, accumulators per
  /// token) and fc2 tiles computed together.
  uint32_t fc1TilesPerGroup = 0;
  uint32_t fc2TilesPerGroup = 0;
  /// fc1 (and the linear part) slice sharded: each channel MACs its slice
  /// of the token for all intermediates, the host adds the channels'
  /// partial sums into `sums` (RDACC add), and every channel loads back
  /// the window of the sums it keeps for fc2 (SETACC from sums + c *
  /// windowBytes: the intermediates fc2's column sharding gives it).
  bool hiddenSliced = false;
  uint32_t windowBytes = 0;
  /// fp32 of one matrix's sums per token: every tile and every window.
  uint32_t sumsFloats = 0;
};

/// Whether fc1 is split over the hidden dimension (hiddenSliced): `Never`,
/// `Always` where the shape allows it (hidden a multiple of the channels,
/// intermediate at most channels x banks, one token per pass), or `Auto`
/// where it also needs fewer MACs and host transfers than row sharding.
enum class HiddenSplit : uint8_t { Never, Auto, Always };

/// Plans `shape` in rows [firstRow, ...) of `geometry` for
/// `tokensPerPass` tokens per row activation. `chunkBytes` bounds the input
/// chunk (0: as large as fits). A hidden-sliced plan (`split`) serves one
/// token per pass whatever `tokensPerPass` asks. Returns an empty string or
/// why the expert does not fit; `plan` is only written on success.
std::string planExpert(const ExpertShape &shape, const DeviceGeometry &geometry,
                       uint32_t firstRow, uint32_t chunkBytes,
                       uint32_t tokensPerPass, ExpertPlan &plan,
                       HiddenSplit split = HiddenSplit::Never);

} // namespace moe::pim

#endif // MOE_TARGET_PIM_EXPERTLAYOUT_H
