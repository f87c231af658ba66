//===- WireFormatCheck.cpp - where a protobuf stops making sense ----------===//
//
// protobuf's parser only says that a message failed to parse. To name the
// byte offset of the defect, walk the wire format of the ModelProto's
// top-level fields and report the first key, varint or length that runs past
// the end of the buffer (a truncated file shows as a field claiming more
// bytes than remain).
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include <cstdint>
#include <string>

namespace moe::onnx_import {
namespace {

/// Reads a varint at `pos`; false if it runs off the end or exceeds 64 bits.
bool readVarint(const uint8_t *data, size_t size, size_t &pos,
                uint64_t &value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= size)
      return false;
    uint8_t byte = data[pos++];
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80))
      return true;
  }
  return false;
}

/// "field 7 (graph)": the ModelProto fields a defect most often hits.
std::string fieldName(uint64_t field) {
  const char *name = nullptr;
  switch (field) {
  case 1:
    name = "ir_version";
    break;
  case 2:
    name = "producer_name";
    break;
  case 7:
    name = "graph";
    break;
  case 8:
    name = "opset_import";
    break;
  case 14:
    name = "metadata_props";
    break;
  case 25:
    name = "functions";
    break;
  }
  std::string text = "field " + std::to_string(field);
  return name ? text + " (" + name + ")" : text;
}

} // namespace

std::string describeWireFormatDefect(const uint8_t *data, size_t size) {
  size_t pos = 0;
  while (pos < size) {
    size_t fieldStart = pos;
    uint64_t key;
    if (!readVarint(data, size, pos, key))
      return "at byte " + std::to_string(fieldStart) +
             ": a field key runs past the end of the data";
    uint64_t field = key >> 3, wireType = key & 7;
    if (field == 0)
      return "at byte " + std::to_string(fieldStart) +
             ": field number 0 is invalid";
    uint64_t value;
    switch (wireType) {
    case 0: // varint
      if (!readVarint(data, size, pos, value))
        return "at byte " + std::to_string(fieldStart) + ": " +
               fieldName(field) + "'s varint runs past the end";
      break;
    case 1: // 64-bit
    case 5: // 32-bit
      pos += wireType == 1 ? 8 : 4;
      if (pos > size)
        return "at byte " + std::to_string(fieldStart) + ": " +
               fieldName(field) + " needs " + (wireType == 1 ? "8" : "4") +
               " bytes, " + std::to_string(size - fieldStart) + " remain";
      break;
    case 2: { // length-delimited
      if (!readVarint(data, size, pos, value))
        return "at byte " + std::to_string(fieldStart) + ": " +
               fieldName(field) + "'s length runs past the end";
      if (value > size - pos)
        return "at byte " + std::to_string(fieldStart) + ": " +
               fieldName(field) + " claims " + std::to_string(value) +
               " bytes, " + std::to_string(size - pos) + " remain";
      pos += value;
      break;
    }
    default:
      return "at byte " + std::to_string(fieldStart) + ": " + fieldName(field) +
             " has invalid wire type " + std::to_string(wireType);
    }
  }
  return "";
}

} // namespace moe::onnx_import
