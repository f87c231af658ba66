//===- ArtifactTarget.cpp - fuzz the .moeb loader -------------------------===//
//
// Bytes as an artifact (checksum repaired, see withValidChecksum). What
// decodes must re-encode to bytes that decode again; its manifest goes
// through parseManifest (and a print/parse round trip) and its PIM stream
// sections through decodeStream, as Session::create and moe-run read them.
// The host code section is never loaded: dlopen of fuzzed ELF bytes would
// test the system's loader, not ours.
//
//===----------------------------------------------------------------------===//

#include "FuzzTargets.h"

#include "moe/Runtime/Artifact.h"
#include "moe/Runtime/PIM/CommandStream.h"

namespace moe::fuzz {

Outcome fuzzArtifact(const uint8_t *data, size_t size) {
  std::string error;
  std::optional<runtime::Artifact> artifact =
      runtime::decodeArtifact(data, size, error);
  Outcome outcome = Outcome::accept();
  if (!artifact) {
    outcome = Outcome::reject(error);
    std::vector<uint8_t> repaired = withValidChecksum(data, size);
    artifact = runtime::decodeArtifact(repaired.data(), repaired.size(), error);
    if (!artifact)
      return outcome;
  }
  std::vector<uint8_t> again = runtime::encodeArtifact(*artifact);
  if (!runtime::decodeArtifact(again.data(), again.size(), error))
    failProperty("artifact", "a decoded artifact does not re-encode: " + error);

  for (const runtime::Section &section : artifact->sections) {
    if (section.kind == runtime::SectionKind::Manifest) {
      std::optional<runtime::Manifest> manifest = runtime::parseManifest(
          std::string(section.bytes.begin(), section.bytes.end()), error);
      if (!manifest) {
        if (outcome.accepted)
          outcome = Outcome::reject(error);
        continue;
      }
      std::string printed = runtime::printManifest(*manifest);
      if (!runtime::parseManifest(printed, error))
        failProperty("artifact", "a parsed manifest does not print back: " +
                                     error + "\n" + printed);
    } else if (section.kind == runtime::SectionKind::PimStream) {
      if (!pim::decodeStream(section.bytes.data(), section.bytes.size(),
                             error) &&
          outcome.accepted)
        outcome =
            Outcome::reject("PIM section '" + section.name + "': " + error);
    }
  }
  return outcome;
}

} // namespace moe::fuzz
