//===- moe-runtime-stress.cpp - many steps, many sessions, bad artifacts --===//
//
// Drives the runtime through its public API as a serving loop would:
//
//  * `--sessions N` sessions of the same artifact, each in its own thread,
//    run `--steps S` steps with a random token count and random router
//    logits per step, and a random placement policy set between steps; the
//    GPU and PIM lanes of each layer run concurrently;
//  * a reference session runs the same inputs under the same policies with
//    the lanes serial (moe-run --serial), and every step's outputs must be
//    bit-identical to it;
//  * meanwhile another thread loads corrupted copies of the artifact
//    (a flipped byte at several offsets, truncations, a manifest that is
//    not JSON behind a valid checksum) through the C API: each must fail
//    with a message, and the running sessions must not notice.
//
// Prints a summary; exits non-zero on the first mismatch or unexpected
// success/failure. The seed makes a run reproducible.
//
//===----------------------------------------------------------------------===//

#include "moe-c/Runtime.h"
#include "moe/Runtime/Artifact.h"
#include "moe/Runtime/Session.h"
#include "moe/Runtime/Support/ByteIO.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace moe::runtime;

namespace {

const char *const kPolicies[] = {"all-gpu",   "all-pim", "sieve", "optimal",
                                 "threshold", "pimoe",   "duplex"};

struct Options {
  std::string artifact, scratch;
  int sessions = 3, steps = 100, maxTokens = 48;
  unsigned seed = 1;
};

/// One step's inputs and the policy it runs under, the same for every
/// session so that all of them can be compared with the serial reference.
struct StepPlan {
  std::string policy;
  std::vector<HostTensor> inputs;
};

std::vector<StepPlan> planSteps(const Manifest &manifest,
                                const Options &options) {
  std::mt19937 rng(options.seed);
  std::uniform_int_distribution<int> tokens(1, options.maxTokens);
  std::uniform_int_distribution<size_t> policy(0, std::size(kPolicies) - 1);
  std::normal_distribution<float> value(0.0f, 1.5f);
  std::vector<StepPlan> plans(options.steps);
  for (StepPlan &plan : plans) {
    plan.policy = kPolicies[policy(rng)];
    int64_t t = tokens(rng);
    for (const TensorSpec &spec : manifest.inputs) {
      HostTensor tensor;
      for (int64_t d : spec.shape)
        tensor.shape.push_back(d < 0 ? t : d);
      tensor.data.resize(tensor.elements());
      for (float &x : tensor.data)
        x = value(rng);
      plan.inputs.push_back(std::move(tensor));
    }
  }
  return plans;
}

bool sameBits(const std::vector<HostTensor> &a,
              const std::vector<HostTensor> &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].shape != b[i].shape || a[i].data.size() != b[i].data.size() ||
        std::memcmp(a[i].data.data(), b[i].data.data(), 4 * a[i].data.size()) !=
            0)
      return false;
  return true;
}

/// Runs every planned step in a new session; `outputs[s]` gets step s's.
bool runPlan(const Artifact &artifact, bool concurrentLanes,
             const std::vector<StepPlan> &plans,
             std::vector<std::vector<HostTensor>> &outputs,
             std::string &error) {
  SessionOptions options;
  options.concurrentLanes = concurrentLanes;
  // Concurrent sessions also spread their host experts over 3 threads,
  // whatever the machine has, so the worker pool is exercised everywhere.
  options.hostThreads = 3;
  std::unique_ptr<Session> session = Session::create(artifact, options, error);
  if (!session)
    return false;
  outputs.assign(plans.size(), {});
  for (size_t s = 0; s < plans.size(); ++s) {
    if (!session->setPolicy(plans[s].policy, error) ||
        !session->run(plans[s].inputs, outputs[s], error)) {
      error =
          "step " + std::to_string(s) + " (" + plans[s].policy + "): " + error;
      return false;
    }
  }
  if (session->records().size() !=
      plans.size() * session->manifest().layers.size()) {
    error = "the session recorded " +
            std::to_string(session->records().size()) + " layer runs";
    return false;
  }
  return true;
}

bool writeFile(const std::string &path, const std::vector<uint8_t> &bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  return static_cast<bool>(out);
}

/// Corrupted copies of `bytes`, each with the word its load error must
/// contain.
std::vector<std::pair<std::vector<uint8_t>, std::string>>
corruptions(const std::vector<uint8_t> &bytes, const Artifact &artifact) {
  std::vector<std::pair<std::vector<uint8_t>, std::string>> cases;
  for (size_t at : {bytes.size() / 4, bytes.size() / 2, 3 * bytes.size() / 4,
                    bytes.size() - 5}) {
    std::vector<uint8_t> flipped = bytes;
    flipped[at] ^= 0x5A;
    cases.push_back({flipped, "checksum mismatch"});
  }
  for (size_t length : {bytes.size() / 2, size_t(30), size_t(3)})
    cases.push_back(
        {std::vector<uint8_t>(bytes.begin(), bytes.begin() + length),
         "at byte"});
  // A valid container whose manifest is not JSON: caught past the checksum.
  Artifact broken = artifact;
  for (Section &section : broken.sections)
    if (section.kind == SectionKind::Manifest)
      section.bytes.resize(section.bytes.size() / 2);
  cases.push_back({encodeArtifact(broken), "manifest"});
  return cases;
}

