//===- Session.cpp - run a compiled model, re-dispatching every layer -----===//

#include "moe/Runtime/Session.h"

#include "moe/CostModel/Hardware.h"
#include "moe/Runtime/PIM/DeviceTiming.h"
#include "moe/Runtime/PimImage.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <functional>
#include <thread>

namespace moe::runtime {

namespace {

/// The session the compiled code is running in: the C callback has no
/// context argument.
thread_local Session *activeSession = nullptr;

double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Whether a CUDA device can be used: the driver is loaded at run time, so
/// everything builds and runs without one.
bool probeGpu(std::string &why) {
  void *driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!driver) {
    why = "libcuda.so.1 is not installed";
    return false;
  }
  using InitFn = int (*)(unsigned);
  using CountFn = int (*)(int *);
  auto init = reinterpret_cast<InitFn>(dlsym(driver, "cuInit"));
  auto count = reinterpret_cast<CountFn>(dlsym(driver, "cuDeviceGetCount"));
  int devices = 0;
  if (!init || !count || init(0) != 0 || count(&devices) != 0 || devices < 1) {
    why = "the CUDA driver reports no usable device";
    return false;
  }
  // Kernels for the GPU are not in artifacts yet; the GPU lane runs on the
  // host with modelled times even where a device exists.
  why = "this artifact has no GPU kernels";
  return false;
}

/// Element (r, c) of a rank-2 descriptor of `T`.
template <typename T> T at(const Matrix &m, int64_t r, int64_t c) {
  return static_cast<const T *>(
      m.aligned)[m.offset + r * m.strides[0] + c * m.strides[1]];
}

Matrix describe(HostTensor &tensor) {
  Matrix m;
  m.allocated = m.aligned = tensor.data.data();
  m.offset = 0;
  m.sizes[0] = tensor.shape[0];
  m.sizes[1] = tensor.shape[1];
  m.strides[0] = tensor.shape[1];
  m.strides[1] = 1;
  return m;
}

} // namespace

std::unique_ptr<Session> Session::create(const Artifact &artifact,
                                         const SessionOptions &options,
                                         std::string &error) {
  const Section *manifestSection = artifact.find(SectionKind::Manifest);
  const Section *code = artifact.find(SectionKind::HostLibrary);
  if (!manifestSection || !code) {
    error = std::string("the artifact has no ") +
            (manifestSection ? "host code" : "manifest") + " section";
    return nullptr;
  }
  std::unique_ptr<Session> session(new Session());
  std::optional<Manifest> manifest = parseManifest(
      std::string(manifestSection->bytes.begin(), manifestSection->bytes.end()),
      error);
  if (!manifest)
    return nullptr;
  session->manifest_ = *manifest;
  session->library_ = HostLibrary::load(code->bytes, error);
  if (!session->library_)
    return nullptr;
  session->entry_ = session->library_->function(manifest->entry);
  if (!session->entry_) {
    error = "the host code has no entry function '" + manifest->entry + "'";
    return nullptr;
  }

  auto pick = [](const std::string &chosen, const std::string &fallback) {
    return chosen.empty() ? fallback : chosen;
  };
  auto gpu = cost::resolveGpu(pick(options.gpu, manifest->gpu), error);
  if (!gpu)
    return nullptr;
  auto pim = cost::resolvePim(pick(options.pim, manifest->pim), error);
  if (!pim)
    return nullptr;
  auto link = cost::resolveLink(pick(options.link, manifest->link), error);
  if (!link)
    return nullptr;
  session->gpu_ = *gpu;
  session->pim_ = *pim;
  session->link_ = *link;

  std::string why;
  session->concurrentLanes_ = options.concurrentLanes;
  // Serial sessions run everything on the calling thread.
  unsigned threads = !options.concurrentLanes  ? 1
                     : options.hostThreads > 0 ? options.hostThreads
                                               : WorkerPool::defaultThreads();
  session->hostPool_ = std::make_unique<WorkerPool>(threads);
  session->haveGpu_ = probeGpu(why);
  if (!session->haveGpu_) {
    if (options.requireGpu) {
      error = "--require-gpu: no GPU to run on (" + why + ")";
      return nullptr;
    }
    session->warnings_.push_back(
        "no GPU (" + why +
        "): GPU-placed experts run on the host and their "
        "GPU time is modelled from the " +
        gpu->name + " descriptor");
  }

  for (const LayerSpec &layer : manifest->layers) {
    LayerCode code;
    code.route = session->library_->function(layer.routeFunction);
    code.expert = session->library_->function(layer.expertFunction);
    if (!code.route || !code.expert) {
      error = "the host code lacks layer " + std::to_string(layer.id) +
              "'s function '" +
              (code.route ? layer.expertFunction : layer.routeFunction) + "'";
      return nullptr;
    }
    cost::ExpertShape shape;
    shape.hidden = layer.hidden;
    shape.intermediate = layer.intermediate;
    shape.matrices = static_cast<int>(layer.matrices);
    shape.weightBits = 16;
    code.measured = std::make_unique<cost::MeasuredTimes>();
    code.cost = std::make_unique<cost::LayerCostModel>(
        shape, session->gpu_, session->pim_, session->link_,
        code.measured.get());
    session->layers_.push_back(std::move(code));
  }
  if (!session->loadPim(artifact, error))
    return nullptr;
  if (!session->setPolicy(pick(options.policy, manifest->policy), error))
    return nullptr;
  return session;
}

