//===- RunArtifact.h - moe-run on a compiled model ---------------*- C++
//-*-===//

#ifndef MOE_TOOLS_MOE_RUN_RUNARTIFACT_H
#define MOE_TOOLS_MOE_RUN_RUNARTIFACT_H

#include <cstdint>
#include <string>
#include <vector>

namespace moe {

struct RunOptions {
  std::string artifact;
  std::vector<std::string> inputs; ///< NAME=FILE.npy
  std::string outputDir;
  std::vector<std::string> policies; ///< several: one per step in turn
  int64_t steps = 1;
  std::string report, timeline, recordProfile;
  std::string gpu, pim, link;
  bool requireGpu = false;
  bool serial = false;
  /// Threads for the experts computed on the host (0: one per hardware
  /// thread).
  unsigned hostThreads = 0;
};

int runArtifact(const RunOptions &options);

} // namespace moe

#endif // MOE_TOOLS_MOE_RUN_RUNARTIFACT_H