bool parseArgs(int argc, char **argv, Options &options) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char *flag) -> const char * {
      size_t n = std::strlen(flag);
      return arg.compare(0, n, flag) == 0 && arg.size() > n && arg[n] == '='
                 ? argv[i] + n + 1
                 : nullptr;
    };
    if (const char *v = value("--sessions"))
      options.sessions = std::atoi(v);
    else if (const char *v = value("--steps"))
      options.steps = std::atoi(v);
    else if (const char *v = value("--max-tokens"))
      options.maxTokens = std::atoi(v);
    else if (const char *v = value("--seed"))
      options.seed = static_cast<unsigned>(std::atoi(v));
    else if (const char *v = value("--scratch"))
      options.scratch = v;
    else if (options.artifact.empty() && arg[0] != '-')
      options.artifact = arg;
    else
      return false;
  }
  return !options.artifact.empty() && !options.scratch.empty() &&
         options.sessions > 0 && options.steps > 0 && options.maxTokens > 0;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  if (!parseArgs(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: moe-runtime-stress MODEL.moeb --scratch=DIR "
                 "[--sessions=N] [--steps=S] [--max-tokens=T] [--seed=X]\n");
    return 2;
  }
  std::string error;
  std::optional<Artifact> artifact = loadArtifact(options.artifact, error);
  if (!artifact) {
    std::printf("error: %s\n", error.c_str());
    return 1;
  }
  std::optional<Manifest> manifest;
  if (const Section *section = artifact->find(SectionKind::Manifest))
    manifest = parseManifest(
        std::string(section->bytes.begin(), section->bytes.end()), error);
  if (!manifest) {
    std::printf("error: %s\n", error.c_str());
    return 1;
  }
  std::vector<StepPlan> plans = planSteps(*manifest, options);

  std::vector<std::vector<HostTensor>> reference;
  if (!runPlan(*artifact, /*concurrentLanes=*/false, plans, reference, error)) {
    std::printf("error: serial reference: %s\n", error.c_str());
    return 1;
  }

  std::mutex report;
  std::atomic<int> failures{0};
  std::atomic<bool> sessionsDone{false};
  auto fail = [&](const std::string &what) {
    std::lock_guard<std::mutex> lock(report);
    std::printf("FAIL: %s\n", what.c_str());
    ++failures;
  };

  std::vector<std::thread> workers;
  for (int w = 0; w < options.sessions; ++w)
    workers.emplace_back([&, w] {
      std::vector<std::vector<HostTensor>> outputs;
      std::string why;
      if (!runPlan(*artifact, /*concurrentLanes=*/true, plans, outputs, why))
        return fail("session " + std::to_string(w) + ": " + why);
      for (size_t s = 0; s < plans.size(); ++s)
        if (!sameBits(outputs[s], reference[s]))
          return fail("session " + std::to_string(w) + ", step " +
                      std::to_string(s) + " (" + plans[s].policy +
                      "): outputs differ from the serial run");
    });

  // Corrupted artifacts, loaded over and over while the sessions run.
  std::vector<uint8_t> bytes = encodeArtifact(*artifact);
  auto cases = corruptions(bytes, *artifact);
  int rejected = 0, rounds = 0;
  std::thread corrupter([&] {
    do {
      for (size_t c = 0; c < cases.size(); ++c) {
        std::string path =
            options.scratch + "/corrupt-" + std::to_string(c) + ".moeb";
        if (!writeFile(path, cases[c].first))
          return fail("cannot write " + path);
        char message[512] = "";
        MoeSession *session =
            moeSessionCreate(path.c_str(), nullptr, message, sizeof message);
        if (session) {
          moeSessionDestroy(session);
          return fail("corruption " + std::to_string(c) + " loaded");
        }
        if (!std::strstr(message, cases[c].second.c_str()))
          return fail("corruption " + std::to_string(c) + ": '" + message +
                      "' does not say '" + cases[c].second + "'");
        if (rounds == 0) {
          std::lock_guard<std::mutex> lock(report);
          std::printf("corruption %zu rejected: %s\n", c, message);
        }
        ++rejected;
      }
      ++rounds;
    } while (!sessionsDone);
  });
  for (std::thread &worker : workers)
    worker.join();
  sessionsDone = true;
  corrupter.join();

  if (failures)
    return 1;
  std::printf("%d concurrent session(s) x %d steps match the serial run "
              "bit for bit\n",
              options.sessions, options.steps);
  std::printf("%d corrupted load(s) rejected while they ran\n", rejected);
  return 0;
}
