//===- HardwareJson.cpp - GPU, PIM and link descriptors from JSON ---------===//
//
// Users describe their own hardware in the units datasheets quote (TFLOP/s,
// TB/s, GB/s, microseconds); this file checks every field and converts to SI.
// It is built with exceptions (as is the ONNX importer). nlohmann/json is
// called only in ways that report errors by value (parse without exceptions,
// a type check before every get<>), and a catch-all turns anything thrown
// anyway (allocation failure, an overlooked path) into the `error` string:
// no exception reaches callers, which are built without them.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModel/Hardware.h"

#include "JsonSyntaxError.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>

namespace moe::cost {

namespace {
using Json = nlohmann::json;

constexpr double kTera = 1e12, kGiga = 1e9, kMicro = 1e-6;

constexpr std::initializer_list<const char *> kGpuFields = {
    "kind", "name", "peak_tflops", "memory_tbps", "launch_us"};
constexpr std::initializer_list<const char *> kPimFields = {
    "kind",
    "name",
    "type",
    "stacks",
    "channels_per_stack",
    "banks_per_channel",
    "external_tbps",
    "internal_tbps",
    "peak_tflops",
    "command_overhead_us",
    "dram"};
/// The optional "dram" object of a PIM descriptor: what pim-sim needs.
/// Timings are in cycles of the command clock, like datasheets list them.
constexpr std::initializer_list<const char *> kDramFields = {
    "rows_per_bank",
    "row_bytes",
    "burst_bytes",
    "banks_per_bank_group",
    "global_buffer_bytes",
    "accumulators_per_bank",
    "tck_ns",
    "trcd",
    "trp",
    "tras",
    "trc",
    "tcl",
    "tccd_s",
    "tccd_l",
    "trrd_s",
    "trrd_l",
    "tfaw",
    "trefi",
    "trfc",
    "all_bank_power_share",
    "host_channel_gbps"};
constexpr std::initializer_list<const char *> kLinkFields = {
    "kind", "name", "bandwidth_gbps", "latency_us"};

std::string inQuotes(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

std::string quotedList(std::initializer_list<const char *> names) {
  std::string list;
  for (const char *name : names) {
    if (!list.empty())
      list += ", ";
    list += inQuotes(name);
  }
  return list;
}

/// Reads the fields of one descriptor object. The first problem sets `error`
/// to a message that starts with the descriptor's index and name, so a user
/// with many descriptors in one file finds the broken one.
class DescriptorReader {
public:
  DescriptorReader(const Json &object, size_t index, std::string &error)
      : object_(object), error_(error) {
    label_ = "descriptor " + std::to_string(index);
    auto name = object.find("name");
    if (name != object.end() && name->is_string())
      label_ += " (" + inQuotes(name->get<std::string>()) + ")";
  }

  /// A reader of the object in `field` (which must hold an object), whose
  /// errors name the enclosing descriptor and the field.
  std::optional<DescriptorReader> nested(const char *field) {
    const Json *value = find(field);
    if (!value)
      return std::nullopt;
    if (!value->is_object()) {
      wrongType(field, "an object", *value);
      return std::nullopt;
    }
    return DescriptorReader(*value, label_ + ", field " + inQuotes(field),
                            error_);
  }

  bool has(const char *field) const { return object_.contains(field); }

  /// A share in (0, 1].
  bool readShare(const char *field, double &out) {
    if (!readFinite(field, out))
      return false;
    if (out <= 0 || out > 1)
      return fail("field " + inQuotes(field) + " must be in (0, 1], got " +
                  formatNumber(out));
    return true;
  }

  /// Rejects fields the kind does not have: a misspelt optional-looking
  /// field would otherwise be silently ignored.
  bool checkKnownFields(const char *kind,
                        std::initializer_list<const char *> known) {
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      bool isKnown = false;
      for (const char *name : known)
        isKnown |= it.key() == name;
      if (!isKnown)
        return fail("unknown field " + inQuotes(it.key()) + "; " + kind +
                    " fields are " + quotedList(known));
    }
    return true;
  }

  bool readName(std::string &out) {
    const Json *value = find("name");
    if (!value)
      return false;
    if (!value->is_string())
      return wrongType("name", "a string", *value);
    out = value->get<std::string>();
    if (out.empty())
      return fail("field \"name\" must not be empty");
    return true;
  }

  bool readPimKind(PimKind &out) {
    const Json *value = find("type");
    if (!value)
      return false;
    if (!value->is_string())
      return wrongType("type", "a string", *value);
    std::string type = value->get<std::string>();
    if (type == "bank-level")
      out = PimKind::BankLevel;
    else if (type == "bank-group")
      out = PimKind::BankGroup;
    else if (type == "logic-die")
      out = PimKind::LogicDie;
    else
      return fail("unknown PIM type " + inQuotes(type) +
                  "; known types: \"bank-level\", \"bank-group\", "
                  "\"logic-die\"");
    return true;
  }

  /// A rate (bandwidth, FLOP/s): zero would divide by zero in the roofline.
  bool readPositive(const char *field, double scale, double &out) {
    if (!readFinite(field, out))
      return false;
    if (out <= 0)
      return fail("field " + inQuotes(field) + " must be positive, got " +
                  formatNumber(out));
    out *= scale;
    return true;
  }

  /// A latency or overhead: zero means "ignore it", negative is a mistake.
  bool readNonNegative(const char *field, double scale, double &out) {
    if (!readFinite(field, out))
      return false;
    if (out < 0)
      return fail("field " + inQuotes(field) + " must not be negative, got " +
                  formatNumber(out));
    out *= scale;
    return true;
  }

  bool readCount(const char *field, unsigned &out) {
    const Json *value = find(field);
    if (!value)
      return false;
    if (!value->is_number())
      return wrongType(field, "a positive integer", *value);
    if (!value->is_number_unsigned() || value->get<uint64_t>() == 0)
      return fail("field " + inQuotes(field) + " must be a positive integer, " +
                  "got " + value->dump());
    uint64_t count = value->get<uint64_t>();
    if (count > std::numeric_limits<unsigned>::max())
      return fail("field " + inQuotes(field) +
                  " is too large: " + value->dump());
    out = static_cast<unsigned>(count);
    return true;
  }

  /// Sets the error, prefixed with the descriptor's index and name.
  bool fail(const std::string &message) {
    error_ = label_ + ": " + message;
    return false;
  }

private:
  DescriptorReader(const Json &object, std::string label, std::string &error)
      : object_(object), error_(error), label_(std::move(label)) {}

  const Json *find(const char *field) {
    auto it = object_.find(field);
    if (it == object_.end()) {
      fail("missing field " + inQuotes(field));
      return nullptr;
    }
    return &*it;
  }

  bool wrongType(const char *field, const char *expected, const Json &value) {
    return fail("field " + inQuotes(field) + " must be " + expected + ", got " +
                value.type_name());
  }

  bool readFinite(const char *field, double &out) {
    const Json *value = find(field);
    if (!value)
      return false;
    if (!value->is_number())
      return wrongType(field, "a number", *value);
    out = value->get<double>();
    // JSON has no inf/nan literals, but 1e999 parses to inf.
    if (!std::isfinite(out))
      return fail("field " + inQuotes(field) + " must be a finite number");
    return true;
  }

  static std::string formatNumber(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%g", value);
    return buffer;
  }

  const Json &object_;
  std::string &error_;
  std::string label_;
};

bool readGpu(DescriptorReader &reader, GpuDescriptor &gpu) {
  return reader.checkKnownFields("gpu", kGpuFields) &&
         reader.readName(gpu.name) &&
         reader.readPositive("peak_tflops", kTera, gpu.peakFlops) &&
         reader.readPositive("memory_tbps", kTera, gpu.memoryBandwidth) &&
         reader.readNonNegative("launch_us", kMicro, gpu.launchOverhead);
}

bool readPimCore(DescriptorReader &reader, PimDescriptor &pim);

bool readDram(DescriptorReader &reader, PimDescriptor &pim) {
  PimTiming &t = pim.timing;
  double hostBandwidth = 0;
  if (!(reader.checkKnownFields("dram", kDramFields) &&
        reader.readCount("rows_per_bank", pim.rowsPerBank) &&
        reader.readCount("row_bytes", pim.rowBytes) &&
        reader.readCount("burst_bytes", pim.burstBytes) &&
        reader.readCount("banks_per_bank_group", pim.banksPerBankGroup) &&
        reader.readCount("global_buffer_bytes", pim.globalBufferBytes) &&
        reader.readCount("accumulators_per_bank", pim.accumulatorsPerBank) &&
        reader.readPositive("tck_ns", 1e-9, t.tCK) &&
        reader.readCount("trcd", t.tRCD) && reader.readCount("trp", t.tRP) &&
        reader.readCount("tras", t.tRAS) && reader.readCount("trc", t.tRC) &&
        reader.readCount("tcl", t.tCL) &&
        reader.readCount("tccd_s", t.tCCD_S) &&
        reader.readCount("tccd_l", t.tCCD_L) &&
        reader.readCount("trrd_s", t.tRRD_S) &&
        reader.readCount("trrd_l", t.tRRD_L) &&
        reader.readCount("tfaw", t.tFAW) &&
        reader.readCount("trefi", t.tREFI) &&
        reader.readCount("trfc", t.tRFC) &&
        reader.readShare("all_bank_power_share", pim.allBankPowerShare) &&
        reader.readPositive("host_channel_gbps", kGiga, hostBandwidth)))
    return false;
  pim.hostChannelBandwidth = hostBandwidth;
  if (pim.rowBytes % pim.burstBytes)
    return reader.fail("\"row_bytes\" " + std::to_string(pim.rowBytes) +
                       " must be a multiple of \"burst_bytes\" " +
                       std::to_string(pim.burstBytes));
  if (pim.accumulatorsPerBank > 256)
    return reader.fail("\"accumulators_per_bank\" must be at most 256");
  return true;
}

bool readPim(DescriptorReader &reader, PimDescriptor &pim) {
  if (!readPimCore(reader, pim))
    return false;
  if (!reader.has("dram"))
    return true;
  std::optional<DescriptorReader> dram = reader.nested("dram");
  return dram && readDram(*dram, pim);
}

bool readPimCore(DescriptorReader &reader, PimDescriptor &pim) {
  return reader.checkKnownFields("pim", kPimFields) &&
         reader.readName(pim.name) && reader.readPimKind(pim.kind) &&
         reader.readCount("stacks", pim.stacks) &&
         reader.readCount("channels_per_stack", pim.channelsPerStack) &&
         reader.readCount("banks_per_channel", pim.banksPerChannel) &&
         reader.readPositive("external_tbps", kTera, pim.externalBandwidth) &&
         reader.readPositive("internal_tbps", kTera, pim.internalBandwidth) &&
         reader.readPositive("peak_tflops", kTera, pim.peakFlops) &&
         reader.readNonNegative("command_overhead_us", kMicro,
                                pim.commandOverhead);
}

bool readLink(DescriptorReader &reader, LinkDescriptor &link) {
  return reader.checkKnownFields("link", kLinkFields) &&
         reader.readName(link.name) &&
         reader.readPositive("bandwidth_gbps", kGiga, link.bandwidth) &&
         reader.readNonNegative("latency_us", kMicro, link.latency);
}

bool readDescriptor(const Json &object, size_t index, HardwareSet &set,
                    std::string &error) {
  if (!object.is_object()) {
    error = "descriptor " + std::to_string(index) +
            ": expected an object, got " + object.type_name();
    return false;
  }
  DescriptorReader reader(object, index, error);
  auto kind = object.find("kind");
  if (kind == object.end())
    return reader.fail("missing field \"kind\" (\"gpu\", \"pim\" or \"link\")");
  if (!kind->is_string())
    return reader.fail(std::string("field \"kind\" must be a string, got ") +
                       kind->type_name());
  std::string kindName = kind->get<std::string>();
  if (kindName == "gpu") {
    GpuDescriptor gpu;
    if (!readGpu(reader, gpu))
      return false;
    set.gpus.push_back(std::move(gpu));
    return true;
  }
  if (kindName == "pim") {
    PimDescriptor pim;
    if (!readPim(reader, pim))
      return false;
    set.pims.push_back(std::move(pim));
    return true;
  }
  if (kindName == "link") {
    LinkDescriptor link;
    if (!readLink(reader, link))
      return false;
    set.links.push_back(std::move(link));
    return true;
  }
  return reader.fail("unknown kind " + inQuotes(kindName) +
                     "; known kinds: \"gpu\", \"pim\", \"link\"");
}

std::optional<HardwareSet> parseDocument(std::string_view text,
                                         std::string &error) {
  Json document = Json::parse(text.begin(), text.end(), nullptr,
                              /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    error = detail::describeJsonSyntaxError(text);
    return std::nullopt;
  }
  HardwareSet set;
  if (document.is_object()) {
    if (!readDescriptor(document, 0, set, error))
      return std::nullopt;
    return set;
  }
  if (!document.is_array()) {
    error = std::string("expected a descriptor object or an array of them, "
                        "got ") +
            document.type_name();
    return std::nullopt;
  }
  for (size_t i = 0; i < document.size(); ++i)
    if (!readDescriptor(document[i], i, set, error))
      return std::nullopt;
  return set;
}

bool endsWithJson(const std::string &spec) {
  constexpr std::string_view suffix = ".json";
  return spec.size() >= suffix.size() &&
         std::string_view(spec).substr(spec.size() - suffix.size()) == suffix;
}

template <typename T> std::string namesOf(const std::vector<T> &builtins) {
  std::string names;
  for (const T &descriptor : builtins) {
    if (!names.empty())
      names += ", ";
    names += descriptor.name;
  }
  return names;
}

/// A built-in by name, or the single descriptor of the wanted kind in a JSON
/// file (which may hold descriptors of other kinds too, so one file can
/// describe a whole system).
template <typename T>
std::optional<T> resolve(const std::string &spec, const char *what,
                         const char *kind, const std::vector<T> &builtins,
                         std::optional<T> (*findBuiltin)(std::string_view),
                         std::vector<T> HardwareSet::*member,
                         std::string &error) {
  if (!endsWithJson(spec)) {
    if (std::optional<T> found = findBuiltin(spec))
      return found;
    error = std::string("unknown ") + what + " " + inQuotes(spec) +
            "; built-in " + what + "s: " + namesOf(builtins) +
            " (or a path to a .json file)";
    return std::nullopt;
  }
  std::optional<HardwareSet> set = loadHardwareJson(spec, error);
  if (!set)
    return std::nullopt;
  std::vector<T> &found = (*set).*member;
  if (found.size() != 1) {
    error = spec + ": expected exactly one " + kind + " descriptor, found " +
            std::to_string(found.size());
    if (!found.empty())
      error += " (" + namesOf(found) + ")";
    return std::nullopt;
  }
  return std::move(found.front());
}
} // namespace

std::optional<HardwareSet> parseHardwareJson(std::string_view text,
                                             std::string &error) {
  // Nothing below should throw; if it does, the caller still gets an error.
  try {
    return parseDocument(text, error);
  } catch (const std::exception &e) {
    error = std::string("cannot read hardware JSON: ") + e.what();
  } catch (...) {
    error = "cannot read hardware JSON: unknown error";
  }
  return std::nullopt;
}

std::optional<HardwareSet> loadHardwareJson(const std::string &path,
                                            std::string &error) {
  std::string text;
  try {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      error = path + ": cannot open hardware file";
      return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << file.rdbuf();
    if (file.bad()) {
      error = path + ": cannot read hardware file";
      return std::nullopt;
    }
    text = buffer.str();
  } catch (const std::exception &e) {
    error = path + ": cannot read hardware file: " + e.what();
    return std::nullopt;
  }
  std::optional<HardwareSet> set = parseHardwareJson(text, error);
  if (!set)
    error = path + ": " + error;
  return set;
}

std::optional<GpuDescriptor> resolveGpu(const std::string &spec,
                                        std::string &error) {
  return resolve(spec, "GPU", "gpu", builtinGpus(), &findGpu,
                 &HardwareSet::gpus, error);
}

std::optional<PimDescriptor> resolvePim(const std::string &spec,
                                        std::string &error) {
  return resolve(spec, "PIM", "pim", builtinPims(), &findPim,
                 &HardwareSet::pims, error);
}

std::optional<LinkDescriptor> resolveLink(const std::string &spec,
                                          std::string &error) {
  return resolve(spec, "link", "link", builtinLinks(), &findLink,
                 &HardwareSet::links, error);
}

} // namespace moe::cost
