//===- moe-run.cpp - run MoE models: simulated serving
//---------------------===//
//
//   moe-run --simulate --model NAME|FILE.json [--gpu b200] [--gpus N]
//           [--pim hbm3e-pim] [--link nvlink] [--batch 1,8,32,64,128,256]
//           [--trace calibrated|DISTRIBUTION|PROFILE.json]
//           [--policies P,...] [--baseline pimoe] [--steps 8]
//           [--sampled-layers 4] [--seed S] [--plot FILE.svg]
//   moe-run --calibrate
//   moe-run MODEL.moeb --input NAME=x.npy --output-dir out/ [--policy P,...]
//           [--steps N] [--report r.json] [--timeline t.svg]
//           [--record-profile counts.json] [--require-gpu]
//           [--host-threads N] [--serial]
//
// A compiled model runs step after step; every MoE layer of every step is
// re-dispatched from its live token counts with the policy (several
// policies take turns). --simulate serves a full-size model without weights:
// every placement policy side by side on the same token counts, as a table (and
// a Pareto plot of tokens/s per user against tokens/s per GPU). --calibrate
// prints how well the fitted routing distribution of each built-in model
// reproduces its published statistics.
//
//===----------------------------------------------------------------------===//

#include "RunArtifact.h"

#include "moe/CostModel/ModelCatalog.h"
#include "moe/Runtime/Simulate/ServingSimulator.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

using namespace moe;

namespace {

[[noreturn]] void fail(const std::string &message) {
  std::fprintf(stderr, "moe-run: error: %s\n", message.c_str());
  std::exit(1);
}

std::vector<std::string> splitList(const std::string &text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos)
      comma = text.size();
    items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

int64_t parseCount(const std::string &option, const std::string &text,
                   int64_t minimum) {
  char *end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < minimum)
    fail(option + " expects an integer >= " + std::to_string(minimum) +
         ", got '" + text + "'");
  return value;
}