Session::~Session() = default;

bool Session::loadPim(const Artifact &artifact, std::string &error) {
  const Section *section = artifact.find(SectionKind::PimStream, "pim");
  if (!section) {
    if (!manifest_.layers.empty())
      warnings_.push_back("the artifact has no PIM programs: PIM-placed "
                          "experts run on the host and their PIM time is "
                          "modelled from the " +
                          pim_.name + " descriptor");
    return true;
  }
  std::optional<pim::CommandStream> stream =
      decodePimImage(section->bytes.data(), section->bytes.size(), error);
  if (!stream) {
    error = "the artifact's PIM section: " + error;
    return false;
  }
  pim::DeviceGeometry device = pim::geometryOf(pim_);
  if (!pim_.hasDramTiming() || device.rowsPerBank == 0) {
    warnings_.push_back("PIM descriptor '" + pim_.name +
                        "' has no DRAM timing for pim-sim: PIM-placed experts "
                        "run on the host and their PIM time is modelled");
    return true;
  }
  std::string problem = checkStreamFits(*stream, device, pim_.name);
  if (!problem.empty()) {
    error = problem;
    return false;
  }
  pim::DeviceTiming timing = pim::timingOf(pim_, error);
  if (!error.empty())
    return false;
  // The device's capacity is what the simulator enforces.
  stream->geometry = device;
  pimStream_ = std::make_unique<pim::CommandStream>(std::move(*stream));
  pim::SimulatorOptions options;
  pimSim_ = pim::Simulator::create(*pimStream_, timing, options, error);
  if (!pimSim_) {
    error = "pim-sim: " + error;
    return false;
  }
  for (size_t l = 0; l < layers_.size(); ++l) {
    const LayerSpec &spec = manifest_.layers[l];
    std::string where = "layer " + std::to_string(l);
    if (spec.pimPrograms.empty()) {
      warnings_.push_back(where + " has no PIM programs: its PIM share runs "
                                  "on the host with modelled time");
      continue;
    }
    if (spec.pimPrograms.size() != static_cast<size_t>(spec.experts)) {
      error = where + ": the manifest lists PIM programs for " +
              std::to_string(spec.pimPrograms.size()) + " of " +
              std::to_string(spec.experts) + " experts";
      return false;
    }
    for (size_t e = 0; e < spec.pimPrograms.size(); ++e) {
      std::vector<PimKernel> kernels;
      for (const std::string &name : spec.pimPrograms[e]) {
        PimKernel kernel;
        kernel.program = pimSim_->findProgram(name);
        if (!kernel.program) {
          error = where + " expert " + std::to_string(e) + ": PIM program '" +
                  name + "' is not in the PIM section";
          return false;
        }
        for (const pim::HostRegion &region : kernel.program->regions) {
          if (region.kind == pim::HostRegion::Kind::Input)
            kernel.input = &region;
          if (region.kind == pim::HostRegion::Kind::Output)
            kernel.output = &region;
        }
        if (!kernel.input || !kernel.output ||
            kernel.program->inputSize != spec.hidden ||
            kernel.program->outputSize != spec.hidden) {
          error = where + " expert " + std::to_string(e) + ": PIM program '" +
                  name + "' does not take and return " +
                  std::to_string(spec.hidden) + " values per token";
          return false;
        }
        kernels.push_back(kernel);
      }
      std::sort(kernels.begin(), kernels.end(),
                [](const PimKernel &a, const PimKernel &b) {
                  return a.program->slots > b.program->slots;
                });
      layers_[l].pim.push_back(std::move(kernels));
    }
  }
  return true;
}

