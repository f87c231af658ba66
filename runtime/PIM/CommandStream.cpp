//===- CommandStream.cpp - the binary container of a command stream ------===//
//
// Little-endian throughout; the byte layout is in docs/PIM.md. The decoder
// treats its input as hostile: every read is bounds-checked, every count is
// checked against the bytes left before anything is allocated, and every
// error names the byte offset where it was found.
//
//===----------------------------------------------------------------------===//

#include "moe/Runtime/PIM/CommandStream.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace moe::pim {

namespace {

constexpr std::array<uint8_t, 8> kMagic = {'M', 'O', 'E', 'P',
                                           'I', 'M', 'C', 0x1A};
/// magic, version, flags, total length.
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 8;
constexpr size_t kCommandBytes = 48;
constexpr size_t kChecksumBytes = 4;
/// Smallest encodings, used to bound counts before allocating.
constexpr size_t kMinRegionBytes = 4 + 4 + 8 + 8 + 8;
constexpr size_t kMinProgramBytes = 4 + 4 + 4 + 4 + 8 + 4 + 4;
constexpr size_t kMinSegmentBytes = 2 + 2 + 4 + 4 + 8;

std::array<uint32_t, 256> makeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc & 1u) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    table[i] = crc;
  }
  return table;
}

/// Appends little-endian values.
class ByteWriter {
public:
  void u8(uint8_t value) { bytes_.push_back(value); }
  void u16(uint16_t value) { little(value, 2); }
  void u32(uint32_t value) { little(value, 4); }
  void u64(uint64_t value) { little(value, 8); }
  void f32(float value) {
    uint32_t bits;
    std::memcpy(&bits, &value, 4);
    u32(bits);
  }
  void raw(const uint8_t *data, size_t size) {
    bytes_.insert(bytes_.end(), data, data + size);
  }
  void string(const std::string &text) {
    u32(static_cast<uint32_t>(text.size()));
    raw(reinterpret_cast<const uint8_t *>(text.data()), text.size());
  }
  void patchU64(size_t at, uint64_t value) {
    for (int i = 0; i < 8; ++i)
      bytes_[at + i] = static_cast<uint8_t>(value >> (8 * i));
  }
  size_t size() const { return bytes_.size(); }
  std::vector<uint8_t> take() { return std::move(bytes_); }
  const uint8_t *data() const { return bytes_.data(); }

private:
  void little(uint64_t value, int count) {
    for (int i = 0; i < count; ++i)
      bytes_.push_back(static_cast<uint8_t>(value >> (8 * i)));
  }
  std::vector<uint8_t> bytes_;
};

/// Bounds-checked little-endian reads. The first failure records its message
/// and every later read fails too, so callers check once per section.
class ByteReader {
public:
  ByteReader(const uint8_t *data, size_t size, std::string &error)
      : data_(data), size_(size), error_(error) {}

  bool ok() const { return ok_; }
  size_t offset() const { return offset_; }
  size_t left() const { return size_ - offset_; }

  uint8_t u8(const char *what) { return static_cast<uint8_t>(read(1, what)); }
  uint16_t u16(const char *what) {
    return static_cast<uint16_t>(read(2, what));
  }
  uint32_t u32(const char *what) {
    return static_cast<uint32_t>(read(4, what));
  }
  uint64_t u64(const char *what) { return read(8, what); }
  float f32(const char *what) {
    uint32_t bits = u32(what);
    float value;
    std::memcpy(&value, &bits, 4);
    return value;
  }

  bool bytes(uint64_t count, const char *what, std::vector<uint8_t> &out) {
    if (!need(count, what))
      return false;
    out.assign(data_ + offset_, data_ + offset_ + count);
    offset_ += count;
    return true;
  }

  bool string(const char *what, std::string &out) {
    uint32_t length = u32(what);
    if (!need(length, what))
      return false;
    out.assign(reinterpret_cast<const char *>(data_ + offset_), length);
    offset_ += length;
    return true;
  }

