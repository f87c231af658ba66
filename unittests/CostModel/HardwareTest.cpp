//===- HardwareTest.cpp - built-in and JSON hardware descriptors ----------===//
//
// The built-in numbers are the ones BuiltinHardware.cpp cites; user JSON is
// converted to SI units and every kind of mistake in it gets a message that
// names the descriptor and the field.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModel/Hardware.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

using namespace moe::cost;

namespace {

/// Equal up to rounding: the tables multiply in a different order than
/// these expectations.
void expectClose(double actual, double expected) {
  EXPECT_NEAR(actual, expected, std::abs(expected) * 1e-12)
      << "actual " << actual << ", expected " << expected;
}

/// The error of parsing `text`, which must fail.
std::string parseError(const std::string &text) {
  std::string error;
  std::optional<HardwareSet> set = parseHardwareJson(text, error);
  EXPECT_FALSE(set) << "parsed: " << text;
  EXPECT_FALSE(error.empty());
  return error;
}

constexpr const char *kGpu = R"({"kind": "gpu", "name": "my-gpu",
    "peak_tflops": 100, "memory_tbps": 2.5, "launch_us": 3})";
constexpr const char *kPim = R"({"kind": "pim", "name": "my-pim",
    "type": "bank-group", "stacks": 4, "channels_per_stack": 16,
    "banks_per_channel": 8, "external_tbps": 1.5, "internal_tbps": 6,
    "peak_tflops": 6, "command_overhead_us": 0.25})";
constexpr const char *kLink = R"({"kind": "link", "name": "my-link",
    "bandwidth_gbps": 128, "latency_us": 1.5})";

/// `descriptor` with `field`'s value text replaced (the field must exist).
std::string withField(std::string descriptor, const std::string &field,
                      const std::string &value) {
  std::string key = "\"" + field + "\": ";
  size_t start = descriptor.find(key);
  EXPECT_NE(start, std::string::npos) << field;
  start += key.size();
  size_t end = descriptor.find_first_of(",}", start);
  return descriptor.replace(start, end - start, value);
}

/// `descriptor` without `field` (the field must exist and not be last).
std::string withoutField(std::string descriptor, const std::string &field) {
  std::string key = "\"" + field + "\": ";
  size_t start = descriptor.find(key);
  EXPECT_NE(start, std::string::npos) << field;
  size_t end = descriptor.find(',', start);
  return descriptor.erase(start, end + 1 - start);
}

TEST(BuiltinHardwareTest, GpusMatchTheirDatasheets) {
  std::optional<GpuDescriptor> h100 = findGpu("h100");
  ASSERT_TRUE(h100);
  expectClose(h100->peakFlops, 989.4e12);
  expectClose(h100->memoryBandwidth, 3.35e12);
  // The launch overhead is an assumption (microseconds), not a datasheet
  // number: only its range is checked.
  EXPECT_GT(h100->launchOverhead, 0.5e-6);
  EXPECT_LT(h100->launchOverhead, 20e-6);
  std::optional<GpuDescriptor> h200 = findGpu("h200");
  ASSERT_TRUE(h200);
  expectClose(h200->peakFlops, 989.4e12);
  expectClose(h200->memoryBandwidth, 4.8e12);
  std::optional<GpuDescriptor> b200 = findGpu("b200");
  ASSERT_TRUE(b200);
  expectClose(b200->peakFlops, 2250e12);
  expectClose(b200->memoryBandwidth, 8e12);
  std::optional<GpuDescriptor> a100 = findGpu("a100");
  ASSERT_TRUE(a100);
  expectClose(a100->peakFlops, 312e12);
  expectClose(a100->memoryBandwidth, 2.039e12);
}

