//===- PimImage.cpp - the sparse PIM section of an artifact ---------------===//
//
// Like the artifact decoder, this treats its bytes as hostile: length and
// checksum first, then every read bounds-checked, then the stream verified.
//
//===----------------------------------------------------------------------===//

#include "moe/Runtime/PimImage.h"

#include "moe/Runtime/Support/ByteIO.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace moe::runtime {

namespace {
using support::ByteReader;
using support::ByteWriter;

constexpr std::array<uint8_t, 8> kMagic = {'M', 'O', 'E', 'P',
                                           'I', 'M', 'G', 0x1A};
constexpr size_t kChecksumBytes = 4;
/// Zero bytes shorter than this do not split a run: a run header costs 8.
constexpr size_t kMinGap = 16;
constexpr size_t kSegmentHeaderBytes = 2 + 2 + 4 + 4 + 4;

struct Run {
  size_t offset, length;
};

/// The non-zero runs of `data`, gaps under kMinGap merged.
std::vector<Run> nonZeroRuns(const std::vector<uint8_t> &data) {
  std::vector<Run> runs;
  size_t i = 0, n = data.size();
  while (i < n) {
    while (i < n && data[i] == 0)
      ++i;
    if (i == n)
      break;
    // `end` is one past the last non-zero byte; a gap of kMinGap zeros ends
    // the run.
    size_t begin = i, end = i, j = i;
    while (j < n) {
      if (data[j] != 0) {
        end = ++j;
        continue;
      }
      if (j - end >= kMinGap)
        break;
      ++j;
    }
    runs.push_back({begin, end - begin});
    i = j;
  }
  return runs;
}
} // namespace

std::vector<uint8_t> encodePimImage(const pim::CommandStream &stream) {
  pim::CommandStream programs = stream;
  programs.weights.clear();
  std::vector<uint8_t> container = pim::encodeStream(programs);

  ByteWriter out;
  out.raw(kMagic.data(), kMagic.size());
  out.u32(kPimImageVersion);
  out.u32(0);
  // Programs carry constant regions over every lane of the device (bias
  // blocks), mostly zeros: the container is stored as its non-zero runs too.
  out.u64(container.size());
  std::vector<Run> containerRuns = nonZeroRuns(container);
  out.u32(static_cast<uint32_t>(containerRuns.size()));
  for (const Run &run : containerRuns) {
    out.u64(run.offset);
    out.u32(static_cast<uint32_t>(run.length));
    out.raw(container.data() + run.offset, run.length);
  }
  std::vector<std::pair<const pim::WeightSegment *, std::vector<Run>>> kept;
  for (const pim::WeightSegment &segment : stream.weights) {
    std::vector<Run> runs = nonZeroRuns(segment.data);
    if (!runs.empty())
      kept.emplace_back(&segment, std::move(runs));
  }
  out.u32(static_cast<uint32_t>(kept.size()));
  for (const auto &[segment, runs] : kept) {
    out.u16(segment->channel);
    out.u16(segment->bank);
    out.u32(segment->firstRow);
    out.u32(segment->rowCount);
    out.u32(static_cast<uint32_t>(runs.size()));
    for (const Run &run : runs) {
      out.u32(static_cast<uint32_t>(run.offset));
      out.u32(static_cast<uint32_t>(run.length));
      out.raw(segment->data.data() + run.offset, run.length);
    }
  }
  out.u32(support::crc32(out.data(), out.size()));
  return out.take();
}