  /// A count of items of at least `minBytes` each: more than the bytes left
  /// could hold is corruption, caught before a huge allocation.
  uint32_t count(const char *what, size_t minBytes) {
    size_t at = offset_;
    uint32_t value = u32(what);
    if (ok_ && static_cast<uint64_t>(value) * minBytes > left())
      failAt(at, std::string(what) + " " + std::to_string(value) +
                     " does not fit in the " + std::to_string(left()) +
                     " bytes left");
    return ok_ ? value : 0;
  }

  /// An enum byte that must be below `limit`.
  uint8_t enumValue(const char *what, unsigned limit) {
    size_t at = offset_;
    uint8_t value = u8(what);
    if (ok_ && value >= limit)
      failAt(at, "bad " + std::string(what) + " " + std::to_string(value) +
                     " (expected 0.." + std::to_string(limit - 1) + ")");
    return value;
  }

  /// Padding and reserved fields must be zero: corruption shows early.
  void reserved(size_t count, const char *what) {
    for (size_t i = 0; i < count && ok_; ++i) {
      size_t at = offset_;
      if (u8(what) != 0)
        failAt(at, std::string("reserved ") + what + " is not zero");
    }
  }

  bool failAt(size_t at, const std::string &message) {
    if (ok_)
      error_ = "at byte " + std::to_string(at) + ": " + message;
    ok_ = false;
    return false;
  }

private:
  bool need(uint64_t count, const char *what) {
    if (!ok_)
      return false;
    if (count > left())
      return failAt(offset_, std::string("truncated ") + what + ": needs " +
                                 std::to_string(count) + " bytes, " +
                                 std::to_string(left()) + " left");
    return true;
  }

  uint64_t read(int count, const char *what) {
    if (!need(count, what))
      return 0;
    uint64_t value = 0;
    for (int i = 0; i < count; ++i)
      value |= static_cast<uint64_t>(data_[offset_ + i]) << (8 * i);
    offset_ += count;
    return value;
  }

  const uint8_t *data_;
  size_t size_;
  size_t offset_ = 0;
  bool ok_ = true;
  std::string &error_;
};

void writeCommand(ByteWriter &out, const Command &command) {
  out.u8(static_cast<uint8_t>(command.opcode));
  out.u8(command.acc);
  out.u8(command.acc2);
  out.u8(command.flags);
  out.u8(static_cast<uint8_t>(command.function));
  out.u8(static_cast<uint8_t>(command.readMode));
  out.u16(command.channel);
  out.u16(command.bank);
  out.u16(0); // reserved
  out.u32(command.row);
  out.u32(command.column);
  out.u32(command.gbOffset);
  out.u32(command.bytes);
  out.u32(command.hostStride);
  out.u64(command.hostOffset);
  out.f32(command.param0);
  out.f32(command.param1);
}

bool readCommand(ByteReader &in, Command &command) {
  command.opcode = static_cast<Opcode>(in.enumValue("opcode", kNumOpcodes));
  command.acc = in.u8("acc");
  command.acc2 = in.u8("acc2");
  command.flags = in.u8("flags");
  command.function =
      static_cast<ActivationFunction>(in.enumValue("activation function", 7));
  command.readMode = static_cast<ReadMode>(in.enumValue("read mode", 2));
  command.channel = in.u16("channel");
  command.bank = in.u16("bank");
  in.reserved(2, "command padding");
  command.row = in.u32("row");
  command.column = in.u32("column");
  command.gbOffset = in.u32("gb offset");
  command.bytes = in.u32("bytes");
  command.hostStride = in.u32("host stride");
  command.hostOffset = in.u64("host offset");
  command.param0 = in.f32("param0");
  command.param1 = in.f32("param1");
  return in.ok();
}