TEST(BuiltinHardwareTest, PimsMatchTheirSources) {
  std::optional<PimDescriptor> hbm3e = findPim("hbm3e-pim");
  ASSERT_TRUE(hbm3e);
  EXPECT_EQ(hbm3e->kind, PimKind::BankLevel);
  EXPECT_EQ(hbm3e->stacks, 8u);
  EXPECT_EQ(hbm3e->channelsPerStack, 32u);
  EXPECT_EQ(hbm3e->banksPerChannel, 24u);
  EXPECT_EQ(hbm3e->channels(), 256u);
  // 1024 pins x 8 Gb/s per stack; 16 GB/s per bank x 768 banks x 9/16.
  expectClose(hbm3e->externalBandwidth, 8.192e12);
  expectClose(hbm3e->internalBandwidth, 8 * 768 * 16e9 * 9 / 16);
  expectClose(hbm3e->peakFlops, 8 * 768 * 16e9 * 9 / 16);
  // An estimate that measurements replace: a fraction of a microsecond.
  EXPECT_GT(hbm3e->commandOverhead, 0);
  EXPECT_LT(hbm3e->commandOverhead, 2e-6);

  std::optional<PimDescriptor> hbm3 = findPim("hbm3-pim");
  ASSERT_TRUE(hbm3);
  EXPECT_EQ(hbm3->kind, PimKind::BankLevel);
  EXPECT_EQ(hbm3->channels(), 5u * 32u);
  expectClose(hbm3->externalBandwidth, 5 * 670.4e9);
  expectClose(hbm3->internalBandwidth, 5 * 670.4e9 * 9);

  std::optional<PimDescriptor> logic = findPim("logic-pim");
  ASSERT_TRUE(logic);
  EXPECT_EQ(logic->kind, PimKind::LogicDie);
  expectClose(logic->internalBandwidth, 5 * 4 * 670.4e9);
  expectClose(logic->peakFlops, 5 * 21.3e12);

  std::optional<PimDescriptor> aim = findPim("gddr6-aim");
  ASSERT_TRUE(aim);
  EXPECT_EQ(aim->channels(), 32u);
  expectClose(aim->externalBandwidth, 32 * 32e9);
  expectClose(aim->internalBandwidth, 16 * 32 * 32e9);

  std::optional<PimDescriptor> hbm2 = findPim("hbm2-pim");
  ASSERT_TRUE(hbm2);
  expectClose(hbm2->externalBandwidth, 4 * 307.2e9);
  expectClose(hbm2->peakFlops, 4 * 1.2e12);
}

TEST(BuiltinHardwareTest, LinksMatchTheirSources) {
  std::optional<LinkDescriptor> nvlink = findLink("nvlink");
  ASSERT_TRUE(nvlink);
  expectClose(nvlink->bandwidth, 900e9);
  expectClose(nvlink->latency, 0.8e-6);
  std::optional<LinkDescriptor> pcie = findLink("pcie5");
  ASSERT_TRUE(pcie);
  expectClose(pcie->bandwidth, 64e9);
  expectClose(pcie->latency, 1e-6);
}

TEST(BuiltinHardwareTest, EveryNumberIsPositiveAndNamesAreUnique) {
  std::set<std::string> names;
  for (const GpuDescriptor &gpu : builtinGpus()) {
    EXPECT_TRUE(names.insert(gpu.name).second) << gpu.name;
    EXPECT_GT(gpu.peakFlops, 0) << gpu.name;
    EXPECT_GT(gpu.memoryBandwidth, 0) << gpu.name;
    EXPECT_GT(gpu.launchOverhead, 0) << gpu.name;
    EXPECT_TRUE(findGpu(gpu.name)) << gpu.name;
  }
  for (const PimDescriptor &pim : builtinPims()) {
    EXPECT_TRUE(names.insert(pim.name).second) << pim.name;
    EXPECT_GT(pim.stacks, 0u) << pim.name;
    EXPECT_GT(pim.channelsPerStack, 0u) << pim.name;
    EXPECT_GT(pim.banksPerChannel, 0u) << pim.name;
    EXPECT_GT(pim.externalBandwidth, 0) << pim.name;
    // PIM exists to read faster inside than the pins allow.
    EXPECT_GT(pim.internalBandwidth, pim.externalBandwidth) << pim.name;
    EXPECT_GT(pim.peakFlops, 0) << pim.name;
    EXPECT_GT(pim.commandOverhead, 0) << pim.name;
    EXPECT_TRUE(findPim(pim.name)) << pim.name;
  }
  for (const LinkDescriptor &link : builtinLinks()) {
    EXPECT_TRUE(names.insert(link.name).second) << link.name;
    EXPECT_GT(link.bandwidth, 0) << link.name;
    EXPECT_GT(link.latency, 0) << link.name;
    EXPECT_TRUE(findLink(link.name)) << link.name;
  }
  EXPECT_FALSE(findGpu("H100")) << "names are case-sensitive";
  EXPECT_FALSE(findPim("h100"));
}