std::optional<pim::CommandStream>
decodePimImage(const uint8_t *data, size_t size, std::string &error) {
  ByteReader in(data, size, error);
  std::vector<uint8_t> magic;
  if (!in.bytes(kMagic.size(), "PIM section magic", magic))
    return std::nullopt;
  if (!std::equal(magic.begin(), magic.end(), kMagic.begin())) {
    in.failAt(0, "not a PIM section (bad magic)");
    return std::nullopt;
  }
  size_t versionAt = in.offset();
  uint32_t version = in.u32("PIM section version");
  if (in.ok() && (version == 0 || version > kPimImageVersion)) {
    in.failAt(versionAt, "PIM section version " + std::to_string(version) +
                             (version ? " is newer than this runtime reads ("
                                      : " does not exist (") +
                             std::to_string(kPimImageVersion) + ")");
    return std::nullopt;
  }
  in.reserved(4, "PIM section flags");
  if (!in.ok())
    return std::nullopt;
  if (size < in.offset() + kChecksumBytes) {
    in.failAt(size, "truncated PIM section: no checksum");
    return std::nullopt;
  }
  size_t body = size - kChecksumBytes;
  uint32_t stored = 0;
  for (int i = 0; i < 4; ++i)
    stored |= static_cast<uint32_t>(data[body + i]) << (8 * i);
  uint32_t computed = support::crc32(data, body);
  if (stored != computed) {
    char text[112];
    std::snprintf(text, sizeof text,
                  "PIM section checksum mismatch: stored 0x%08x, computed "
                  "0x%08x (corrupt or truncated)",
                  stored, computed);
    in.failAt(body, text);
    return std::nullopt;
  }

  ByteReader fields(data, body, error);
  std::vector<uint8_t> skipped;
  fields.bytes(in.offset(), "PIM section header", skipped);
  size_t containerAt = fields.offset();
  uint64_t containerBytes = fields.u64("PIM stream size");
  uint32_t containerRuns = fields.count("PIM stream run count", 12);
  // The runs must cover the stream's last byte: a stream longer than the
  // section could describe is corruption, caught before allocating.
  if (fields.ok() && containerBytes > uint64_t(size) * 256 + 65536) {
    fields.failAt(containerAt, "PIM stream size " +
                                   std::to_string(containerBytes) +
                                   " is implausible for a " +
                                   std::to_string(size) + "-byte section");
    return std::nullopt;
  }
  std::vector<uint8_t> container(fields.ok() ? containerBytes : 0, 0);
  uint64_t end = 0;
  for (uint32_t r = 0; r < containerRuns && fields.ok(); ++r) {
    size_t runAt = fields.offset();
    uint64_t offset = fields.u64("PIM stream run offset");
    uint64_t length = fields.u32("PIM stream run length");
    if (!fields.ok())
      break;
    if (offset < end || offset + length > containerBytes || length == 0) {
      fields.failAt(runAt, "PIM stream run " + std::to_string(r) + ": bytes [" +
                               std::to_string(offset) + ", +" +
                               std::to_string(length) +
                               ") overlap the previous run or leave the " +
                               std::to_string(containerBytes) + "-byte stream");
      break;
    }
    std::vector<uint8_t> run;
    if (!fields.bytes(length, "PIM stream run bytes", run))
      break;
    std::copy(run.begin(), run.end(), container.begin() + offset);
    end = offset + length;
  }
  if (!fields.ok())
    return std::nullopt;
  std::string streamError;
  std::optional<pim::CommandStream> stream =
      pim::decodeStream(container.data(), container.size(), streamError);
  if (!stream) {
    fields.failAt(containerAt, "PIM stream: " + streamError);
    return std::nullopt;
  }
  const uint64_t rowBytes = stream->geometry.rowBytes;
  uint32_t count = fields.count("weight segment count", kSegmentHeaderBytes);
  for (uint32_t i = 0; i < count && fields.ok(); ++i) {
    size_t segmentAt = fields.offset();
    pim::WeightSegment segment;
    segment.channel = fields.u16("segment channel");
    segment.bank = fields.u16("segment bank");
    segment.firstRow = fields.u32("segment first row");
    segment.rowCount = fields.u32("segment row count");
    uint32_t runs = fields.count("segment run count", 8);
    if (!fields.ok())
      break;
    uint64_t bytes = uint64_t(segment.rowCount) * rowBytes;
    // A segment can hold no more than the bytes that describe it, plus the
    // gaps between runs: bound it by the device before allocating.
    if (segment.rowCount > stream->geometry.rowsPerBank) {
      fields.failAt(segmentAt,
                    "weight segment " + std::to_string(i) + ": " +
                        std::to_string(segment.rowCount) + " rows exceed the " +
                        std::to_string(stream->geometry.rowsPerBank) +
                        " of a bank");
      break;
    }
    segment.data.assign(bytes, 0);
    uint64_t end = 0;
    for (uint32_t r = 0; r < runs && fields.ok(); ++r) {
      size_t runAt = fields.offset();
      uint64_t offset = fields.u32("run offset");
      uint64_t length = fields.u32("run length");
      if (!fields.ok())
        break;
      if (offset < end || offset + length > bytes || length == 0) {
        fields.failAt(runAt, "weight segment " + std::to_string(i) + " run " +
                                 std::to_string(r) + ": bytes [" +
                                 std::to_string(offset) + ", +" +
                                 std::to_string(length) +
                                 ") overlap the previous run or leave the " +
                                 std::to_string(bytes) + "-byte segment");
        break;
      }
      std::vector<uint8_t> run;
      if (!fields.bytes(length, "run bytes", run))
        break;
      std::copy(run.begin(), run.end(), segment.data.begin() + offset);
      end = offset + length;
    }
    stream->weights.push_back(std::move(segment));
  }
  if (!fields.ok())
    return std::nullopt;
  if (fields.left() != 0) {
    fields.failAt(fields.offset(), std::to_string(fields.left()) +
                                       " bytes after the last segment");
    return std::nullopt;
  }
  std::string problem = pim::verifyStream(*stream);
  if (!problem.empty()) {
    error = "PIM section does not verify: " + problem;
    return std::nullopt;
  }
  return stream;
}

