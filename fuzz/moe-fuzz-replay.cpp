//===- moe-fuzz-replay.cpp - the fuzz targets without libFuzzer -----------===//
//
// Runs a fuzz target's entry point over files (or every file under
// directories, in name order) and prints per input whether it was accepted
// or rejected and why. The normal test suite replays the kept regression
// inputs and the seed corpora with it, so a fixed finding stays fixed
// without clang's fuzzer runtime.
//
//   moe-fuzz-replay <target> <file-or-dir>...
//   moe-fuzz-replay --tree <dir>   (each subfolder named after its target)
//   moe-fuzz-replay --list
//
//===----------------------------------------------------------------------===//

#include "FuzzTargets.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace moe::fuzz;

namespace {

/// `path` itself, or every regular file below it, sorted.
bool collectInputs(const std::string &path, std::vector<std::string> &inputs) {
  if (!llvm::sys::fs::is_directory(path)) {
    inputs.push_back(path);
    return true;
  }
  std::vector<std::string> found;
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(path, ec), end;
       it != end && !ec; it.increment(ec))
    if (llvm::sys::fs::is_regular_file(it->path()))
      found.push_back(it->path());
  if (ec) {
    llvm::errs() << "moe-fuzz-replay: " << path << ": " << ec.message() << "\n";
    return false;
  }
  llvm::sort(found);
  llvm::append_range(inputs, found);
  return true;
}

std::string firstLine(const std::string &text) {
  return text.substr(0, text.find('\n'));
}

/// Runs `target` over `inputs`, printing one line per input and a summary;
/// false when an input cannot be read.
bool replay(const FuzzTarget &target, const std::vector<std::string> &inputs) {
  unsigned accepted = 0;
  for (const std::string &input : inputs) {
    auto buffer = llvm::MemoryBuffer::getFile(input, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer) {
      llvm::errs() << "moe-fuzz-replay: " << input << ": "
                   << buffer.getError().message() << "\n";
      return false;
    }
    // Printed before the run, so a crash names its input.
    llvm::outs() << llvm::sys::path::filename(input) << ": ";
    llvm::outs().flush();
    // An exact-size heap copy, as libFuzzer passes it: under ASan a read
    // one byte past the input fails here too (a file mapping would not).
    size_t size = (*buffer)->getBufferSize();
    std::unique_ptr<uint8_t[]> bytes(new uint8_t[size]);
    std::memcpy(bytes.get(), (*buffer)->getBufferStart(), size);
    Outcome outcome = target.entry(bytes.get(), size);
    if (outcome.accepted) {
      ++accepted;
      llvm::outs() << "accepted\n";
    } else {
      llvm::outs() << "rejected: " << firstLine(outcome.message) << "\n";
    }
    llvm::outs().flush();
  }
  llvm::outs() << "moe-fuzz-replay " << target.name << ": " << inputs.size()
               << " input(s), " << accepted << " accepted, "
               << inputs.size() - accepted << " rejected\n";
  return true;
}

/// Every `<dir>/<target>/` folder through its target.
int replayTree(const std::string &dir) {
  std::vector<std::string> folders;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    folders.push_back(it->path());
  if (ec) {
    llvm::errs() << "moe-fuzz-replay: " << dir << ": " << ec.message() << "\n";
    return 1;
  }
  llvm::sort(folders);
  for (const std::string &folder : folders) {
    std::string name = llvm::sys::path::filename(folder).str();
    const FuzzTarget *target = findFuzzTarget(name);
    if (!target) {
      llvm::errs() << "moe-fuzz-replay: " << folder
                   << ": not named after a fuzz target\n";
      return 1;
    }
    std::vector<std::string> inputs;
    if (!collectInputs(folder, inputs) || !replay(*target, inputs))
      return 1;
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  std::string first = argc > 1 ? argv[1] : "";
  if (argc == 2 && first == "--list") {
    for (const FuzzTarget &target : fuzzTargets())
      llvm::outs() << target.name << ": " << target.covers << "\n";
    return 0;
  }
  if (argc == 3 && first == "--tree")
    return replayTree(argv[2]);
  if (argc < 3) {
    llvm::errs() << "usage: moe-fuzz-replay <target> <file-or-dir>...\n"
                    "       moe-fuzz-replay --tree <dir>\n"
                    "       moe-fuzz-replay --list\n";
    return 2;
  }
  const FuzzTarget *target = findFuzzTarget(first);
  if (!target) {
    llvm::errs() << "moe-fuzz-replay: unknown target '" << first
                 << "' (--list names them)\n";
    return 2;
  }
  std::vector<std::string> inputs;
  for (int i = 2; i < argc; ++i)
    if (!collectInputs(argv[i], inputs))
      return 1;
  return replay(*target, inputs) ? 0 : 1;
}