TEST(HardwareJsonTest, ConvertsDatasheetUnitsToSI) {
  std::string error;
  std::optional<HardwareSet> set = parseHardwareJson(
      std::string("[") + kGpu + ", " + kPim + ", " + kLink + "]", error);
  ASSERT_TRUE(set) << error;
  ASSERT_EQ(set->gpus.size(), 1u);
  ASSERT_EQ(set->pims.size(), 1u);
  ASSERT_EQ(set->links.size(), 1u);

  const GpuDescriptor &gpu = set->gpus[0];
  EXPECT_EQ(gpu.name, "my-gpu");
  expectClose(gpu.peakFlops, 100e12);
  expectClose(gpu.memoryBandwidth, 2.5e12);
  expectClose(gpu.launchOverhead, 3e-6);

  const PimDescriptor &pim = set->pims[0];
  EXPECT_EQ(pim.name, "my-pim");
  EXPECT_EQ(pim.kind, PimKind::BankGroup);
  EXPECT_EQ(pim.stacks, 4u);
  EXPECT_EQ(pim.channelsPerStack, 16u);
  EXPECT_EQ(pim.banksPerChannel, 8u);
  expectClose(pim.externalBandwidth, 1.5e12);
  expectClose(pim.internalBandwidth, 6e12);
  expectClose(pim.peakFlops, 6e12);
  expectClose(pim.commandOverhead, 0.25e-6);

  const LinkDescriptor &link = set->links[0];
  EXPECT_EQ(link.name, "my-link");
  expectClose(link.bandwidth, 128e9);
  expectClose(link.latency, 1.5e-6);
}

TEST(HardwareJsonTest, AcceptsOneObjectAndEmptyArray) {
  std::string error;
  std::optional<HardwareSet> set = parseHardwareJson(kLink, error);
  ASSERT_TRUE(set) << error;
  EXPECT_EQ(set->links.size(), 1u);
  EXPECT_TRUE(set->gpus.empty());

  set = parseHardwareJson(" [ ] ", error);
  ASSERT_TRUE(set) << error;
  EXPECT_TRUE(set->gpus.empty() && set->pims.empty() && set->links.empty());
}

TEST(HardwareJsonTest, ReadsEveryPimTypeAndZeroOverheads) {
  const std::pair<const char *, PimKind> types[] = {
      {"\"bank-level\"", PimKind::BankLevel},
      {"\"bank-group\"", PimKind::BankGroup},
      {"\"logic-die\"", PimKind::LogicDie}};
  for (const auto &[type, kind] : types) {
    std::string error;
    std::optional<HardwareSet> set =
        parseHardwareJson(withField(kPim, "type", type), error);
    ASSERT_TRUE(set) << error;
    EXPECT_EQ(set->pims[0].kind, kind) << type;
  }
  std::string error;
  std::optional<HardwareSet> set =
      parseHardwareJson("[" + withField(kGpu, "launch_us", "0") + "," +
                            withField(kPim, "command_overhead_us", "0.0") +
                            "," + withField(kLink, "latency_us", "0") + "]",
                        error);
  ASSERT_TRUE(set) << error;
  EXPECT_EQ(set->gpus[0].launchOverhead, 0);
  EXPECT_EQ(set->pims[0].commandOverhead, 0);
  EXPECT_EQ(set->links[0].latency, 0);
}

