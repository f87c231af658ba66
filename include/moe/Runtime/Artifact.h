//===- Artifact.h - the compiled model file (.moeb) -------------*- C++ -*-===//
//
// What `moe-translate --export-artifact` writes and `moe-run` loads: one
// versioned, checksummed file with the model's manifest (entry point, its
// inputs and outputs, its MoE layers), the host code as a shared library
// (weights inside), and per layer the PIM command streams and GPU code
// compiled for it. No MLIR here: the compiler and the runtime both link it.
//
// Layout (little-endian): magic "MOEBART\x1A", u32 version, u32 flags (0),
// u64 total length, u32 section count, then per section u32 kind, string
// name (u32 length + bytes), u64 size, bytes; finally a CRC-32 of everything
// before it.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_RUNTIME_ARTIFACT_H
#define MOE_RUNTIME_ARTIFACT_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moe::runtime {

constexpr uint32_t kArtifactVersion = 1;

enum class SectionKind : uint32_t {
  Manifest = 0,    ///< JSON text, see Manifest
  HostLibrary = 1, ///< an ELF shared object for this machine
  PimStream = 2,   ///< a PIM command stream (moe/Runtime/PIM)
  GpuModule = 3,   ///< PTX text or a cubin
};
constexpr uint32_t kNumSectionKinds = 4;

struct Section {
  SectionKind kind = SectionKind::Manifest;
  std::string name;
  std::vector<uint8_t> bytes;
};

struct Artifact {
  std::vector<Section> sections;
  /// The first section of `kind` (and `name`, when given), or null.
  const Section *find(SectionKind kind, const std::string &name = "") const;
};

std::vector<uint8_t> encodeArtifact(const Artifact &artifact);
/// Never crashes on any bytes; errors name the byte offset, a newer version,
/// or the checksum mismatch.
std::optional<Artifact> decodeArtifact(const uint8_t *data, size_t size,
                                       std::string &error);
std::optional<Artifact> loadArtifact(const std::string &path,
                                     std::string &error);

/// A tensor the entry function takes or returns: f32, dims -1 when dynamic.
struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
};

/// One MoE layer as the runtime sees it.
struct LayerSpec {
  int64_t id = 0;
  int64_t experts = 0, k = 0, hidden = 0, intermediate = 0, matrices = 2;
  std::string routeFunction, expertFunction;
  int idsBits = 32; ///< element width of the route's expert ids
  /// Per expert, the PIM programs of the artifact's PIM section that
  /// compute it (one per slots value); empty when the layer has none.
  std::vector<std::vector<std::string>> pimPrograms;
};

/// The manifest section: JSON
///   {"format": "moe-artifact", "version": 1, "entry": "main_graph",
///    "inputs": [{"name": "input", "shape": [-1, 8]}], "outputs": [...],
///    "layers": [{"id": 0, "experts": 4, "k": 2, "hidden": 8,
///                "intermediate": 6, "matrices": 2,
///                "route": "moe_layer0_route", "expert": "moe_layer0_expert",
///                "ids_bits": 32,
///                "pim_programs": [["l0_e0_s1", "l0_e0_s4"], ...]}],
///    "defaults": {"gpu": "h100", "pim": "hbm3e-pim", "link": "nvlink",
///                 "policy": "sieve"}}
struct Manifest {
  std::string entry;
  std::vector<TensorSpec> inputs, outputs;
  std::vector<LayerSpec> layers;
  std::string gpu = "h100", pim = "hbm3e-pim", link = "nvlink",
              policy = "sieve";
};

std::string printManifest(const Manifest &manifest);
std::optional<Manifest> parseManifest(const std::string &text,
                                      std::string &error);

} // namespace moe::runtime

#endif // MOE_RUNTIME_ARTIFACT_H
