//===- pim-sim.cpp - run a PIM program of a command stream ---------------===//
//
// pim-sim STREAM.pimc --program NAME --input x.npy [--output y.npy]
//         [--report report.json] [--device NAME|FILE.json] [--dump]
//         [--check-timing]
//
// Runs the program over every row of x, `slots` tokens per run, on the
// device the stream names (or --device), and prints the simulated time.
// Links no MLIR.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModel/Hardware.h"
#include "moe/Runtime/PIM/CommandStream.h"
#include "moe/Runtime/PIM/DeviceTiming.h"
#include "moe/Runtime/PIM/Simulator.h"
#include "moe/Runtime/PIM/TimingChecker.h"
#include "moe/Runtime/Support/Npy.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

using namespace moe;
using namespace moe::pim;

namespace {

struct Options {
  std::string stream, program, input, output, report, device;
  bool dump = false, checkTiming = false;
};

int fail(const std::string &message) {
  std::fprintf(stderr, "pim-sim: error: %s\n", message.c_str());
  return 1;
}

void usage(FILE *out) {
  std::fprintf(out,
               "usage: pim-sim STREAM.pimc [--program NAME] [--input X.npy] "
               "[--output Y.npy]\n"
               "               [--report REPORT.json] [--device NAME|FILE.json]"
               " [--dump] [--check-timing]\n");
}

bool parseOptions(int argc, char **argv, Options &options, std::string &error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string &out) {
      if (i + 1 >= argc) {
        error = "option " + arg + " needs a value";
        return false;
      }
      out = argv[++i];
      return true;
    };
    if (arg == "--program") {
      if (!value(options.program))
        return false;
    } else if (arg == "--input") {
      if (!value(options.input))
        return false;
    } else if (arg == "--output") {
      if (!value(options.output))
        return false;
    } else if (arg == "--report") {
      if (!value(options.report))
        return false;
    } else if (arg == "--device") {
      if (!value(options.device))
        return false;
    } else if (arg == "--dump") {
      options.dump = true;
    } else if (arg == "--check-timing") {
      options.checkTiming = true;
    } else if (arg.rfind("--", 0) == 0) {
      error = "unknown option " + arg;
      return false;
    } else if (options.stream.empty()) {
      options.stream = arg;
    } else {
      error =
          "more than one stream given (" + options.stream + ", " + arg + ")";
      return false;
    }
  }
  if (options.stream.empty()) {
    error = "no command stream given";
    return false;
  }
  return true;
}

std::string describe(const DeviceGeometry &g) {
  return std::to_string(g.channels) + " channels x " +
         std::to_string(g.banksPerChannel) + " banks, " +
         std::to_string(g.rowsPerBank) + " rows of " +
         std::to_string(g.rowBytes) + " B, " + std::to_string(g.burstBytes) +
         " B bursts, " + std::to_string(g.globalBufferBytes) + " B GB, " +
         std::to_string(g.accumulatorsPerBank) + " accumulators";
}

bool sameGeometry(const DeviceGeometry &a, const DeviceGeometry &b) {
  return a.channels == b.channels && a.banksPerChannel == b.banksPerChannel &&
         a.rowsPerBank == b.rowsPerBank && a.rowBytes == b.rowBytes &&
         a.burstBytes == b.burstBytes &&
         a.globalBufferBytes == b.globalBufferBytes &&
         a.accumulatorsPerBank == b.accumulatorsPerBank;
}

const HostRegion *regionOf(const Program &program, HostRegion::Kind kind) {
  for (const HostRegion &region : program.regions)
    if (region.kind == kind)
      return &region;
  return nullptr;
}

std::string shapeText(const std::vector<uint64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

std::string jsonNumber(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value);
  return buffer;
}

