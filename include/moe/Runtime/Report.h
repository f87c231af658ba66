//===- Report.h - what a run did, as JSON and as a picture -------*- C++
//-*-===//

#ifndef MOE_RUNTIME_REPORT_H
#define MOE_RUNTIME_REPORT_H

#include "moe/Runtime/Session.h"

#include <string>

namespace moe::runtime {

/// Per layer and step: token counts, the GPU's share per expert, and each
/// lane's time with whether it was measured here or modelled.
std::string reportJson(const Session &session);

/// GPU, PIM and host lanes over time: one row per lane, one box per layer
/// and step, boxes of modelled times hatched.
std::string timelineSvg(const Session &session);

} // namespace moe::runtime

#endif // MOE_RUNTIME_REPORT_H