void writeProgram(ByteWriter &out, const Program &program) {
  out.string(program.name);
  out.u32(program.slots);
  out.u32(program.inputSize);
  out.u32(program.outputSize);
  out.u64(program.arenaBytes);
  out.u32(static_cast<uint32_t>(program.regions.size()));
  for (const HostRegion &region : program.regions) {
    out.string(region.name);
    out.u8(static_cast<uint8_t>(region.kind));
    out.u8(0);
    out.u8(0);
    out.u8(0);
    out.u64(region.offset);
    out.u64(region.bytes);
    out.u64(region.init.size());
    out.raw(region.init.data(), region.init.size());
  }
  out.u32(static_cast<uint32_t>(program.commands.size()));
  for (const Command &command : program.commands)
    writeCommand(out, command);
}

bool readProgram(ByteReader &in, Program &program) {
  in.string("program name", program.name);
  program.slots = in.u32("slots");
  program.inputSize = in.u32("input size");
  program.outputSize = in.u32("output size");
  program.arenaBytes = in.u64("arena bytes");
  uint32_t regions = in.count("region count", kMinRegionBytes);
  program.regions.resize(regions);
  for (HostRegion &region : program.regions) {
    in.string("region name", region.name);
    region.kind = static_cast<HostRegion::Kind>(in.enumValue("region kind", 4));
    in.reserved(3, "region padding");
    region.offset = in.u64("region offset");
    region.bytes = in.u64("region bytes");
    uint64_t initBytes = in.u64("region init size");
    in.bytes(initBytes, "region init data", region.init);
    if (!in.ok())
      return false;
  }
  uint32_t commands = in.count("command count", kCommandBytes);
  program.commands.resize(commands);
  for (Command &command : program.commands)
    if (!readCommand(in, command))
      return false;
  return in.ok();
}

} // namespace