double Session::runOnPim(const std::vector<PimKernel> &kernels,
                         const std::vector<const float *> &tokens,
                         int64_t hidden, const std::vector<float *> &outputs,
                         std::string &error) {
  pim::RunStats stats;
  size_t n = tokens.size();
  for (size_t first = 0; first < n;) {
    // The program with the most slots the tokens fill; the smallest, part
    // empty, for the rest.
    size_t left = n - first;
    const PimKernel *kernel = &kernels.back();
    for (const PimKernel &k : kernels)
      if (k.program->slots <= left) {
        kernel = &k;
        break;
      }
    const pim::Program &program = *kernel->program;
    size_t count = std::min<size_t>(program.slots, left);
    pimArena_.assign(program.arenaBytes, 0);
    for (const pim::HostRegion &region : program.regions)
      if (!region.init.empty())
        std::memcpy(pimArena_.data() + region.offset, region.init.data(),
                    region.init.size());
    uint8_t *in = pimArena_.data() + kernel->input->offset;
    for (size_t t = 0; t < count; ++t)
      for (int64_t h = 0; h < hidden; ++h) {
        uint16_t bits =
            pim::toStorage(tokens[first + t][h], pimStream_->storage);
        std::memcpy(in + 2 * (t * hidden + h), &bits, 2);
      }
    if (!pimSim_->run(program, pimArena_, stats, error)) {
      error = "pim-sim, program '" + program.name + "': " + error;
      return -1;
    }
    const uint8_t *out = pimArena_.data() + kernel->output->offset;
    for (size_t t = 0; t < count; ++t)
      std::memcpy(outputs[first + t], out + 4 * t * hidden, 4 * hidden);
    first += count;
  }
  return stats.seconds;
}

bool Session::setPolicy(const std::string &name, std::string &error) {
  std::unique_ptr<cost::PlacementPolicy> policy = cost::createPolicy(name);
  if (!policy) {
    error = "unknown policy '" + name + "'; known:";
    for (std::string_view known : cost::policyNames())
      error += " " + std::string(known);
    return false;
  }
  policy_ = std::move(policy);
  policyName_ = name;
  return true;
}