/// Every built-in, written out in datasheet units and read back.
TEST(HardwareJsonTest, BuiltinsRoundTripThroughJson) {
  auto number = [](double value) {
    char buffer[40];
    std::snprintf(buffer, sizeof(buffer), "%.17g", value);
    return std::string(buffer);
  };
  auto pimType = [](PimKind kind) {
    switch (kind) {
    case PimKind::BankLevel:
      return "bank-level";
    case PimKind::BankGroup:
      return "bank-group";
    case PimKind::LogicDie:
      return "logic-die";
    }
    return "?";
  };
  std::string text = "[";
  for (const GpuDescriptor &gpu : builtinGpus())
    text += "{\"kind\": \"gpu\", \"name\": \"" + gpu.name +
            "\", \"peak_tflops\": " + number(gpu.peakFlops / 1e12) +
            ", \"memory_tbps\": " + number(gpu.memoryBandwidth / 1e12) +
            ", \"launch_us\": " + number(gpu.launchOverhead / 1e-6) + "},\n";
  for (const PimDescriptor &pim : builtinPims())
    text +=
        "{\"kind\": \"pim\", \"name\": \"" + pim.name + "\", \"type\": \"" +
        pimType(pim.kind) + "\", \"stacks\": " + std::to_string(pim.stacks) +
        ", \"channels_per_stack\": " + std::to_string(pim.channelsPerStack) +
        ", \"banks_per_channel\": " + std::to_string(pim.banksPerChannel) +
        ", \"external_tbps\": " + number(pim.externalBandwidth / 1e12) +
        ", \"internal_tbps\": " + number(pim.internalBandwidth / 1e12) +
        ", \"peak_tflops\": " + number(pim.peakFlops / 1e12) +
        ", \"command_overhead_us\": " + number(pim.commandOverhead / 1e-6) +
        "},\n";
  for (const LinkDescriptor &link : builtinLinks())
    text += "{\"kind\": \"link\", \"name\": \"" + link.name +
            "\", \"bandwidth_gbps\": " + number(link.bandwidth / 1e9) +
            ", \"latency_us\": " + number(link.latency / 1e-6) + "},\n";
  text.erase(text.size() - 2);
  text += "]";

  std::string error;
  std::optional<HardwareSet> set = parseHardwareJson(text, error);
  ASSERT_TRUE(set) << error;
  ASSERT_EQ(set->gpus.size(), builtinGpus().size());
  ASSERT_EQ(set->pims.size(), builtinPims().size());
  ASSERT_EQ(set->links.size(), builtinLinks().size());
  for (size_t i = 0; i < set->gpus.size(); ++i) {
    const GpuDescriptor &read = set->gpus[i], &builtin = builtinGpus()[i];
    EXPECT_EQ(read.name, builtin.name);
    expectClose(read.peakFlops, builtin.peakFlops);
    expectClose(read.memoryBandwidth, builtin.memoryBandwidth);
    expectClose(read.launchOverhead, builtin.launchOverhead);
  }
  for (size_t i = 0; i < set->pims.size(); ++i) {
    const PimDescriptor &read = set->pims[i], &builtin = builtinPims()[i];
    EXPECT_EQ(read.name, builtin.name);
    EXPECT_EQ(read.kind, builtin.kind);
    EXPECT_EQ(read.stacks, builtin.stacks);
    EXPECT_EQ(read.channelsPerStack, builtin.channelsPerStack);
    EXPECT_EQ(read.banksPerChannel, builtin.banksPerChannel);
    expectClose(read.externalBandwidth, builtin.externalBandwidth);
    expectClose(read.internalBandwidth, builtin.internalBandwidth);
    expectClose(read.peakFlops, builtin.peakFlops);
    expectClose(read.commandOverhead, builtin.commandOverhead);
  }
  for (size_t i = 0; i < set->links.size(); ++i) {
    const LinkDescriptor &read = set->links[i], &builtin = builtinLinks()[i];
    EXPECT_EQ(read.name, builtin.name);
    expectClose(read.bandwidth, builtin.bandwidth);
    expectClose(read.latency, builtin.latency);
  }
}

TEST(HardwareJsonTest, MalformedJsonGivesTheByteOffset) {
  // nlohmann counts bytes from 1: the '}' after the trailing comma is the
  // 16th.
  EXPECT_EQ(parseError(R"({"kind": "gpu",})"),
            "malformed JSON at byte 16: parse error at line 1, column 16: "
            "syntax error while parsing object key - unexpected '}'; "
            "expected string literal");
  EXPECT_NE(parseError("").find("malformed JSON at byte 1:"),
            std::string::npos);
  EXPECT_NE(parseError("[{}] trailing").find("malformed JSON at byte"),
            std::string::npos);
}

