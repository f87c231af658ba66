//===- moe-gpu-bench.cpp - host path time beside the modelled GPU time ----===//
//
// For the Mixtral-8x7B and Qwen3-30B-A3B expert layers at batch 1..1024,
// prints the cost model's GPU time of the layer (every expert on the GPU,
// tokens spread evenly over experts) and, with --host, the measured time of
// the host path (moe-opt --moe-host-pipeline, run by mlir-runner) on the
// layer's shape divided by --host-scale, since the full weights of a real
// layer do not fit this naive host path's time budget. No GPU is measured:
// tools/moe-gpu-bench/run-on-gpu.sh does that on a machine with one.
//
//   moe-gpu-bench [--gpu h100] [--host] [--host-scale 16]
//                 [--batches 1,2,4,...] [--runner PATH] [--moe-opt PATH]
//
//===----------------------------------------------------------------------===//

#include "moe/CostModel/ExpertCost.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

using namespace moe::cost;

namespace {

/// One routed-expert layer. Shapes from the models' config.json on the
/// Hugging Face hub (mistralai/Mixtral-8x7B-v0.1, Qwen/Qwen3-30B-A3B).
struct LayerShape {
  const char *name;
  int64_t hidden, intermediate, experts, topK;
};
constexpr LayerShape kLayers[] = {
    {"mixtral-8x7b", 4096, 14336, 8, 2},
    {"qwen3-30b-a3b", 2048, 768, 128, 8},
};

struct Options {
  std::string gpu = "h100";
  bool host = false;
  int64_t hostScale = 16;
  std::vector<int64_t> batches = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
  std::string runner = MOE_MLIR_RUNNER, moeOpt;
  std::string runnerLibs = MOE_RUNNER_LIBS;
};

/// Token copies per expert when batch * k copies spread evenly.
std::vector<int64_t> evenCounts(int64_t copies, int64_t experts) {
  std::vector<int64_t> counts(experts, copies / experts);
  for (int64_t e = 0; e < copies % experts; ++e)
    ++counts[e];
  return counts;
}

double modelledGpuSeconds(const LayerShape &layer, int64_t batch,
                          const GpuDescriptor &gpu) {
  ExpertShape shape{layer.hidden, layer.intermediate, /*matrices=*/3,
                    /*weightBits=*/16, /*activationBytes=*/2};
  LayerCostModel model(shape, gpu, builtinPims().front(),
                       builtinLinks().front());
  std::vector<int64_t> counts = evenCounts(batch * layer.topK, layer.experts);
  return model.layerTime(counts, ExpertSplit::allOn(counts, /*gpu=*/true))
      .total();
}

/// A program that times one moe.experts call on splat f32 weights (host
/// placement: the convert-moe-to-linalg path) and prints the seconds.
std::string hostProgram(int64_t hidden, int64_t inter, int64_t experts,
                        int64_t copies) {
  std::vector<int64_t> counts = evenCounts(copies, experts);
  std::string offsets = "0";
  int64_t sum = 0;
  for (int64_t c : counts)
    offsets += ", " + std::to_string(sum += c);
  std::string s;
  llvm::raw_string_ostream os(s);
  auto t = [](std::vector<int64_t> dims) {
    std::string r = "tensor<";
    for (int64_t d : dims)
      r += std::to_string(d) + "x";
    return r + "f32>";
  };
  std::string x = t({copies, hidden}), w1 = t({experts, inter, hidden}),
              w2 = t({experts, hidden, inter});
  std::string xd = "tensor<?x" + std::to_string(hidden) + "xf32>";
  os << "func.func private @rtclock() -> f64\n"
     << "func.func private @printF64(f64)\n"
     << "func.func private @printNewline()\n"
     << "func.func @main() {\n"
     << "  %x = arith.constant dense<0.01> : " << x << "\n"
     << "  %o = arith.constant dense<[" << offsets << "]> : tensor<"
     << experts + 1 << "xi64>\n"
     << "  %w1 = arith.constant dense<0.02> : " << w1 << "\n"
     << "  %w2 = arith.constant dense<0.03> : " << w2 << "\n"
     << "  %w3 = arith.constant dense<0.04> : " << w1 << "\n"
     << "  %xd = tensor.cast %x : " << x << " to " << xd << "\n"
     << "  %t0 = func.call @rtclock() : () -> f64\n"
     << "  %y = moe.experts %xd, %o fc1 %w1, fc2 %w2, fc3 %w3\n"
     << "      activation swiglu(separate)\n"
     << "      : (" << xd << ", tensor<" << experts + 1 << "xi64>, " << w1
     << ", " << w2 << ", " << w1 << ") -> " << xd << "\n"
     << "  %t1 = func.call @rtclock() : () -> f64\n"
     << "  %dt = arith.subf %t1, %t0 : f64\n"
     << "  func.call @printF64(%dt) : (f64) -> ()\n"
     << "  func.call @printNewline() : () -> ()\n"
     << "  %c0 = arith.constant 0 : index\n"
     // Reading the result keeps the layer from being removed as dead code.
     << "  %v = tensor.extract %y[%c0, %c0] : " << xd << "\n"
     << "  %vd = arith.extf %v : f32 to f64\n"
     << "  func.call @printF64(%vd) : (f64) -> ()\n"
     << "  func.call @printNewline() : () -> ()\n"
     << "  return\n}\n";
  return s;
}

/// Compiles and runs `program`; returns the seconds it printed, or < 0.
double runOnHost(const Options &options, const std::string &program) {
  llvm::SmallString<128> dir;
  if (llvm::sys::fs::createUniqueDirectory("moe-gpu-bench", dir))
    return -1;
  auto path = [&](const char *name) {
    llvm::SmallString<128> p(dir);
    llvm::sys::path::append(p, name);
    return std::string(p);
  };
  std::string input = path("layer.mlir"), lowered = path("layer.ll.mlir"),
              output = path("out.txt");
  {
    std::error_code error;
    llvm::raw_fd_ostream file(input, error);
    if (error)
      return -1;
    file << program;
  }
  std::optional<llvm::StringRef> toOutput[] = {std::nullopt, output,
                                               std::nullopt};
  if (llvm::sys::ExecuteAndWait(options.moeOpt,
                                {options.moeOpt, input,
                                 "--moe-host-pipeline=runtime-checks=0", "-o",
                                 lowered}) != 0)
    return -1;
  std::string libs = "-shared-libs=" + options.runnerLibs;
  if (llvm::sys::ExecuteAndWait(options.runner,
                                {options.runner, "-e", "main",
                                 "-entry-point-result=void", "-O3", libs,
                                 lowered},
                                std::nullopt, toOutput) != 0)
    return -1;
  auto buffer = llvm::MemoryBuffer::getFile(output);
  if (!buffer)
    return -1;
  double seconds = -1;
  llvm::StringRef text = (*buffer)->getBuffer();
  if (llvm::to_float(text.split('\n').first.trim(), seconds))
    llvm::sys::fs::remove_directories(dir);
  return seconds;
}

bool parseArgs(int argc, char **argv, Options &options) {
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    auto value = [&]() -> const char * {
      return i + 1 < argc ? argv[++i] : nullptr;
    };
    const char *v = nullptr;
    if (arg == "--gpu" && (v = value()))
      options.gpu = v;
    else if (arg == "--host")
      options.host = true;
    else if (arg == "--host-scale" && (v = value()))
      options.hostScale = std::atoll(v);
    else if (arg == "--runner" && (v = value()))
      options.runner = v;
    else if (arg == "--moe-opt" && (v = value()))
      options.moeOpt = v;
    else if (arg == "--batches" && (v = value())) {
      options.batches.clear();
      llvm::SmallVector<llvm::StringRef> parts;
      llvm::StringRef(v).split(parts, ',');
      for (llvm::StringRef p : parts) {
        int64_t b = 0;
        if (p.getAsInteger(10, b) || b <= 0)
          return false;
        options.batches.push_back(b);
      }
    } else
      return false;
  }
  return options.hostScale > 0;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  if (!parseArgs(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: moe-gpu-bench [--gpu NAME] [--host] [--host-scale N] "
                 "[--batches B1,B2,...] [--runner PATH] [--moe-opt PATH]\n");
    return 2;
  }
  std::optional<GpuDescriptor> gpu = findGpu(options.gpu);
  if (!gpu) {
    std::fprintf(stderr, "moe-gpu-bench: unknown GPU '%s'\n",
                 options.gpu.c_str());
    return 2;
  }
  if (options.moeOpt.empty()) {
    std::string self = llvm::sys::fs::getMainExecutable(argv[0], (void *)&main);
    llvm::SmallString<128> p(llvm::sys::path::parent_path(self));
    llvm::sys::path::append(p, "moe-opt");
    options.moeOpt = std::string(p);
  }