int calibrate() {
  std::printf("%-20s %-30s %6s  %-22s %-22s %-22s\n", "model", "fitted",
              "batch", "one token: target", "predicted", "sampled (64 steps)");
  for (const cost::MoEModel &model : cost::builtinModels()) {
    double error = 0;
    cost::DistributionSpec spec = cost::fitDistribution(model, &error);
    char fitted[64];
    if (spec.kind == cost::DistributionKind::Uniform)
      std::snprintf(fitted, sizeof fitted, "uniform (no statistics)");
    else
      std::snprintf(fitted, sizeof fitted, "bimodal:hot=%.4f,weight=%.2f",
                    spec.hotFraction, spec.hotWeight);
    if (model.statistics.empty())
      std::printf("%-20s %-30s\n", model.name.c_str(), fitted);
    for (const cost::RoutingStatistic &target : model.statistics) {
      cost::RoutingStatistic predicted =
          cost::predictStatistic(spec, model.experts, model.k, target.batch);
      cost::RoutingStatistic sampled = cost::measureStatistic(
          spec, model.experts, model.k, target.batch, 64);
      auto pair = [](double one, std::optional<double> four) {
        char text[32];
        if (four)
          std::snprintf(text, sizeof text, "%.3f (<=4 %.3f)", one, *four);
        else
          std::snprintf(text, sizeof text, "%.3f", one);
        return std::string(text);
      };
      std::printf(
          "%-20s %-30s %6lld  %-22s %-22s %-22s\n", model.name.c_str(), fitted,
          static_cast<long long>(target.batch),
          pair(target.oneTokenShare, target.fourOrFewerShare).c_str(),
          pair(predicted.oneTokenShare, predicted.fourOrFewerShare).c_str(),
          pair(sampled.oneTokenShare, sampled.fourOrFewerShare).c_str());
    }
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  bool simulate = false;
  std::string modelSpec, gpu = "b200", pim = "hbm3e-pim", link = "nvlink";
  std::string trace = "calibrated", baseline = "pimoe", plot, policies;
  std::string batches = "1,8,32,64,128,256";
  sim::ServingConfig config;
  uint64_t seed = 1;
  std::vector<std::string> positional;
  RunOptions run;
  std::string policy;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      size_t eq = arg.find('=');
      if (eq != std::string::npos)
        return arg.substr(eq + 1);
      if (i + 1 >= argc)
        fail(arg + " needs a value");
      return argv[++i];
    };
    std::string name = arg.substr(0, arg.find('='));
    if (arg == "--help" || arg == "-h") {
      std::printf("usage: moe-run --simulate --model NAME|FILE.json [options]"
                  "\n       moe-run --calibrate\n(see the header of "
                  "tools/moe-run/moe-run.cpp and docs/Simulation.md)\n");
      return 0;
    } else if (arg == "--simulate")
      simulate = true;
    else if (arg == "--calibrate")
      return calibrate();
    else if (name == "--model")
      modelSpec = value();
    else if (name == "--gpu")
      gpu = run.gpu = value();
    else if (name == "--gpus")
      config.gpus = static_cast<unsigned>(parseCount(name, value(), 1));
    else if (name == "--pim")
      pim = run.pim = value();
    else if (name == "--link")
      link = run.link = value();
    else if (name == "--batch")
      batches = value();
    else if (name == "--trace")
      trace = value();
    else if (name == "--policies")
      policies = value();
    else if (name == "--baseline")
      baseline = value();
    else if (name == "--steps")
      config.steps = run.steps = parseCount(name, value(), 1);
    else if (name == "--sampled-layers")
      config.sampledLayers = parseCount(name, value(), 1);
    else if (name == "--seed")
      seed = static_cast<uint64_t>(parseCount(name, value(), 0));
    else if (name == "--plot")
      plot = value();
    else if (name == "--input")
      run.inputs.push_back(value());
    else if (name == "--output-dir")
      run.outputDir = value();
    else if (name == "--policy")
      policy = value();
    else if (name == "--report")
      run.report = value();
    else if (name == "--timeline")
      run.timeline = value();
    else if (name == "--record-profile")
      run.recordProfile = value();
    else if (arg == "--require-gpu")
      run.requireGpu = true;
    else if (arg == "--serial")
      run.serial = true;
    else if (name == "--host-threads")
      run.hostThreads = static_cast<unsigned>(parseCount(name, value(), 1));
    else if (!arg.empty() && arg[0] == '-')
      fail("unknown option '" + arg + "' (see --help)");
    else
      positional.push_back(arg);
  }
  if (!simulate) {
    if (positional.size() != 1)
      fail(positional.empty()
               ? "nothing to do: give MODEL.moeb or --simulate (see --help)"
               : "one model at a time, got '" + positional[0] + "' and '" +
                     positional[1] + "'");
    run.artifact = positional[0];
    if (!policy.empty())
      run.policies = splitList(policy);
    // Hardware given explicitly (run.gpu, ...) overrides the artifact's
    // defaults.
    return runArtifact(run);
  }
  if (!policy.empty())
    policies = policy;
  if (modelSpec.empty())
    fail("--simulate needs --model NAME|FILE.json");

  std::string error;
  std::optional<cost::MoEModel> model = cost::resolveModel(modelSpec, error);
  if (!model)
    fail(error);
  config.model = *model;
  auto gpuDesc = cost::resolveGpu(gpu, error);
  if (!gpuDesc)
    fail(error);
  auto pimDesc = cost::resolvePim(pim, error);
  if (!pimDesc)
    fail(error);
  auto linkDesc = cost::resolveLink(link, error);
  if (!linkDesc)
    fail(error);
  config.gpu = *gpuDesc;
  config.pim = *pimDesc;
  config.link = *linkDesc;
  config.batches.clear();
  for (const std::string &item : splitList(batches))
    config.batches.push_back(parseCount("--batch", item, 1));
  if (!policies.empty())
    config.policies = splitList(policies);

  std::string source;
  if (trace.size() > 5 && trace.compare(trace.size() - 5, 5, ".json") == 0) {
    std::optional<cost::TokenProfile> profile =
        cost::loadTokenProfile(trace, error);
    if (!profile)
      fail(error);
    config.trace = std::move(profile);
    source = "recorded trace " + trace;
  } else if (trace == "calibrated") {
    double fitError = 0;
    config.distribution = cost::fitDistribution(config.model, &fitError);
    source = config.distribution.kind == cost::DistributionKind::Uniform
                 ? "uniform routing (no published statistics for this model)"
                 : "bimodal routing fitted to " + config.model.source +
                       " (rms error " + std::to_string(fitError) + ")";
  } else {
    std::optional<cost::DistributionSpec> spec =
        cost::parseDistribution(trace, error);
    if (!spec)
      fail("--trace: " + error);
    config.distribution = *spec;
    source = "distribution " + trace;
  }
  config.distribution.seed = seed;

  std::optional<std::vector<sim::ServingPoint>> points =
      sim::simulateServing(config, error);
  if (!points)
    fail(error);
  std::printf("%s", sim::formatServingTable(config, *points, baseline).c_str());
  std::printf("token counts: %s\nmodelled, not measured: the cost model's "
              "roofline on the descriptors above (docs/Simulation.md)\n",
              source.c_str());
  if (!plot.empty()) {
    std::ofstream out(plot);
    out << sim::renderParetoSvg(config, *points);
    if (!out)
      fail("cannot write '" + plot + "'");
  }
  return 0;
}