std::string jsonString(const std::string &text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof(buffer), "\\u%04x", c);
      out += buffer;
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string reportJson(const std::string &device, const Program &program,
                       uint64_t tokens, const RunStats &stats) {
  std::string json = "{\n";
  auto field = [&](const std::string &name, const std::string &value) {
    json += "  " + jsonString(name) + ": " + value + ",\n";
  };
  field("device", jsonString(device));
  field("program", jsonString(program.name));
  field("slots", std::to_string(program.slots));
  field("tokens", std::to_string(tokens));
  field("runs", std::to_string(stats.runs));
  field("cycles", std::to_string(stats.cycles));
  field("seconds", jsonNumber(stats.seconds));
  field("seconds_per_run",
        jsonNumber(stats.runs ? stats.seconds / stats.runs : 0));
  field("refreshes", std::to_string(stats.refreshes));
  field("forced_refreshes", std::to_string(stats.forcedRefreshes));
  field("host_bytes", std::to_string(stats.hostBytes));
  field("mac_bytes", std::to_string(stats.macBytes));
  field("internal_bandwidth", jsonNumber(stats.internalBandwidth()));
  std::string commands = "{";
  for (unsigned op = 0; op < kNumOpcodes; ++op) {
    if (!stats.channelCommands[op])
      continue;
    if (commands.size() > 1)
      commands += ", ";
    commands += jsonString(mnemonic(static_cast<Opcode>(op))) + ": " +
                std::to_string(stats.channelCommands[op]);
  }
  json += "  \"channel_commands\": " + commands + "}\n}\n";
  return json;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  std::string error;
  if (argc >= 2 &&
      (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
    usage(stdout);
    return 0;
  }
  if (!parseOptions(argc, argv, options, error)) {
    usage(stderr);
    return fail(error);
  }
  std::optional<CommandStream> stream = loadStream(options.stream, error);
  if (!stream)
    return fail(error);
  if (options.dump)
    std::fputs(dumpStream(*stream).c_str(), stdout);
  if (options.input.empty()) {
    if (options.dump)
      return 0;
    return fail("no --input given (or --dump to list the stream)");
  }

  std::string programNames;
  for (const Program &program : stream->programs)
    programNames += (programNames.empty() ? "" : ", ") + program.name;
  if (options.program.empty()) {
    if (stream->programs.size() != 1)
      return fail("--program is needed: the stream holds " +
                  std::to_string(stream->programs.size()) + " programs (" +
                  programNames + ")");
    options.program = stream->programs[0].name;
  }

  std::string deviceSpec =
      options.device.empty() ? stream->deviceName : options.device;
  std::optional<cost::PimDescriptor> pim = cost::resolvePim(deviceSpec, error);
  if (!pim)
    return fail(error);
  DeviceTiming timing = timingOf(*pim, error);
  if (!error.empty())
    return fail(error);
  if (!sameGeometry(geometryOf(*pim), stream->geometry))
    return fail("the stream was compiled for " + describe(stream->geometry) +
                "; device \"" + pim->name + "\" has " +
                describe(geometryOf(*pim)));

  SimulatorOptions simOptions;
  simOptions.trace = options.checkTiming;
  std::unique_ptr<Simulator> sim =
      Simulator::create(*stream, timing, simOptions, error);
  if (!sim)
    return fail(error);
  const Program *program = sim->findProgram(options.program);
  if (!program)
    return fail("no program \"" + options.program + "\" in " + options.stream +
                " (programs: " + programNames + ")");
  const HostRegion *input = regionOf(*program, HostRegion::Kind::Input);
  const HostRegion *output = regionOf(*program, HostRegion::Kind::Output);
  if (!input || !output)
    return fail("program \"" + program->name + "\" has no " +
                (input ? "output" : "input") + " region");

  std::optional<runtime::NpyArray> x = runtime::loadNpy(options.input, error);
  if (!x)
    return fail(error);
  uint64_t tokens = 0;
  if (x->shape.size() == 1 && x->shape[0] == program->inputSize)
    tokens = 1;
  else if (x->shape.size() == 2 && x->shape[1] == program->inputSize)
    tokens = x->shape[0];
  else
    return fail(options.input + ": shape " + shapeText(x->shape) +
                " does not fit program \"" + program->name +
                "\": expected (tokens, " + std::to_string(program->inputSize) +
                ") or (" + std::to_string(program->inputSize) + ",)");

  runtime::NpyArray y;
  y.shape = {tokens, program->outputSize};
  y.data.assign(tokens * program->outputSize, 0.0f);
  RunStats stats;
  std::vector<uint8_t> arena;
  for (uint64_t first = 0; first < tokens; first += program->slots) {
    uint64_t count = std::min<uint64_t>(program->slots, tokens - first);
    arena.assign(program->arenaBytes, 0);
    for (const HostRegion &region : program->regions)
      if (!region.init.empty())
        std::memcpy(arena.data() + region.offset, region.init.data(),
                    region.bytes);
    for (uint64_t i = 0; i < count * program->inputSize; ++i) {
      uint16_t bits =
          toStorage(x->data[first * program->inputSize + i], stream->storage);
      std::memcpy(arena.data() + input->offset + 2 * i, &bits, 2);
    }
    if (!sim->run(*program, arena, stats, error))
      return fail("program \"" + program->name + "\", tokens " +
                  std::to_string(first) + ".." +
                  std::to_string(first + count - 1) + ": " + error);
    std::memcpy(y.data.data() + first * program->outputSize,
                arena.data() + output->offset, 4 * count * program->outputSize);
  }

  if (options.checkTiming) {
    std::string problem = checkTrace(stream->geometry, timing, sim->trace());
    if (!problem.empty())
      return fail("timing check: " + problem);
    std::printf("timing check: %zu commands meet every constraint\n",
                sim->trace().size());
  }
  if (!options.output.empty() && !runtime::saveNpy(options.output, y, error))
    return fail(error);
  if (!options.report.empty()) {
    std::ofstream file(options.report);
    file << reportJson(pim->name, *program, tokens, stats);
    if (!file)
      return fail(options.report + ": cannot write the report");
  }

  std::printf("program \"%s\" on %s: %llu tokens in %llu runs of %u slots\n",
              program->name.c_str(), pim->name.c_str(),
              (unsigned long long)tokens, (unsigned long long)stats.runs,
              program->slots);
  std::printf("  time %llu cycles = %.3f us, %.3f us per run\n",
              (unsigned long long)stats.cycles, stats.seconds * 1e6,
              stats.runs ? stats.seconds * 1e6 / stats.runs : 0.0);
  std::printf("  commands");
  for (unsigned op = 0; op < kNumOpcodes; ++op)
    if (stats.programCommands[op])
      std::printf(" %s %llu", mnemonic(static_cast<Opcode>(op)),
                  (unsigned long long)stats.programCommands[op]);
  std::printf(
      "\n  MAC reads %llu B at %.3f GB/s; host %llu B; %llu "
      "refreshes\n",
      (unsigned long long)stats.macBytes, stats.internalBandwidth() / 1e9,
      (unsigned long long)stats.hostBytes, (unsigned long long)stats.refreshes);
  return 0;
}