std::string checkStreamFits(const pim::CommandStream &stream,
                            const pim::DeviceGeometry &device,
                            const std::string &deviceName) {
  const pim::DeviceGeometry &g = stream.geometry;
  auto text = [](const pim::DeviceGeometry &d) {
    return std::to_string(d.channels) + " channels x " +
           std::to_string(d.banksPerChannel) + " banks, " +
           std::to_string(d.rowBytes) + "-byte rows, " +
           std::to_string(d.burstBytes) + "-byte bursts";
  };
  if (g.channels != device.channels ||
      g.banksPerChannel != device.banksPerChannel ||
      g.rowBytes != device.rowBytes || g.burstBytes != device.burstBytes)
    return "the PIM programs were laid out for " + text(g) + "; device '" +
           deviceName + "' has " + text(device) +
           " (recompile with moe-compile pim=" + deviceName + ")";
  uint64_t rowsUsed = 0;
  for (const pim::WeightSegment &segment : stream.weights)
    rowsUsed = std::max<uint64_t>(rowsUsed, uint64_t(segment.firstRow) +
                                                segment.rowCount);
  for (const pim::Program &program : stream.programs)
    for (const pim::Command &command : program.commands)
      if (command.opcode == pim::Opcode::Activate ||
          command.opcode == pim::Opcode::ActivateAll)
        rowsUsed = std::max<uint64_t>(rowsUsed, uint64_t(command.row) + 1);
  if (rowsUsed > device.rowsPerBank)
    return "the PIM programs do not fit device '" + deviceName +
           "': they use " + std::to_string(rowsUsed) +
           " rows per bank, the device has " +
           std::to_string(device.rowsPerBank);
  // The rest (global buffer, accumulators) as the verifier sees it on the
  // device's geometry.
  pim::CommandStream onDevice;
  onDevice.geometry = device;
  onDevice.storage = stream.storage;
  onDevice.programs = stream.programs;
  std::string problem = pim::verifyStream(onDevice);
  if (!problem.empty())
    return "the PIM programs do not fit device '" + deviceName +
           "': " + problem;
  return "";
}

} // namespace moe::runtime