TEST(HardwareJsonTest, OverflowingNumbersAreRejected) {
  // nlohmann rejects numbers that do not fit a double while parsing, so no
  // infinity ever reaches the descriptor.
  std::string error = parseError(withField(kGpu, "peak_tflops", "1e999"));
  EXPECT_NE(error.find("malformed JSON at byte"), std::string::npos) << error;
  EXPECT_NE(error.find("number overflow parsing '1e999'"), std::string::npos)
      << error;
  error = parseError(withField(kLink, "latency_us", "-1e400"));
  EXPECT_NE(error.find("'-1e400'"), std::string::npos) << error;
}

TEST(HardwareJsonTest, DocumentMustHoldObjects) {
  EXPECT_EQ(parseError("42"),
            "expected a descriptor object or an array of them, got number");
  EXPECT_EQ(parseError(std::string("[") + kGpu + ", \"h100\"]"),
            "descriptor 1: expected an object, got string");
}

TEST(HardwareJsonTest, KindIsRequiredAndKnown) {
  EXPECT_EQ(parseError(R"({"name": "x"})"),
            "descriptor 0 (\"x\"): missing field \"kind\" (\"gpu\", \"pim\" or "
            "\"link\")");
  EXPECT_EQ(parseError(R"({"kind": 1})"),
            "descriptor 0: field \"kind\" must be a string, got number");
  EXPECT_EQ(parseError(R"({"kind": "tpu", "name": "x"})"),
            "descriptor 0 (\"x\"): unknown kind \"tpu\"; known kinds: \"gpu\", "
            "\"pim\", \"link\"");
}

TEST(HardwareJsonTest, MissingFieldsAreNamed) {
  EXPECT_EQ(parseError(withoutField(kGpu, "memory_tbps")),
            "descriptor 0 (\"my-gpu\"): missing field \"memory_tbps\"");
  EXPECT_EQ(parseError(withoutField(kPim, "banks_per_channel")),
            "descriptor 0 (\"my-pim\"): missing field \"banks_per_channel\"");
  EXPECT_EQ(parseError(withoutField(kLink, "bandwidth_gbps")),
            "descriptor 0 (\"my-link\"): missing field \"bandwidth_gbps\"");
  // Without a name the index alone says which descriptor.
  EXPECT_EQ(parseError(withoutField(kGpu, "name")),
            "descriptor 0: missing field \"name\"");
}

TEST(HardwareJsonTest, ErrorsNameTheDescriptorByIndexAndName) {
  std::string text = std::string("[") + kGpu + ", " + kLink + ", " +
                     withField(kPim, "internal_tbps", "0") + "]";
  EXPECT_EQ(parseError(text), "descriptor 2 (\"my-pim\"): field "
                              "\"internal_tbps\" must be positive, got 0");
}

TEST(HardwareJsonTest, WrongTypesAreNamed) {
  EXPECT_EQ(parseError(withField(kGpu, "peak_tflops", "\"989\"")),
            "descriptor 0 (\"my-gpu\"): field \"peak_tflops\" must be a "
            "number, got string");
  EXPECT_EQ(parseError(withField(kLink, "latency_us", "true")),
            "descriptor 0 (\"my-link\"): field \"latency_us\" must be a "
            "number, got boolean");
  EXPECT_EQ(parseError(withField(kGpu, "name", "7")),
            "descriptor 0: field \"name\" must be a string, got number");
  EXPECT_EQ(parseError(withField(kGpu, "name", "\"\"")),
            "descriptor 0 (\"\"): field \"name\" must not be empty");
  EXPECT_EQ(parseError(withField(kPim, "type", "null")),
            "descriptor 0 (\"my-pim\"): field \"type\" must be a string, got "
            "null");
  EXPECT_EQ(parseError(withField(kPim, "stacks", "\"8\"")),
            "descriptor 0 (\"my-pim\"): field \"stacks\" must be a positive "
            "integer, got string");
  EXPECT_EQ(parseError(withField(kPim, "stacks", "2.5")),
            "descriptor 0 (\"my-pim\"): field \"stacks\" must be a positive "
            "integer, got 2.5");
}

