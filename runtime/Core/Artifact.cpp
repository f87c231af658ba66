//===- Artifact.cpp - the .moeb container and its manifest ----------------===//
//
// The decoder treats the file as hostile (it may come from another machine):
// header, version, length and checksum are checked before any section is
// read, and every section read is bounds-checked. The manifest reader uses
// nlohmann/json only through calls that report errors by value, so this
// file builds without exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Runtime/Artifact.h"

#include "moe/Runtime/Support/ByteIO.h"

#include <nlohmann/json.hpp>

#include <array>
#include <fstream>
#include <iterator>

namespace moe::runtime {

namespace {
using support::ByteReader;
using support::ByteWriter;

constexpr std::array<uint8_t, 8> kMagic = {'M', 'O', 'E', 'B',
                                           'A', 'R', 'T', 0x1A};
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 8;
constexpr size_t kChecksumBytes = 4;
constexpr size_t kMinSectionBytes = 4 + 4 + 8;
} // namespace

const Section *Artifact::find(SectionKind kind, const std::string &name) const {
  for (const Section &section : sections)
    if (section.kind == kind && (name.empty() || section.name == name))
      return &section;
  return nullptr;
}

std::vector<uint8_t> encodeArtifact(const Artifact &artifact) {
  ByteWriter out;
  out.raw(kMagic.data(), kMagic.size());
  out.u32(kArtifactVersion);
  out.u32(0);
  size_t lengthAt = out.size();
  out.u64(0);
  out.u32(static_cast<uint32_t>(artifact.sections.size()));
  for (const Section &section : artifact.sections) {
    out.u32(static_cast<uint32_t>(section.kind));
    out.string(section.name);
    out.u64(section.bytes.size());
    out.raw(section.bytes.data(), section.bytes.size());
  }
  out.patchU64(lengthAt, out.size() + kChecksumBytes);
  out.u32(support::crc32(out.data(), out.size()));
  return out.take();
}

std::optional<Artifact> decodeArtifact(const uint8_t *data, size_t size,
                                       std::string &error) {
  ByteReader in(data, size, error);
  std::vector<uint8_t> magic;
  if (!in.bytes(kMagic.size(), "magic", magic))
    return std::nullopt;
  if (!std::equal(magic.begin(), magic.end(), kMagic.begin())) {
    in.failAt(0, "not a moe-mlir artifact (bad magic)");
    return std::nullopt;
  }
  size_t versionAt = in.offset();
  uint32_t version = in.u32("version");
  if (in.ok() && version > kArtifactVersion) {
    in.failAt(versionAt, "artifact format version " + std::to_string(version) +
                             " is newer than this runtime reads (" +
                             std::to_string(kArtifactVersion) + ")");
    return std::nullopt;
  }
  if (in.ok() && version == 0) {
    in.failAt(versionAt, "artifact format version 0 does not exist");
    return std::nullopt;
  }
  in.reserved(4, "flags");
  size_t lengthAt = in.offset();
  uint64_t length = in.u64("length");
  if (!in.ok())
    return std::nullopt;
  if (length != size) {
    in.failAt(lengthAt, (length > size ? "truncated: the header says "
                                       : "the header says ") +
                            std::to_string(length) + " bytes, the file has " +
                            std::to_string(size));
    return std::nullopt;
  }
  size_t body = size - kChecksumBytes;
  uint32_t stored = 0;
  for (int i = 0; i < 4; ++i)
    stored |= static_cast<uint32_t>(data[body + i]) << (8 * i);
  uint32_t computed = support::crc32(data, body);
  if (stored != computed) {
    char text[96];
    std::snprintf(text, sizeof text,
                  "checksum mismatch: stored 0x%08x, computed 0x%08x", stored,
                  computed);
    in.failAt(body, text);
    return std::nullopt;
  }
  ByteReader sections(data, body, error);
  std::vector<uint8_t> skipped;
  sections.bytes(kHeaderBytes, "header", skipped);
  Artifact artifact;
  uint32_t count = sections.count("section count", kMinSectionBytes);
  for (uint32_t i = 0; i < count && sections.ok(); ++i) {
    Section section;
    size_t kindAt = sections.offset();
    uint32_t kind = sections.u32("section kind");
    if (sections.ok() && kind >= kNumSectionKinds)
      sections.failAt(kindAt, "bad section kind " + std::to_string(kind) +
                                  " (expected 0.." +
                                  std::to_string(kNumSectionKinds - 1) + ")");
    section.kind = static_cast<SectionKind>(kind);
    sections.string("section name", section.name);
    uint64_t bytes = sections.u64("section size");
    sections.bytes(bytes, "section bytes", section.bytes);
    artifact.sections.push_back(std::move(section));
  }
  if (!sections.ok())
    return std::nullopt;
  if (sections.left() != 0) {
    sections.failAt(sections.offset(), std::to_string(sections.left()) +
                                           " bytes after the last section");
    return std::nullopt;
  }
  return artifact;
}

std::optional<Artifact> loadArtifact(const std::string &path,
                                     std::string &error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = path + ": cannot open";
    return std::nullopt;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
  std::optional<Artifact> artifact =
      decodeArtifact(bytes.data(), bytes.size(), error);
  if (!artifact)
    error = path + ": " + error;
  return artifact;
}

//===----------------------------------------------------------------------===//
// Manifest
//===----------------------------------------------------------------------===//

namespace {
using Json = nlohmann::json;

Json tensorsToJson(const std::vector<TensorSpec> &tensors) {
  Json list = Json::array();
  for (const TensorSpec &tensor : tensors)
    list.push_back({{"name", tensor.name}, {"shape", tensor.shape}});
  return list;
}

bool readString(const Json &object, const char *field, std::string &out,
                std::string &error) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_string()) {
    error = std::string("\"") + field + "\" must be a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

bool readInt(const Json &object, const char *field, int64_t minimum,
             int64_t &out, std::string &error) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_number_integer() ||
      it->get<int64_t>() < minimum) {
    error = std::string("\"") + field +
            "\" must be an integer >= " + std::to_string(minimum);
    return false;
  }
  out = it->get<int64_t>();
  return true;
}

