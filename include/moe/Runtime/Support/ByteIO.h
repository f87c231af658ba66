//===- ByteIO.h - bounds-checked little-endian binary I/O -------*- C++ -*-===//
//
// The runtime's binary containers (PIM command streams, compiled artifacts)
// are read as hostile input: every read is bounds-checked and the first
// failure names its byte offset. No MLIR here.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_RUNTIME_SUPPORT_BYTEIO_H
#define MOE_RUNTIME_SUPPORT_BYTEIO_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace moe::support {

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

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib computes
/// it), continued from `crc`.
inline uint32_t crc32(const uint8_t *data, size_t size, uint32_t crc = 0) {
  static const auto table = [] {
    std::array<uint32_t, 256> entries{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t value = i;
      for (int bit = 0; bit < 8; ++bit)
        value = (value & 1u) ? (value >> 1) ^ 0xEDB88320u : value >> 1;
      entries[i] = value;
    }
    return entries;
  }();
  crc = ~crc;
  for (size_t i = 0; i < size; ++i)
    crc = table[(crc ^ data[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

} // namespace moe::support

#endif // MOE_RUNTIME_SUPPORT_BYTEIO_H