bool Session::run(const std::vector<HostTensor> &inputs,
                  std::vector<HostTensor> &outputs, std::string &error) {
  if (inputs.size() != manifest_.inputs.size()) {
    error = "the model takes " + std::to_string(manifest_.inputs.size()) +
            " inputs, got " + std::to_string(inputs.size());
    return false;
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorSpec &spec = manifest_.inputs[i];
    bool fits = inputs[i].shape.size() == spec.shape.size();
    for (size_t d = 0; fits && d < spec.shape.size(); ++d)
      fits = spec.shape[d] < 0 || spec.shape[d] == inputs[i].shape[d];
    if (!fits) {
      auto text = [](const std::vector<int64_t> &shape) {
        std::string s = "[";
        for (size_t d = 0; d < shape.size(); ++d)
          s += (d ? ", " : "") +
               (shape[d] < 0 ? std::string("?") : std::to_string(shape[d]));
        return s + "]";
      };
      error = "input '" + spec.name + "' has shape " + text(inputs[i].shape) +
              "; the model expects " + text(spec.shape);
      return false;
    }
  }
  std::vector<int> ranks;
  for (const TensorSpec &spec : manifest_.outputs)
    ranks.push_back(static_cast<int>(spec.shape.size()));
  activeSession = this;
  layerError_.clear();
  bool ok = callEntry(entry_, inputs, ranks, outputs, error);
  activeSession = nullptr;
  ++step_;
  if (ok && !layerError_.empty()) {
    error = layerError_;
    return false;
  }
  return ok;
}

