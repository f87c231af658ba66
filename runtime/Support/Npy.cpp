//===- Npy.cpp - NumPy .npy arrays of floats ------------------------------===//
//
// The header is a Python dict literal; this reads the subset NumPy writes
// (string keys; string, bool and integer-tuple values) and rejects
// anything else with the offset of the offending character.
//
//===----------------------------------------------------------------------===//

#include "moe/Runtime/Support/Npy.h"

#include "moe/Runtime/PIM/CommandStream.h"

#include <cstring>
#include <fstream>
#include <iterator>

namespace moe::runtime {

uint64_t NpyArray::elements() const {
  uint64_t count = 1;
  for (uint64_t extent : shape)
    count *= extent;
  return count;
}

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicBytes = 6;

/// The header dict: `text` starts at byte `base` of the file.
class HeaderParser {
public:
  HeaderParser(std::string_view text, size_t base, std::string &error)
      : text_(text), base_(base), error_(error) {}

  bool parse(std::string &descr, bool &fortran, std::vector<uint64_t> &shape) {
    bool haveDescr = false, haveFortran = false, haveShape = false;
    if (!expect('{'))
      return false;
    while (true) {
      skipSpace();
      if (peek() == '}')
        break;
      size_t keyAt = pos_;
      std::string key;
      if (!string(key) || !expect(':'))
        return false;
      skipSpace();
      if (key == "descr") {
        if (!string(descr))
          return false;
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (!boolean(fortran))
          return false;
        haveFortran = true;
      } else if (key == "shape") {
        if (!tuple(shape))
          return false;
        haveShape = true;
      } else {
        return fail(keyAt, "unknown header key '" + key + "'");
      }
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}')
        return fail(pos_, "expected ',' or '}' in the header");
    }
    if (!haveDescr || !haveFortran || !haveShape)
      return fail(pos_, std::string("header lacks '") +
                            (!haveDescr     ? "descr"
                             : !haveFortran ? "fortran_order"
                                            : "shape") +
                            "'");
    return true;
  }

private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n'))
      ++pos_;
  }
  bool fail(size_t at, const std::string &message) {
    error_ = "at byte " + std::to_string(base_ + at) + ": " + message;
    return false;
  }
  bool expect(char c) {
    skipSpace();
    if (peek() != c)
      return fail(pos_, std::string("expected '") + c + "' in the header");
    ++pos_;
    return true;
  }
  bool string(std::string &out) {
    skipSpace();
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return fail(pos_, "expected a quoted string in the header");
    size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos)
      return fail(pos_, "unterminated string in the header");
    out = std::string(text_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return true;
  }
  bool boolean(bool &out) {
    if (text_.substr(pos_, 4) == "True") {
      out = true;
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      out = false;
      pos_ += 5;
      return true;
    }
    return fail(pos_, "expected True or False in the header");
  }
  bool tuple(std::vector<uint64_t> &out) {
    if (!expect('('))
      return false;
    while (true) {
      skipSpace();
      if (peek() == ')') {
        ++pos_;
        return true;
      }
      if (peek() < '0' || peek() > '9')
        return fail(pos_, "expected a dimension in the shape");
      uint64_t value = 0;
      while (peek() >= '0' && peek() <= '9') {
        if (value > (uint64_t(1) << 40))
          return fail(pos_, "dimension too large");
        value = value * 10 + uint64_t(peek() - '0');
        ++pos_;
      }
      out.push_back(value);
      skipSpace();
      if (peek() == ',')
        ++pos_;
      else if (peek() != ')')
        return fail(pos_, "expected ',' or ')' in the shape");
    }
  }

  std::string_view text_;
  size_t base_;
  size_t pos_ = 0;
  std::string &error_;
};

} // namespace

