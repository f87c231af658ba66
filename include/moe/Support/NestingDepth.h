//===- NestingDepth.h - refuse MLIR text nested beyond the parser -*- C++ -*-//
//
// MLIR's parser recurses once per level of nested parentheses, brackets,
// braces and angle brackets, with no limit: about 24000 nested '(' in a
// function type overflow the stack of upstream mlir-opt as well (found by
// the moe-dialect fuzzer). The tools check the depth before parsing and
// report where the text goes too deep instead.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_SUPPORT_NESTINGDEPTH_H
#define MOE_SUPPORT_NESTINGDEPTH_H

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <optional>

namespace moe {

/// Far beyond any real IR, far below what overflows the parser's stack.
inline constexpr unsigned kMaxMLIRNesting = 1000;

/// The offset of the first bracket of `text` that opens level `limit` + 1,
/// skipping string literals and `//` comments (and `->`, whose '>' closes
/// nothing); none when the text stays within `limit`.
std::optional<size_t> findExcessNesting(llvm::StringRef text,
                                        unsigned limit = kMaxMLIRNesting);

} // namespace moe

#endif // MOE_SUPPORT_NESTINGDEPTH_H
