//===- Session.h - one loaded model, run step by step ------------*- C++
//-*-===//
//
// A session loads an artifact, binds its host code, and runs the entry
// function once per step. Every MoE layer the host code reaches calls back
// into the session (`moe_rt_layer`), which routes with the compiled route
// function, counts tokens per expert, asks the placement policy where each
// expert runs this step, runs the experts on their devices and combines the
// results. What happened is recorded per layer and step.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_RUNTIME_SESSION_H
#define MOE_RUNTIME_SESSION_H

#include "moe/CostModel/ExpertCost.h"
#include "moe/CostModel/MeasuredTimes.h"
#include "moe/CostModel/Policies.h"
#include "moe/CostModel/TokenProfile.h"
#include "moe/Runtime/Artifact.h"
#include "moe/Runtime/HostLibrary.h"
#include "moe/Runtime/PIM/Simulator.h"
#include "moe/Runtime/WorkerPool.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace moe::runtime {

/// Where the experts of one layer ran in one step, and how long each part
/// took.
struct LayerRecord {
  int64_t layer = 0, step = 0;
  std::vector<int64_t> counts;    ///< tokens per expert
  std::vector<int64_t> gpuTokens; ///< of which the policy gave the GPU
  /// The cost model's PIM time of a 1-token expert when the placement was
  /// decided, and whether it came from pim-sim's measurements.
  double pimOneTokenSeconds = 0;
  bool pimTimeLearned = false;
  /// The runtime's own time in this layer step: reading the routing,
  /// counting, the placement decision, splitting, combining and recording;
  /// everything but the compiled route function and the experts' lanes.
  double runtimeSeconds = 0;
  /// The part of it before the lanes start: reading the routing, counting
  /// tokens per expert, the policy's decision and the split into parts.
  double placementSeconds = 0;
  /// Of that, the policy's decision alone.
  double decideSeconds = 0;
  /// Seconds of each device's share; `timing` says where the number comes
  /// from: "measured" on this machine, "simulated" by pim-sim's timing
  /// model, or "modelled" by the cost model.
  struct Lane {
    std::string device; ///< gpu, pim, host
    std::string ranOn;  ///< where the numbers were computed
    double seconds = 0;
    double start = 0; ///< seconds since the step began
    bool measured = false;
    std::string timing = "modelled";
    int64_t experts = 0, tokens = 0;
  };
  std::vector<Lane> lanes;
};

struct SessionOptions {
  std::string policy; ///< empty: the artifact's default
  std::string gpu, pim, link;
  bool requireGpu = false;
  /// Run the GPU's and PIM's share of a layer at the same time (the
  /// numbers are the same either way).
  bool concurrentLanes = true;
  /// Threads that run the experts computed on the host (0: one per
  /// hardware thread). Ignored, as 1, when concurrentLanes is false.
  unsigned hostThreads = 0;
};

class Session {
public:
  /// Loads `artifact`; on failure returns null with `error` set.
  static std::unique_ptr<Session> create(const Artifact &artifact,
                                         const SessionOptions &options,
                                         std::string &error);
  ~Session();

  const Manifest &manifest() const { return manifest_; }
  /// Warnings for the user (no GPU, ...), collected while loading.
  const std::vector<std::string> &warnings() const { return warnings_; }
  const std::string &policyName() const { return policyName_; }

  /// Runs the entry function once (one step) on `inputs`, in the
  /// manifest's order. Checks shapes first.
  bool run(const std::vector<HostTensor> &inputs,
           std::vector<HostTensor> &outputs, std::string &error);

  /// The policy can change between steps.
  bool setPolicy(const std::string &name, std::string &error);

  const std::vector<LayerRecord> &records() const { return records_; }
  /// Token counts of every layer and step so far, as the partitioner reads
  /// them (`--record-profile`).
  cost::TokenProfile profile() const;

  /// Whether PIM-placed experts run in pim-sim (the artifact has PIM
  /// programs for the session's PIM device).
  bool simulatesPim() const { return pimSim_ != nullptr; }
  /// The PIM times observed so far for `layer` (pim-sim's), which its cost
  /// model uses for the next placement decisions.
  const cost::MeasuredTimes &pimTimes(int64_t layer) const {
    return *layers_[layer].measured;
  }

  /// Called by the compiled code (through moe_rt_layer).
  void runLayer(int64_t layer, const Matrix &tokens, const Matrix &logits,
                Matrix &result);

private:
  Session() = default;
  Manifest manifest_;
  std::unique_ptr<HostLibrary> library_;
  void *entry_ = nullptr;
  /// A PIM program and the parts of its arena the runtime fills and reads.
  struct PimKernel {
    const pim::Program *program = nullptr;
    const pim::HostRegion *input = nullptr, *output = nullptr;
  };
  struct LayerCode {
    void *route = nullptr, *expert = nullptr;
    /// What pim-sim measured; the cost model reads it.
    std::unique_ptr<cost::MeasuredTimes> measured;
    std::unique_ptr<cost::LayerCostModel> cost;
    /// Per expert its PIM programs, most slots first; empty without PIM.
    std::vector<std::vector<PimKernel>> pim;
  };
  bool loadPim(const Artifact &artifact, std::string &error);
  /// Runs `tokens` (rows of `hidden` floats) through `kernels` in pim-sim;
  /// writes the outputs and returns the simulated seconds, or -1 with
  /// `error` set.
  double runOnPim(const std::vector<PimKernel> &kernels,
                  const std::vector<const float *> &tokens, int64_t hidden,
                  const std::vector<float *> &outputs, std::string &error);
  std::vector<LayerCode> layers_;
  /// The PIM section (declared before the simulator, which refers to it).
  std::unique_ptr<pim::CommandStream> pimStream_;
  std::unique_ptr<pim::Simulator> pimSim_;
  std::vector<uint8_t> pimArena_;
  std::unique_ptr<cost::PlacementPolicy> policy_;
  std::string policyName_;
  cost::GpuDescriptor gpu_;
  cost::PimDescriptor pim_;
  cost::LinkDescriptor link_;
  bool haveGpu_ = false;
  bool concurrentLanes_ = true;
  std::unique_ptr<WorkerPool> hostPool_;
  std::vector<std::string> warnings_;
  std::vector<LayerRecord> records_;
  /// The buffers of one layer step (routing read back, the counting sort,
  /// the experts' output rows), kept across steps and layers.
  struct StepBuffers {
    std::vector<int64_t> ids, first, order, next;
    std::vector<float> weights, expertOut;
  };
  StepBuffers buffers_;
  int64_t step_ = 0;
  std::string layerError_;
};

} // namespace moe::runtime

#endif // MOE_RUNTIME_SESSION_H