std::optional<NpyArray> decodeNpy(const uint8_t *data, size_t size,
                                  std::string &error) {
  if (size < kMagicBytes + 2 || std::memcmp(data, kMagic, kMagicBytes) != 0) {
    error = "at byte 0: not a .npy file (bad magic)";
    return std::nullopt;
  }
  uint8_t major = data[6];
  if (major < 1 || major > 3) {
    error = "at byte 6: unsupported .npy version " + std::to_string(major) +
            "." + std::to_string(data[7]);
    return std::nullopt;
  }
  size_t lengthBytes = major == 1 ? 2 : 4;
  size_t headerAt = 8 + lengthBytes;
  if (size < headerAt) {
    error = "at byte 8: truncated header length";
    return std::nullopt;
  }
  uint64_t headerBytes = 0;
  for (size_t i = 0; i < lengthBytes; ++i)
    headerBytes |= uint64_t(data[8 + i]) << (8 * i);
  if (headerBytes > size - headerAt) {
    error = "at byte " + std::to_string(headerAt) +
            ": truncated header: " + std::to_string(headerBytes) +
            " bytes declared, " + std::to_string(size - headerAt) + " present";
    return std::nullopt;
  }
  std::string descr;
  bool fortran = false;
  NpyArray array;
  HeaderParser parser(
      std::string_view(reinterpret_cast<const char *>(data) + headerAt,
                       headerBytes),
      headerAt, error);
  if (!parser.parse(descr, fortran, array.shape))
    return std::nullopt;
  if (fortran) {
    error = "at byte " + std::to_string(headerAt) +
            ": Fortran-order arrays are not supported (C order only)";
    return std::nullopt;
  }
  size_t elementBytes = descr == "<f4"   ? 4
                        : descr == "<f2" ? 2
                        : descr == "<f8" ? 8
                                         : 0;
  if (!elementBytes) {
    error = "at byte " + std::to_string(headerAt) + ": unsupported dtype '" +
            descr + "' (little-endian float: '<f4', '<f2' or '<f8')";
    return std::nullopt;
  }
  // elements() wraps around on a shape whose product does not fit 64 bits;
  // such a shape could pass the size check below with little or no data.
  uint64_t count = 1;
  for (uint64_t extent : array.shape)
    if (__builtin_mul_overflow(count, extent, &count)) {
      error = "at byte " + std::to_string(headerAt) +
              ": the shape's element count does not fit in 64 bits";
      return std::nullopt;
    }
  size_t payloadAt = headerAt + headerBytes;
  unsigned __int128 want = static_cast<unsigned __int128>(count) * elementBytes;
  if (want != size - payloadAt) {
    error = "at byte " + std::to_string(payloadAt) + ": shape needs " +
            std::to_string(static_cast<uint64_t>(
                want > ~uint64_t(0) ? ~uint64_t(0) : uint64_t(want))) +
            " bytes of data, the file has " + std::to_string(size - payloadAt);
    return std::nullopt;
  }
  array.data.resize(count);
  const uint8_t *payload = data + payloadAt;
  for (uint64_t i = 0; i < count; ++i) {
    if (elementBytes == 4) {
      std::memcpy(&array.data[i], payload + 4 * i, 4);
    } else if (elementBytes == 2) {
      uint16_t bits;
      std::memcpy(&bits, payload + 2 * i, 2);
      array.data[i] = pim::fromStorage(bits, pim::StorageType::F16);
    } else {
      double value;
      std::memcpy(&value, payload + 8 * i, 8);
      array.data[i] = static_cast<float>(value);
    }
  }
  return array;
}

std::optional<NpyArray> loadNpy(const std::string &path, std::string &error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = path + ": cannot open .npy file";
    return std::nullopt;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
  std::optional<NpyArray> array = decodeNpy(bytes.data(), bytes.size(), error);
  if (!array)
    error = path + ": " + error;
  return array;
}

std::vector<uint8_t> encodeNpy(const NpyArray &array) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < array.shape.size(); ++i)
    header += std::to_string(array.shape[i]) + ", ";
  if (!array.shape.empty()) // "(3,)" and "(2, 3)", as NumPy writes them
    header.erase(header.size() - 1);
  if (array.shape.size() > 1)
    header.erase(header.size() - 1);
  header += "), }";
  // Version 1 has a 16-bit header length; a header longer than that (a
  // shape of thousands of dimensions) needs version 2's 32 bits.
  bool wide = header.size() + 64 > 0xFFFF;
  size_t prefix = wide ? 12 : 10;
  // Magic, version, length and header pad to a multiple of 64, ending "\n".
  size_t total = prefix + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::vector<uint8_t> bytes(kMagic, kMagic + kMagicBytes);
  bytes.push_back(wide ? 2 : 1);
  bytes.push_back(0);
  for (size_t i = 0; i < prefix - 8; ++i)
    bytes.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  bytes.insert(bytes.end(), header.begin(), header.end());
  size_t at = bytes.size();
  bytes.resize(at + 4 * array.data.size());
  // An empty vector's data() may be null, which memcpy must not get.
  if (!array.data.empty())
    std::memcpy(bytes.data() + at, array.data.data(), 4 * array.data.size());
  return bytes;
}

bool saveNpy(const std::string &path, const NpyArray &array,
             std::string &error) {
  std::vector<uint8_t> bytes = encodeNpy(array);
  std::ofstream file(path, std::ios::binary);
  if (file)
    file.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  if (!file) {
    error = path + ": cannot write .npy file";
    return false;
  }
  return true;
}

} // namespace moe::runtime