bool readTensors(const Json &doc, const char *field,
                 std::vector<TensorSpec> &out, std::string &error) {
  auto it = doc.find(field);
  if (it == doc.end() || !it->is_array()) {
    error = std::string("\"") + field + "\" must be an array";
    return false;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const Json &entry = (*it)[i];
    std::string where = std::string(field) + "[" + std::to_string(i) + "]: ";
    TensorSpec tensor;
    if (!entry.is_object() || !readString(entry, "name", tensor.name, error)) {
      error = where + (entry.is_object() ? error : "must be an object");
      return false;
    }
    auto shape = entry.find("shape");
    if (shape == entry.end() || !shape->is_array()) {
      error = where + "\"shape\" must be an array";
      return false;
    }
    for (const Json &dim : *shape) {
      if (!dim.is_number_integer() || dim.get<int64_t>() < -1) {
        error = where + "dimensions must be integers >= -1";
        return false;
      }
      tensor.shape.push_back(dim.get<int64_t>());
    }
    out.push_back(std::move(tensor));
  }
  return true;
}

} // namespace

std::string printManifest(const Manifest &manifest) {
  Json layers = Json::array();
  for (const LayerSpec &layer : manifest.layers) {
    layers.push_back({{"id", layer.id},
                      {"experts", layer.experts},
                      {"k", layer.k},
                      {"hidden", layer.hidden},
                      {"intermediate", layer.intermediate},
                      {"matrices", layer.matrices},
                      {"route", layer.routeFunction},
                      {"expert", layer.expertFunction},
                      {"ids_bits", layer.idsBits}});
    if (!layer.pimPrograms.empty())
      layers.back()["pim_programs"] = layer.pimPrograms;
  }
  Json doc = {{"format", "moe-artifact"},
              {"version", kArtifactVersion},
              {"entry", manifest.entry},
              {"inputs", tensorsToJson(manifest.inputs)},
              {"outputs", tensorsToJson(manifest.outputs)},
              {"layers", layers},
              {"defaults",
               {{"gpu", manifest.gpu},
                {"pim", manifest.pim},
                {"link", manifest.link},
                {"policy", manifest.policy}}}};
  return doc.dump(2) + "\n";
}