TEST(HardwareJsonTest, UnknownFieldsCatchTypos) {
  std::string typo = kGpu;
  typo.replace(typo.find("memory_tbps"), 11, "memory_tbs");
  EXPECT_EQ(parseError(typo),
            "descriptor 0 (\"my-gpu\"): unknown field \"memory_tbs\"; gpu "
            "fields are \"kind\", \"name\", \"peak_tflops\", "
            "\"memory_tbps\", \"launch_us\"");
  // A field of another kind is as wrong as a typo.
  std::string error =
      parseError(withField(kLink, "latency_us", "1, \"stacks\": 2"));
  EXPECT_NE(error.find("descriptor 0 (\"my-link\"): unknown field \"stacks\"; "
                       "link fields are"),
            std::string::npos)
      << error;
}

TEST(HardwareJsonTest, RatesAndCountsMustBePositive) {
  EXPECT_EQ(parseError(withField(kGpu, "memory_tbps", "0")),
            "descriptor 0 (\"my-gpu\"): field \"memory_tbps\" must be "
            "positive, got 0");
  EXPECT_EQ(parseError(withField(kGpu, "peak_tflops", "-989.4")),
            "descriptor 0 (\"my-gpu\"): field \"peak_tflops\" must be "
            "positive, got -989.4");
  EXPECT_EQ(parseError(withField(kPim, "external_tbps", "-1")),
            "descriptor 0 (\"my-pim\"): field \"external_tbps\" must be "
            "positive, got -1");
  EXPECT_EQ(parseError(withField(kLink, "bandwidth_gbps", "0.0")),
            "descriptor 0 (\"my-link\"): field \"bandwidth_gbps\" must be "
            "positive, got 0");
  EXPECT_EQ(parseError(withField(kPim, "stacks", "0")),
            "descriptor 0 (\"my-pim\"): field \"stacks\" must be a positive "
            "integer, got 0");
  EXPECT_EQ(parseError(withField(kPim, "channels_per_stack", "-16")),
            "descriptor 0 (\"my-pim\"): field \"channels_per_stack\" must be "
            "a positive integer, got -16");
  EXPECT_EQ(parseError(withField(kPim, "banks_per_channel", "4294967296")),
            "descriptor 0 (\"my-pim\"): field \"banks_per_channel\" is too "
            "large: 4294967296");
}

TEST(HardwareJsonTest, OverheadsMayBeZeroButNotNegative) {
  EXPECT_EQ(parseError(withField(kGpu, "launch_us", "-1")),
            "descriptor 0 (\"my-gpu\"): field \"launch_us\" must not be "
            "negative, got -1");
  EXPECT_EQ(parseError(withField(kPim, "command_overhead_us", "-0.2")),
            "descriptor 0 (\"my-pim\"): field \"command_overhead_us\" must "
            "not be negative, got -0.2");
  EXPECT_EQ(parseError(withField(kLink, "latency_us", "-0.5")),
            "descriptor 0 (\"my-link\"): field \"latency_us\" must not be "
            "negative, got -0.5");
}

TEST(HardwareJsonTest, UnknownPimTypeListsTheKnownOnes) {
  EXPECT_EQ(parseError(withField(kPim, "type", "\"bank\"")),
            "descriptor 0 (\"my-pim\"): unknown PIM type \"bank\"; known "
            "types: \"bank-level\", \"bank-group\", \"logic-die\"");
}

/// A fresh directory under ::testing::TempDir() per test (ctest runs tests
/// in parallel processes).
class HardwareFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "moe-hardware-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string write(const std::string &name, const std::string &text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string dir_;
};

TEST_F(HardwareFileTest, LoadsAFileAndNamesItInErrors) {
  std::string error;
  std::optional<HardwareSet> set = loadHardwareJson(
      write("system.json", std::string("[") + kGpu + "]"), error);
  ASSERT_TRUE(set) << error;
  EXPECT_EQ(set->gpus.at(0).name, "my-gpu");

  std::string broken = write("broken.json", withField(kGpu, "launch_us", "-1"));
  EXPECT_FALSE(loadHardwareJson(broken, error));
  EXPECT_EQ(error, broken + ": descriptor 0 (\"my-gpu\"): field "
                            "\"launch_us\" must not be negative, got -1");

  std::string missing = dir_ + "/missing.json";
  EXPECT_FALSE(loadHardwareJson(missing, error));
  EXPECT_EQ(error, missing + ": cannot open hardware file");
}

