//===- NpyTest.cpp - .npy reading and writing -----------------------------===//

#include "moe/Runtime/Support/Npy.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace moe::runtime;

namespace {

std::vector<uint8_t> npyFile(const std::string &header,
                             const std::vector<uint8_t> &payload,
                             uint8_t major = 1) {
  std::vector<uint8_t> bytes = {0x93, 'N', 'U', 'M', 'P', 'Y', major, 0};
  uint32_t length = static_cast<uint32_t>(header.size());
  for (int i = 0; i < (major == 1 ? 2 : 4); ++i)
    bytes.push_back(static_cast<uint8_t>(length >> (8 * i)));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  return bytes;
}

std::string decodeError(const std::vector<uint8_t> &bytes) {
  std::string error;
  EXPECT_FALSE(decodeNpy(bytes.data(), bytes.size(), error));
  return error;
}

TEST(NpyTest, RoundTripsFloat32) {
  NpyArray array;
  array.shape = {2, 3};
  array.data = {1, -2, 3.5f, 0, 1e-30f, 7};
  std::vector<uint8_t> bytes = encodeNpy(array);
  EXPECT_EQ((bytes.size() - 4 * 6) % 64, 0u); // header padded as NumPy does
  std::string header(bytes.begin() + 10, bytes.end() - 24);
  EXPECT_EQ(header.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': "
                         "(2, 3), }",
                         0),
            0u);
  std::string error;
  std::optional<NpyArray> read = decodeNpy(bytes.data(), bytes.size(), error);
  ASSERT_TRUE(read) << error;
  EXPECT_EQ(read->shape, array.shape);
  EXPECT_EQ(read->data, array.data);
  array.shape = {6};
  bytes = encodeNpy(array);
  EXPECT_NE(std::string(bytes.begin(), bytes.end()).find("'shape': (6,), }"),
            std::string::npos);
}

TEST(NpyTest, ReadsHalfDoubleAndVersion2) {
  std::vector<uint8_t> half = {0x00, 0x3C, 0x00, 0xC0}; // 1, -2
  std::string error;
  std::vector<uint8_t> bytes = npyFile(
      "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }\n", half, 2);
  std::optional<NpyArray> read = decodeNpy(bytes.data(), bytes.size(), error);
  ASSERT_TRUE(read) << error;
  EXPECT_EQ(read->data, (std::vector<float>{1, -2}));
  double value = 0.25;
  std::vector<uint8_t> payload(8);
  std::memcpy(payload.data(), &value, 8);
  bytes = npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                  payload);
  read = decodeNpy(bytes.data(), bytes.size(), error);
  ASSERT_TRUE(read) << error;
  EXPECT_TRUE(read->shape.empty());
  EXPECT_EQ(read->data, (std::vector<float>{0.25f}));
}

TEST(NpyTest, ErrorsNameTheByte) {
  EXPECT_EQ(decodeError({'x'}), "at byte 0: not a .npy file (bad magic)");
  EXPECT_EQ(decodeError(npyFile("{}", {}, 4)),
            "at byte 6: unsupported .npy version 4.0");
  std::vector<uint8_t> truncated = npyFile("{'descr': '<f4'", {});
  truncated.resize(14);
  EXPECT_EQ(decodeError(truncated),
            "at byte 10: truncated header: 15 bytes declared, 4 present");
  EXPECT_EQ(decodeError(npyFile(
                "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
                {0, 0, 0, 0})),
            "at byte 10: unsupported dtype '>f4' (little-endian float: "
            "'<f4', '<f2' or '<f8')");
  EXPECT_EQ(decodeError(npyFile(
                "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }",
                {0, 0, 0, 0})),
            "at byte 10: Fortran-order arrays are not supported (C order "
            "only)");
  EXPECT_EQ(decodeError(npyFile(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                {0, 0, 0, 0})),
            "at byte 67: shape needs 8 bytes of data, the file has 4");
  EXPECT_EQ(decodeError(npyFile("{'descr': '<f4', 'shape': (2,), }", {})),
            "at byte 42: header lacks 'fortran_order'");
  EXPECT_EQ(decodeError(npyFile("{'descr': '<f4', 'shape': (2;), }", {})),
            "at byte 38: expected ',' or ')' in the shape");
  EXPECT_EQ(decodeError(npyFile("{'kind': 3}", {})),
            "at byte 11: unknown header key 'kind'");
  // 2^40 * 2^21 * 8 wraps to 0 elements: rejected, not read as empty.
  EXPECT_EQ(decodeError(npyFile("{'descr': '<f4', 'fortran_order': False, "
                                "'shape': (1099511627776, 2097152, 8), }",
                                {})),
            "at byte 10: the shape's element count does not fit in 64 bits");
}

// Found by the npy fuzzer (test/Fuzz/regressions/npy).
TEST(NpyTest, EncodesEmptyArraysAndLongHeaders) {
  NpyArray empty;
  empty.shape = {0, 4};
  std::vector<uint8_t> bytes = encodeNpy(empty);
  std::string error;
  std::optional<NpyArray> read = decodeNpy(bytes.data(), bytes.size(), error);
  ASSERT_TRUE(read) << error;
  EXPECT_EQ(read->shape, empty.shape);
  EXPECT_TRUE(read->data.empty());

  // 25000 dimensions: a header over version 1's 64 KiB limit.
  NpyArray deep;
  deep.shape.assign(25000, 1);
  deep.shape.back() = 2;
  deep.data = {1.5f, -2};
  bytes = encodeNpy(deep);
  EXPECT_EQ(bytes[6], 2); // version 2.0
  EXPECT_EQ(bytes.size() % 64, 8u);
  read = decodeNpy(bytes.data(), bytes.size(), error);
  ASSERT_TRUE(read) << error;
  EXPECT_EQ(read->shape, deep.shape);
  EXPECT_EQ(read->data, deep.data);
}

} // namespace