std::optional<Manifest> parseManifest(const std::string &text,
                                      std::string &error) {
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = "manifest: not a JSON object";
    return std::nullopt;
  }
  Manifest manifest;
  std::string format;
  auto fail = [&](const std::string &message) {
    error = "manifest: " + message;
    return std::nullopt;
  };
  if (!readString(doc, "format", format, error) || format != "moe-artifact")
    return fail("\"format\" must be \"moe-artifact\"");
  if (!readString(doc, "entry", manifest.entry, error) ||
      !readTensors(doc, "inputs", manifest.inputs, error) ||
      !readTensors(doc, "outputs", manifest.outputs, error))
    return fail(error);
  auto layers = doc.find("layers");
  if (layers == doc.end() || !layers->is_array())
    return fail("\"layers\" must be an array");
  for (size_t i = 0; i < layers->size(); ++i) {
    const Json &entry = (*layers)[i];
    LayerSpec layer;
    int64_t idsBits = 32;
    std::string where = "layers[" + std::to_string(i) + "]: ";
    if (!entry.is_object())
      return fail(where + "must be an object");
    if (!readInt(entry, "id", 0, layer.id, error) ||
        !readInt(entry, "experts", 1, layer.experts, error) ||
        !readInt(entry, "k", 1, layer.k, error) ||
        !readInt(entry, "hidden", 1, layer.hidden, error) ||
        !readInt(entry, "intermediate", 1, layer.intermediate, error) ||
        !readInt(entry, "matrices", 2, layer.matrices, error) ||
        !readInt(entry, "ids_bits", 32, idsBits, error) ||
        !readString(entry, "route", layer.routeFunction, error) ||
        !readString(entry, "expert", layer.expertFunction, error))
      return fail(where + error);
    if (layer.k > layer.experts)
      return fail(where + "k exceeds experts");
    if (layer.id != static_cast<int64_t>(i))
      return fail(where + "layer ids must be 0, 1, ... in order");
    if (idsBits != 32 && idsBits != 64)
      return fail(where + "\"ids_bits\" must be 32 or 64");
    layer.idsBits = static_cast<int>(idsBits);
    if (auto programs = entry.find("pim_programs"); programs != entry.end()) {
      bool valid = programs->is_array() &&
                   programs->size() == static_cast<size_t>(layer.experts);
      for (size_t e = 0; valid && e < programs->size(); ++e) {
        const Json &names = (*programs)[e];
        valid = names.is_array() && !names.empty();
        std::vector<std::string> list;
        for (size_t p = 0; valid && p < names.size(); ++p) {
          valid = names[p].is_string();
          if (valid)
            list.push_back(names[p].get<std::string>());
        }
        layer.pimPrograms.push_back(std::move(list));
      }
      if (!valid)
        return fail(where + "\"pim_programs\" must hold one non-empty array "
                            "of program names per expert");
    }
    manifest.layers.push_back(std::move(layer));
  }
  if (auto defaults = doc.find("defaults"); defaults != doc.end()) {
    if (!defaults->is_object())
      return fail("\"defaults\" must be an object");
    for (auto [field, slot] :
         {std::pair{"gpu", &manifest.gpu}, std::pair{"pim", &manifest.pim},
          std::pair{"link", &manifest.link},
          std::pair{"policy", &manifest.policy}})
      if (defaults->contains(field) &&
          !readString(*defaults, field, *slot, error))
        return fail("defaults: " + error);
  }
  return manifest;
}

} // namespace moe::runtime