  std::printf("NO GPU WAS MEASURED. GPU times below are the cost model's "
              "roofline for %s (bf16 weights), not measurements;\n"
              "run tools/moe-gpu-bench/run-on-gpu.sh on a machine with a GPU "
              "for real kernel times.\n",
              gpu->name.c_str());
  if (options.host)
    std::printf("Host times: the host path (moe-host-pipeline, f32) measured "
                "here on the layer with H and I divided by %lld.\n",
                static_cast<long long>(options.hostScale));
  std::printf("\n%-14s %6s %14s", "layer", "batch", "model_gpu_us");
  if (options.host)
    std::printf(" %18s %12s %12s %10s", "host_shape(HxIxE)", "host_us",
                "host_GFLOP/s", "host_GB/s");
  std::printf("\n");
  for (const LayerShape &layer : kLayers) {
    for (int64_t batch : options.batches) {
      double gpuUs = modelledGpuSeconds(layer, batch, *gpu) * 1e6;
      std::printf("%-14s %6lld %14.1f", layer.name,
                  static_cast<long long>(batch), gpuUs);
      if (options.host) {
        int64_t h = std::max<int64_t>(1, layer.hidden / options.hostScale);
        int64_t i =
            std::max<int64_t>(1, layer.intermediate / options.hostScale);
        double seconds = runOnHost(
            options, hostProgram(h, i, layer.experts, batch * layer.topK));
        std::string shape = std::to_string(h) + "x" + std::to_string(i) + "x" +
                            std::to_string(layer.experts);
        // SwiGLU with fc3: three h x i matrices per expert.
        int64_t copies = batch * layer.topK;
        int64_t active = std::min(copies, layer.experts);
        double flops = 2.0 * 3 * h * i * copies;
        double weightBytes = 4.0 * 3 * h * i * active;
        if (seconds <= 0)
          std::printf(" %18s %12s", shape.c_str(), "failed");
        else
          std::printf(" %18s %12.1f %12.2f %10.2f", shape.c_str(),
                      seconds * 1e6, flops / seconds * 1e-9,
                      weightBytes / seconds * 1e-9);
      }
      std::printf("\n");
      std::fflush(stdout);
    }
  }
  return 0;
}