TEST_F(HardwareFileTest, ResolvesBuiltinNames) {
  std::string error;
  std::optional<GpuDescriptor> gpu = resolveGpu("b200", error);
  ASSERT_TRUE(gpu) << error;
  EXPECT_EQ(gpu->name, "b200");
  std::optional<PimDescriptor> pim = resolvePim("hbm3e-pim", error);
  ASSERT_TRUE(pim) << error;
  expectClose(pim->externalBandwidth, 8.192e12);
  std::optional<LinkDescriptor> link = resolveLink("nvlink", error);
  ASSERT_TRUE(link) << error;
  expectClose(link->bandwidth, 900e9);
}

TEST_F(HardwareFileTest, UnknownNamesListTheBuiltins) {
  std::string error;
  EXPECT_FALSE(resolveGpu("h1000", error));
  EXPECT_EQ(error, "unknown GPU \"h1000\"; built-in GPUs: h100, h200, b200, "
                   "a100 (or a path to a .json file)");
  EXPECT_FALSE(resolvePim("hbm4-pim", error));
  EXPECT_EQ(error, "unknown PIM \"hbm4-pim\"; built-in PIMs: hbm3e-pim, "
                   "hbm3-pim, logic-pim, gddr6-aim, hbm2-pim (or a path to a "
                   ".json file)");
  EXPECT_FALSE(resolveLink("cxl", error));
  EXPECT_EQ(error, "unknown link \"cxl\"; built-in links: nvlink, pcie5 (or "
                   "a path to a .json file)");
  // A GPU name is no PIM.
  EXPECT_FALSE(resolvePim("h100", error));
}

TEST_F(HardwareFileTest, ResolvesTheOneDescriptorOfAKindInAFile) {
  std::string system = write("system.json", std::string("[") + kGpu + ", " +
                                                kPim + ", " + kLink + "]");
  std::string error;
  std::optional<GpuDescriptor> gpu = resolveGpu(system, error);
  ASSERT_TRUE(gpu) << error;
  EXPECT_EQ(gpu->name, "my-gpu");
  expectClose(gpu->memoryBandwidth, 2.5e12);
  std::optional<PimDescriptor> pim = resolvePim(system, error);
  ASSERT_TRUE(pim) << error;
  EXPECT_EQ(pim->name, "my-pim");
  std::optional<LinkDescriptor> link = resolveLink(system, error);
  ASSERT_TRUE(link) << error;
  EXPECT_EQ(link->name, "my-link");

  // One object on its own works too.
  std::optional<LinkDescriptor> single =
      resolveLink(write("link.json", kLink), error);
  ASSERT_TRUE(single) << error;
  expectClose(single->latency, 1.5e-6);
}

TEST_F(HardwareFileTest, FilesMustHoldExactlyOneOfTheKind) {
  std::string second = withField(kGpu, "name", "\"other-gpu\"");
  std::string twoGpus = write("two.json", std::string("[") + kGpu + ", " +
                                              second + ", " + kLink + "]");
  std::string error;
  EXPECT_FALSE(resolveGpu(twoGpus, error));
  EXPECT_EQ(error, twoGpus + ": expected exactly one gpu descriptor, found 2 "
                             "(my-gpu, other-gpu)");
  EXPECT_FALSE(resolvePim(twoGpus, error));
  EXPECT_EQ(error, twoGpus + ": expected exactly one pim descriptor, found 0");
  EXPECT_TRUE(resolveLink(twoGpus, error)) << error;

  std::string missing = dir_ + "/h100.json";
  EXPECT_FALSE(resolveGpu(missing, error)) << "a .json spec is a path";
  EXPECT_EQ(error, missing + ": cannot open hardware file");

  std::string broken = write("broken.json", "{");
  EXPECT_FALSE(resolveGpu(broken, error));
  EXPECT_EQ(error.rfind(broken + ": malformed JSON at byte 2:", 0), 0u)
      << error;
}

} // namespace
