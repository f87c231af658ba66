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
#include "moe/CostModel/Policies.h"
#include "moe/CostModel/TokenProfile.h"
#include "moe/Runtime/Artifact.h"
#include "moe/Runtime/HostLibrary.h"

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
  /// Seconds of each device's share; `measured` says whether the number is
  /// a measurement on this machine or the cost model's.
  struct Lane {
    std::string device; ///< gpu, pim, host
    std::string ranOn;  ///< where the numbers were computed
    double seconds = 0;
    double start = 0; ///< seconds since the step began
    bool measured = false;
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

  /// Called by the compiled code (through moe_rt_layer).
  void runLayer(int64_t layer, const Matrix &tokens, const Matrix &logits,
                Matrix &result);

private:
  Session() = default;
  Manifest manifest_;
  std::unique_ptr<HostLibrary> library_;
  void *entry_ = nullptr;
  struct LayerCode {
    void *route = nullptr, *expert = nullptr;
    std::unique_ptr<cost::LayerCostModel> cost;
  };
  std::vector<LayerCode> layers_;
  std::unique_ptr<cost::PlacementPolicy> policy_;
  std::string policyName_;
  cost::GpuDescriptor gpu_;
  cost::PimDescriptor pim_;
  cost::LinkDescriptor link_;
  bool haveGpu_ = false;
  bool concurrentLanes_ = true;
  std::vector<std::string> warnings_;
  std::vector<LayerRecord> records_;
  int64_t step_ = 0;
  std::string layerError_;
};

} // namespace moe::runtime

#endif // MOE_RUNTIME_SESSION_H
