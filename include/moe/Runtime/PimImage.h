//===- PimImage.h - the PIM section of an artifact --------------*- C++ -*-===//
//
// The `.moeb` section that carries every expert's PIM programs and the
// weight image they read. The programs travel in the PIM command-stream
// container (moe/Runtime/PIM/CommandStream.h, its own version and CRC); the
// weights travel sparse beside it, because a device is far larger than a
// model's experts: only bank segments that hold a non-zero byte are stored,
// and within a segment only its non-zero runs. The loader zero-fills the
// rest, which is what an unwritten bank holds.
//
// Layout (little-endian): magic "MOEPIMG\x1A", u32 version, u32 flags (0),
// the stream container (with no weight segments; its bias constants span
// every lane of the device, so it is stored sparse too) as u64 size, u32 run
// count and per run u64 offset, u32 length, bytes; u32 segment count, then
// per segment u16 channel, u16 bank, u32 first row, u32 row count, u32 run
// count and per run u32 offset, u32 length, bytes; finally a CRC-32 of
// everything before it. No MLIR here.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_RUNTIME_PIMIMAGE_H
#define MOE_RUNTIME_PIMIMAGE_H

#include "moe/Runtime/PIM/CommandStream.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moe::runtime {

constexpr uint32_t kPimImageVersion = 1;

/// The section bytes of `stream`: segments with no non-zero byte are left
/// out, the others stored as their non-zero runs.
std::vector<uint8_t> encodePimImage(const pim::CommandStream &stream);

/// Decodes and verifies (verifyStream) a PIM section. Errors name the byte
/// offset into the section, a newer version, a checksum mismatch or the
/// failed check; never crashes on any bytes.
std::optional<pim::CommandStream>
decodePimImage(const uint8_t *data, size_t size, std::string &error);

/// Empty when a stream compiled for `compiled` runs on a device with
/// `device`: the layout (channels, banks, row and burst bytes) must be the
/// same and the capacity (rows, global buffer, accumulators) at least what
/// the programs and weights use. Otherwise the first reason, naming the
/// device.
std::string checkStreamFits(const pim::CommandStream &stream,
                            const pim::DeviceGeometry &device,
                            const std::string &deviceName);

} // namespace moe::runtime

#endif // MOE_RUNTIME_PIMIMAGE_H
