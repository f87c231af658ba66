//===- RunArtifact.cpp - moe-run on a compiled model ----------------------===//
//
// Loads the artifact, reads every input from .npy, runs `steps` steps (each
// MoE layer re-dispatched from its live token counts every step, the policy
// optionally changing), writes the outputs of the last step and the
// report, timeline and token profile asked for.
//
//===----------------------------------------------------------------------===//

#include "RunArtifact.h"

#include "moe/Runtime/Report.h"
#include "moe/Runtime/Session.h"
#include "moe/Runtime/Support/Npy.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

namespace moe {

namespace {

bool writeText(const std::string &path, const std::string &text,
               std::string &error) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}

void progress(int64_t done, int64_t total) {
  constexpr int kWidth = 40;
  int filled = static_cast<int>(kWidth * done / total);
  std::fprintf(stderr, "\r[%.*s%*s] %lld/%lld steps", filled,
               "########################################", kWidth - filled, "",
               static_cast<long long>(done), static_cast<long long>(total));
  if (done == total)
    std::fprintf(stderr, "\n");
}

} // namespace

int runArtifact(const RunOptions &options) {
  auto fail = [](const std::string &message) {
    std::fprintf(stderr, "moe-run: error: %s\n", message.c_str());
    return 1;
  };
  std::string error;
  std::optional<runtime::Artifact> artifact =
      runtime::loadArtifact(options.artifact, error);
  if (!artifact)
    return fail(error);
  runtime::SessionOptions sessionOptions;
  sessionOptions.policy = options.policies.empty() ? "" : options.policies[0];
  sessionOptions.gpu = options.gpu;
  sessionOptions.pim = options.pim;
  sessionOptions.link = options.link;
  sessionOptions.requireGpu = options.requireGpu;
  sessionOptions.concurrentLanes = !options.serial;
  sessionOptions.hostThreads = options.hostThreads;
  std::unique_ptr<runtime::Session> session =
      runtime::Session::create(*artifact, sessionOptions, error);
  if (!session)
    return fail(options.artifact + ": " + error);
  for (const std::string &warning : session->warnings())
    std::fprintf(stderr, "moe-run: warning: %s\n", warning.c_str());

  // Inputs by name, in the manifest's order.
  const runtime::Manifest &manifest = session->manifest();
  std::map<std::string, std::string> given;
  for (const std::string &binding : options.inputs) {
    size_t eq = binding.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail("--input expects NAME=FILE.npy, got '" + binding + "'");
    given[binding.substr(0, eq)] = binding.substr(eq + 1);
  }
  std::vector<runtime::HostTensor> inputs;
  for (const runtime::TensorSpec &spec : manifest.inputs) {
    auto it = given.find(spec.name);
    if (it == given.end())
      return fail("missing --input " + spec.name +
                  "=FILE.npy (the model's "
                  "inputs: " +
                  [&] {
                    std::string names;
                    for (const runtime::TensorSpec &s : manifest.inputs)
                      names += (names.empty() ? "" : ", ") + s.name;
                    return names;
                  }() +
                  ")");
    std::optional<runtime::NpyArray> array =
        runtime::loadNpy(it->second, error);
    if (!array)
      return fail("input '" + spec.name + "': " + error);
    runtime::HostTensor tensor;
    tensor.shape.assign(array->shape.begin(), array->shape.end());
    tensor.data = std::move(array->data);
    inputs.push_back(std::move(tensor));
    given.erase(it);
  }
  if (!given.empty())
    return fail("the model has no input '" + given.begin()->first + "'");

  std::vector<runtime::HostTensor> outputs;
  bool showProgress = options.steps > 1 && isatty(STDERR_FILENO);
  for (int64_t step = 0; step < options.steps; ++step) {
    // Policies given as a list take turns, one per step.
    if (options.policies.size() > 1 &&
        !session->setPolicy(options.policies[step % options.policies.size()],
                            error))
      return fail(error);
    if (!session->run(inputs, outputs, error))
      return fail(error);
    if (showProgress)
      progress(step + 1, options.steps);
  }

  if (!options.outputDir.empty()) {
    mkdir(options.outputDir.c_str(), 0755);
    for (size_t i = 0; i < outputs.size(); ++i) {
      runtime::NpyArray array;
      array.shape.assign(outputs[i].shape.begin(), outputs[i].shape.end());
      array.data = std::move(outputs[i].data);
      std::string path =
          options.outputDir + "/" + manifest.outputs[i].name + ".npy";
      if (!runtime::saveNpy(path, array, error))
        return fail(error);
    }
  }
  if (!options.report.empty() &&
      !writeText(options.report, runtime::reportJson(*session), error))
    return fail(error);
  if (!options.timeline.empty() &&
      !writeText(options.timeline, runtime::timelineSvg(*session), error))
    return fail(error);
  if (!options.recordProfile.empty() &&
      !writeText(options.recordProfile,
                 cost::printTokenProfile(session->profile()), error))
    return fail(error);

  // Per layer and step: where the experts went and how long each side took.
  constexpr size_t kShown = 16;
  const std::vector<runtime::LayerRecord> &records = session->records();
  for (size_t i = 0; i < records.size() && i < kShown; ++i) {
    const runtime::LayerRecord &record = records[i];
    int64_t active = 0;
    for (int64_t count : record.counts)
      active += count > 0;
    std::printf("layer %lld step %lld: %lld of %zu experts active",
                static_cast<long long>(record.layer),
                static_cast<long long>(record.step),
                static_cast<long long>(active), record.counts.size());
    for (const runtime::LayerRecord::Lane &lane : record.lanes)
      if (lane.device != "host")
        std::printf("; %s %lld experts, %lld tokens, %.2f us %s (%s)",
                    lane.device.c_str(), static_cast<long long>(lane.experts),
                    static_cast<long long>(lane.tokens), lane.seconds * 1e6,
                    lane.timing.c_str(), lane.ranOn.c_str());
    std::printf("\n");
  }
  if (records.size() > kShown)
    std::printf("... %zu more layer steps (--report has them all)\n",
                records.size() - kShown);
  // The runtime's own share of a layer step (not the route function, not
  // the experts): the number the overhead benchmark reads.
  if (!records.empty()) {
    auto summary = [&](const char *what, double runtime::LayerRecord::*field) {
      std::vector<double> us;
      for (const runtime::LayerRecord &record : records)
        us.push_back(record.*field * 1e6);
      std::sort(us.begin(), us.end());
      std::printf("%s per layer step: median %.2f us, min %.2f us, max %.2f "
                  "us (%zu layer steps)\n",
                  what, us[us.size() / 2], us.front(), us.back(), us.size());
    };
    summary("runtime placement", &runtime::LayerRecord::placementSeconds);
    summary("policy decision", &runtime::LayerRecord::decideSeconds);
    summary("runtime overhead", &runtime::LayerRecord::runtimeSeconds);
  }
  std::printf("moe-run: %lld step(s), policy %s, %zu MoE layer(s)\n",
              static_cast<long long>(options.steps),
              session->policyName().c_str(), manifest.layers.size());
  return 0;
}

} // namespace moe