uint32_t crc32(const uint8_t *data, size_t size, uint32_t crc) {
  static const std::array<uint32_t, 256> table = makeCrcTable();
  crc = ~crc;
  for (size_t i = 0; i < size; ++i)
    crc = table[(crc ^ data[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

std::vector<uint8_t> encodeStream(const CommandStream &stream) {
  ByteWriter out;
  out.raw(kMagic.data(), kMagic.size());
  out.u32(kStreamVersion);
  out.u32(0); // flags
  size_t lengthAt = out.size();
  out.u64(0); // total length, patched below
  const DeviceGeometry &g = stream.geometry;
  for (uint32_t value :
       {g.channels, g.banksPerChannel, g.rowsPerBank, g.rowBytes, g.burstBytes,
        g.globalBufferBytes, g.accumulatorsPerBank})
    out.u32(value);
  out.u8(static_cast<uint8_t>(stream.storage));
  out.u8(0);
  out.u8(0);
  out.u8(0);
  out.string(stream.deviceName);
  out.u32(static_cast<uint32_t>(stream.programs.size()));
  for (const Program &program : stream.programs)
    writeProgram(out, program);
  out.u32(static_cast<uint32_t>(stream.weights.size()));
  for (const WeightSegment &segment : stream.weights) {
    out.u16(segment.channel);
    out.u16(segment.bank);
    out.u32(segment.firstRow);
    out.u32(segment.rowCount);
    out.u64(segment.data.size());
    out.raw(segment.data.data(), segment.data.size());
  }
  out.patchU64(lengthAt, out.size() + kChecksumBytes);
  out.u32(crc32(out.data(), out.size()));
  return out.take();
}

std::optional<CommandStream> decodeStream(const uint8_t *data, size_t size,
                                          std::string &error) {
  ByteReader in(data, size, error);
  // The header first, so a stream from a newer writer gets a version error
  // rather than a checksum or layout one.
  for (size_t i = 0; i < kMagic.size(); ++i) {
    uint8_t byte = in.u8("magic");
    if (!in.ok())
      return std::nullopt;
    if (byte != kMagic[i]) {
      in.failAt(i, "bad magic: not a PIM command stream");
      return std::nullopt;
    }
  }
  uint32_t version = in.u32("version");
  if (!in.ok())
    return std::nullopt;
  if (version == 0 || version > kStreamVersion) {
    in.failAt(8, "stream format version " + std::to_string(version) +
                     (version ? " is newer than this runtime reads ("
                              : " is invalid (") +
                     "newest " + std::to_string(kStreamVersion) + ")");
    return std::nullopt;
  }
  uint32_t flags = in.u32("flags");
  if (in.ok() && flags != 0) {
    in.failAt(12, "unknown flags " + std::to_string(flags));
    return std::nullopt;
  }
  uint64_t total = in.u64("stream length");
  if (!in.ok())
    return std::nullopt;
  if (total < kHeaderBytes + kChecksumBytes) {
    in.failAt(16, "stream length " + std::to_string(total) + " is too small");
    return std::nullopt;
  }
  if (total > size) {
    in.failAt(size, "truncated: the stream is " + std::to_string(total) +
                        " bytes, only " + std::to_string(size) + " present");
    return std::nullopt;
  }
  if (total < size) {
    in.failAt(total, std::to_string(size - total) +
                         " bytes of trailing data after the stream");
    return std::nullopt;
  }
  size_t body = size - kChecksumBytes;
  uint32_t stored = 0;
  for (int i = 0; i < 4; ++i)
    stored |= static_cast<uint32_t>(data[body + i]) << (8 * i);
  uint32_t computed = crc32(data, body);
  if (stored != computed) {
    char message[96];
    std::snprintf(message, sizeof(message),
                  "checksum mismatch: stored 0x%08x, computed 0x%08x", stored,
                  computed);
    in.failAt(body, message);
    return std::nullopt;
  }

  // The body: still bounds-checked (a stream can be crafted with a valid
  // checksum), but only against the bytes before the checksum.
  ByteReader sections(data, body, error);
  for (size_t skipped = 0; skipped < kHeaderBytes; ++skipped)
    sections.u8("header");
  CommandStream stream;
  DeviceGeometry &g = stream.geometry;
  for (uint32_t *field :
       {&g.channels, &g.banksPerChannel, &g.rowsPerBank, &g.rowBytes,
        &g.burstBytes, &g.globalBufferBytes, &g.accumulatorsPerBank})
    *field = sections.u32("geometry");
  stream.storage =
      static_cast<StorageType>(sections.enumValue("storage type", 2));
  sections.reserved(3, "storage padding");
  sections.string("device name", stream.deviceName);
  uint32_t programs = sections.count("program count", kMinProgramBytes);
  stream.programs.resize(programs);
  for (Program &program : stream.programs)
    if (!readProgram(sections, program))
      return std::nullopt;
  uint32_t segments = sections.count("weight segment count", kMinSegmentBytes);
  stream.weights.resize(segments);
  for (WeightSegment &segment : stream.weights) {
    segment.channel = sections.u16("segment channel");
    segment.bank = sections.u16("segment bank");
    segment.firstRow = sections.u32("segment first row");
    segment.rowCount = sections.u32("segment row count");
    uint64_t dataBytes = sections.u64("segment size");
    if (!sections.bytes(dataBytes, "segment data", segment.data))
      return std::nullopt;
  }
  if (!sections.ok())
    return std::nullopt;
  if (sections.left() != 0) {
    sections.failAt(sections.offset(), std::to_string(sections.left()) +
                                           " unread bytes before the checksum");
    return std::nullopt;
  }
  std::string problem = verifyStream(stream);
  if (!problem.empty()) {
    error = "invalid stream: " + problem;
    return std::nullopt;
  }
  return stream;
}

std::optional<CommandStream> loadStream(const std::string &path,
                                        std::string &error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = path + ": cannot open PIM command stream";
    return std::nullopt;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
  if (file.bad()) {
    error = path + ": cannot read PIM command stream";
    return std::nullopt;
  }
  std::optional<CommandStream> stream =
      decodeStream(bytes.data(), bytes.size(), error);
  if (!stream)
    error = path + ": " + error;
  return stream;
}

} // namespace moe::pim