void Session::runLayer(int64_t layerId, const Matrix &tokens,
                       const Matrix &logits, Matrix &result) {
  int64_t rows = tokens.sizes[0], hidden = tokens.sizes[1];
  // Whatever happens, the compiled code gets a buffer it can free.
  auto *out = static_cast<float *>(std::calloc(
      static_cast<size_t>(std::max<int64_t>(rows * hidden, 1)), sizeof(float)));
  result.allocated = result.aligned = out;
  result.offset = 0;
  result.sizes[0] = rows;
  result.sizes[1] = hidden;
  result.strides[0] = hidden;
  result.strides[1] = 1;
  if (layerId < 0 || layerId >= static_cast<int64_t>(layers_.size())) {
    layerError_ =
        "the host code called unknown MoE layer " + std::to_string(layerId);
    return;
  }
  const LayerSpec &spec = manifest_.layers[layerId];
  LayerCode &code = layers_[layerId];
  if (hidden != spec.hidden || logits.sizes[1] != spec.experts ||
      logits.sizes[0] != rows) {
    layerError_ = "layer " + std::to_string(layerId) +
                  ": tokens/logits do not fit the manifest";
    return;
  }
  double stepStart = now();

  // Route with the compiled function.
  struct {
    Matrix ids, weights;
  } routed;
  Matrix logitsArg = logits;
  reinterpret_cast<void (*)(void *, Matrix *)>(code.route)(&routed, &logitsArg);
  double routeSeconds = now() - stepStart;
  int64_t k = spec.k, experts = spec.experts;
  // The step's buffers are the session's, reused: once the shapes have been
  // seen a step allocates (and faults in) none of them.
  std::vector<int64_t> &ids = buffers_.ids;
  std::vector<float> &weights = buffers_.weights;
  ids.resize(rows * k);
  weights.resize(rows * k);
  for (int64_t t = 0; t < rows; ++t)
    for (int64_t j = 0; j < k; ++j) {
      ids[t * k + j] = spec.idsBits == 64 ? at<int64_t>(routed.ids, t, j)
                                          : at<int32_t>(routed.ids, t, j);
      weights[t * k + j] = at<float>(routed.weights, t, j);
    }
  std::free(routed.ids.allocated);
  std::free(routed.weights.allocated);

  // A counting sort, with no allocation per expert: expert e's copies are
  // order[first[e] ..< first[e + 1]], in (token, slot) order.
  LayerRecord record;
  record.layer = layerId;
  record.step = step_;
  record.counts.assign(experts, 0);
  for (int64_t c = 0; c < rows * k; ++c) {
    if (ids[c] < 0 || ids[c] >= experts) {
      layerError_ = "layer " + std::to_string(layerId) + ": expert id " +
                    std::to_string(ids[c]) + " out of range";
      return;
    }
    ++record.counts[ids[c]];
  }
  std::vector<int64_t> &first = buffers_.first, &order = buffers_.order,
                       &next = buffers_.next;
  first.assign(experts + 1, 0);
  order.resize(rows * k);
  for (int64_t e = 0; e < experts; ++e)
    first[e + 1] = first[e] + record.counts[e];
  next.assign(first.begin(), first.end() - 1);
  for (int64_t c = 0; c < rows * k; ++c)
    order[next[ids[c]]++] = c;
  auto copyOf = [&](int64_t e, int64_t i) { return order[first[e] + i]; };
  record.pimOneTokenSeconds = code.cost->pimExpertTime(1);
  record.pimTimeLearned = !code.measured->empty();
  double decideStart = now();
  cost::ExpertSplit split = policy_->decide(record.counts, *code.cost);
  record.decideSeconds = now() - decideStart;
  record.gpuTokens = split.gpuTokens;

  // Each expert's tokens split into the GPU's share and PIM's. The GPU's
  // share computes on the host with modelled time (see the warnings); PIM's
  // runs in pim-sim, whose timing model gives its time, when the artifact
  // has PIM programs, else on the host with modelled time. The two lanes run
  // at the same time.
  struct Part {
    int64_t expert, begin, end;
  };
  std::vector<Part> lanes[2];
  lanes[0].reserve(experts);
  lanes[1].reserve(experts);
  LayerRecord::Lane gpuLane, pimLane;
  bool simulated = pimSim_ && !code.pim.empty();
  gpuLane.device = "gpu";
  gpuLane.ranOn = haveGpu_ ? "gpu" : "host";
  pimLane.device = "pim";
  pimLane.ranOn = simulated ? "pim-sim" : "host";
  pimLane.timing = simulated ? "simulated" : "modelled";
  for (int64_t e = 0; e < experts; ++e) {
    int64_t count = record.counts[e];
    int64_t onGpu = std::clamp<int64_t>(split.gpuTokens[e], 0, count);
    if (onGpu > 0) {
      lanes[0].push_back({e, 0, onGpu});
      gpuLane.experts += 1;
      gpuLane.tokens += onGpu;
      gpuLane.seconds += code.cost->gpuExpertTime(onGpu);
    }
    if (count > onGpu) {
      lanes[1].push_back({e, onGpu, count});
      pimLane.experts += 1;
      pimLane.tokens += count - onGpu;
      if (!simulated)
        pimLane.seconds += code.cost->pimExpertTime(count - onGpu);
    }
  }
  if (gpuLane.tokens > 0)
    gpuLane.seconds += gpu_.launchOverhead;
  if (pimLane.tokens > 0 && !simulated)
    pimLane.seconds += link_.latency + code.cost->commTime(pimLane.tokens);

  // Rows of different parts never overlap, so the lanes write expertOut
  // without locks.
  // Every copy belongs to exactly one part, so every row is written before
  // the combine reads it: no need to clear what the last step left.
  std::vector<float> &expertOut = buffers_.expertOut;
  expertOut.resize(rows * k * hidden);
  // Experts write disjoint rows, so the pool runs them in any order and on
  // any thread with the same result.
  auto runOnHost = [&](const std::vector<Part> &parts) {
    hostPool_->parallelFor(parts.size(), [&](size_t p) {
      const Part &part = parts[p];
      int64_t n = part.end - part.begin;
      HostTensor in;
      in.shape = {n, hidden};
      in.data.resize(n * hidden);
      for (int64_t i = part.begin; i < part.end; ++i) {
        int64_t t = copyOf(part.expert, i) / k;
        for (int64_t h = 0; h < hidden; ++h)
          in.data[(i - part.begin) * hidden + h] = at<float>(tokens, t, h);
      }
      Matrix inArg = describe(in), outArg;
      reinterpret_cast<void (*)(Matrix *, int64_t, Matrix *)>(code.expert)(
          &outArg, part.expert, &inArg);
      for (int64_t i = part.begin; i < part.end; ++i)
        for (int64_t h = 0; h < hidden; ++h)
          expertOut[copyOf(part.expert, i) * hidden + h] =
              at<float>(outArg, i - part.begin, h);
      std::free(outArg.allocated);
    });
  };
  // pim-sim's lane: each part's simulated time is also what the cost model
  // learns for that many tokens.
  std::string pimError;
  auto runInPimSim = [&](const std::vector<Part> &parts) {
    std::vector<float> row(hidden);
    for (const Part &part : parts) {
      std::vector<std::vector<float>> rowsIn;
      std::vector<const float *> in;
      std::vector<float *> out;
      rowsIn.reserve(part.end - part.begin);
      for (int64_t i = part.begin; i < part.end; ++i) {
        int64_t t = copyOf(part.expert, i) / k;
        for (int64_t h = 0; h < hidden; ++h)
          row[h] = at<float>(tokens, t, h);
        rowsIn.push_back(row);
        in.push_back(rowsIn.back().data());
        out.push_back(&expertOut[copyOf(part.expert, i) * hidden]);
      }
      double seconds =
          runOnPim(code.pim[part.expert], in, hidden, out, pimError);
      if (seconds < 0)
        return;
      int64_t n = part.end - part.begin;
      pimLane.seconds += seconds;
      code.measured->record(cost::Device::Pim, n, seconds,
                            code.cost->rooflineTime(cost::Device::Pim, n));
    }
  };
  double lanesStart = now();
  record.placementSeconds = lanesStart - stepStart - routeSeconds;
  if (!simulated) {
    // Both shares compute on the host: one pass of the pool over all parts.
    std::vector<Part> parts = lanes[0];
    parts.insert(parts.end(), lanes[1].begin(), lanes[1].end());
    runOnHost(parts);
  } else if (concurrentLanes_ && !lanes[0].empty() && !lanes[1].empty()) {
    std::thread pimWorker(runInPimSim, std::cref(lanes[1]));
    runOnHost(lanes[0]);
    pimWorker.join();
  } else {
    runOnHost(lanes[0]);
    runInPimSim(lanes[1]);
  }
  double lanesSeconds = now() - lanesStart;
  if (!pimError.empty()) {
    layerError_ = "layer " + std::to_string(layerId) + ": " + pimError;
    return;
  }

  // Combine in slot order: the same sums wherever an expert ran.
  for (int64_t t = 0; t < rows; ++t)
    for (int64_t j = 0; j < k; ++j) {
      float w = weights[t * k + j];
      const float *y = &expertOut[(t * k + j) * hidden];
      for (int64_t h = 0; h < hidden; ++h)
        out[t * hidden + h] += w * y[h];
    }

  LayerRecord::Lane hostLane;
  hostLane.device = "host";
  hostLane.ranOn = "host";
  hostLane.measured = true;
  hostLane.timing = "measured";
  hostLane.seconds = now() - stepStart;
  record.runtimeSeconds = hostLane.seconds - routeSeconds - lanesSeconds;
  gpuLane.start = pimLane.start = 0;
  record.lanes = {gpuLane, pimLane, hostLane};
  records_.push_back(std::move(record));
}

cost::TokenProfile Session::profile() const {
  cost::TokenProfile profile;
  for (const LayerRecord &record : records_) {
    if (record.layer >= static_cast<int64_t>(profile.layers.size()))
      profile.layers.resize(record.layer + 1);
    cost::TokenProfile::Layer &layer = profile.layers[record.layer];
    layer.numExperts = static_cast<int64_t>(record.counts.size());
    layer.steps.push_back(record.counts);
  }
  return profile;
}

} // namespace moe::runtime

/// The runtime's entry for compiled code: one MoE layer, re-dispatched.
extern "C" void _mlir_ciface_moe_rt_layer(moe::runtime::Matrix *result,
                                          int64_t layer,
                                          moe::runtime::Matrix *tokens,
                                          moe::runtime::Matrix *logits) {
  using namespace moe::runtime;
  if (!activeSession) {
    // Only reachable by calling compiled code outside Session::run.
    std::fprintf(stderr, "moe runtime: a MoE layer ran outside a session\n");
    std::abort();
  }
  activeSession->runLayer(layer, *tokens, *logits, *result);
}
