//===- StorageConversion.cpp - fp32 <-> bf16 / fp16 -----------------------===//
//
// Both conversions round to nearest, ties to even, as the compiler's weight
// image and the simulator's MVGB must agree bit for bit. NaN stays NaN
// (quiet), overflow goes to infinity, fp16 keeps subnormals.
//
//===----------------------------------------------------------------------===//

#include "moe/Runtime/PIM/CommandStream.h"

#include <cstring>

namespace moe::pim {

namespace {

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

float floatOf(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

uint16_t toBf16(float value) {
  uint32_t bits = bitsOf(value);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) // NaN: keep the sign, force quiet
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);
  // Adding 0x7FFF plus the lowest kept bit rounds half to even; a carry out
  // of the mantissa correctly bumps the exponent (up to infinity).
  uint32_t lsb = (bits >> 16) & 1u;
  bits += 0x7FFFu + lsb;
  return static_cast<uint16_t>(bits >> 16);
}

uint16_t toF16(float value) {
  uint32_t bits = bitsOf(value);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude > 0x7F800000u) // NaN
    return sign | 0x7E00u;
  if (magnitude >= 0x477FF000u) // >= 65520 rounds to infinity
    return sign | 0x7C00u;
  int exponent = static_cast<int>(magnitude >> 23) - 127;
  uint32_t mantissa = (magnitude & 0x7FFFFFu) | 0x800000u; // 24 bits
  // The fp16 result, as an integer count of its ulp, is mantissa >> shift.
  int shift;
  uint16_t base;
  if (exponent >= -14) { // normal fp16: 10 fraction bits kept
    shift = 13;
    base = static_cast<uint16_t>((exponent + 15) << 10);
    mantissa &= 0x7FFFFFu; // the implicit bit is in `base`
  } else {                 // subnormal: ulp 2^-24
    // value = mantissa * 2^(exponent-23); in units of 2^-24 that is
    // mantissa * 2^(exponent+1), i.e. mantissa >> (-exponent - 1).
    shift = -1 - exponent;
    base = 0;
    if (shift > 24 + 1) // far below half the smallest subnormal
      return sign;
  }
  uint32_t kept = mantissa >> shift;
  uint32_t rest = mantissa & ((1u << shift) - 1u);
  uint32_t half = 1u << (shift - 1);
  if (rest > half || (rest == half && (kept & 1u)))
    ++kept; // a carry into the exponent field is the right next value
  return static_cast<uint16_t>(sign | (base + kept));
}

float fromF16(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  uint32_t exponent = (bits >> 10) & 0x1Fu;
  uint32_t fraction = bits & 0x3FFu;
  if (exponent == 0x1F) // inf / NaN
    return floatOf(sign | 0x7F800000u | (fraction << 13));
  if (exponent != 0)
    return floatOf(sign | ((exponent + 112) << 23) | (fraction << 13));
  if (fraction == 0)
    return floatOf(sign);
  // Subnormal: fraction * 2^-24, exact in fp32.
  float magnitude = static_cast<float>(fraction) * 5.9604644775390625e-8f;
  return sign ? -magnitude : magnitude;
}

} // namespace

uint16_t toStorage(float value, StorageType type) {
  return type == StorageType::BF16 ? toBf16(value) : toF16(value);
}

float fromStorage(uint16_t bits, StorageType type) {
  if (type == StorageType::BF16)
    return floatOf(static_cast<uint32_t>(bits) << 16);
  return fromF16(bits);
}

} // namespace moe::pim
