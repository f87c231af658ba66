//===- NestingDepth.cpp - refuse MLIR text nested beyond the parser -------===//

#include "moe/Support/NestingDepth.h"

namespace moe {

std::optional<size_t> findExcessNesting(llvm::StringRef text, unsigned limit) {
  // One counter for all bracket kinds: the parser recurses on each, and a
  // mismatched text is the parser's to report.
  long depth = 0;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < e && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      continue;
    }
    if (c == '/' && i + 1 < e && text[i + 1] == '/') {
      while (i < e && text[i] != '\n')
        ++i;
      continue;
    }
    if (c == '(' || c == '[' || c == '{' || c == '<') {
      if (++depth > static_cast<long>(limit))
        return i;
    } else if (c == ')' || c == ']' || c == '}' ||
               (c == '>' && !(i > 0 && text[i - 1] == '-'))) {
      depth = depth > 0 ? depth - 1 : 0;
    }
  }
  return std::nullopt;
}

} // namespace moe
