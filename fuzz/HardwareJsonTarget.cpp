//===- HardwareJsonTarget.cpp - fuzz the descriptor and model readers -----===//
//
// JSON text as a hardware descriptor file (--gpu/--pim/--link x.json) and as
// a model file (moe-cost-bench --model x.json). Descriptors that parse must
// give the cost model finite, non-negative expert times: the reader's
// validation is all that stands between a user's file and the policies.
//
//===----------------------------------------------------------------------===//

#include "FuzzTargets.h"

#include "moe/CostModel/ExpertCost.h"
#include "moe/CostModel/Hardware.h"
#include "moe/CostModel/ModelCatalog.h"

#include <cmath>

namespace moe::fuzz {

namespace {

void checkTimes(const cost::HardwareSet &set) {
  cost::ExpertShape shape;
  shape.hidden = 64;
  shape.intermediate = 128;
  auto gpus = set.gpus.empty() ? cost::builtinGpus() : set.gpus;
  auto pims = set.pims.empty() ? cost::builtinPims() : set.pims;
  auto links = set.links.empty() ? cost::builtinLinks() : set.links;
  cost::LayerCostModel model(shape, gpus.front(), pims.front(), links.front());
  for (int64_t tokens : {1, 7, 64}) {
    for (double time : {model.gpuExpertTime(tokens),
                        model.pimExpertTime(tokens), model.commTime(tokens)})
      if (!std::isfinite(time) || time < 0)
        failProperty("hardware-json",
                     "a descriptor that parses gives the expert time " +
                         std::to_string(time) + " for " +
                         std::to_string(tokens) + " tokens");
  }
}

} // namespace

Outcome fuzzHardwareJson(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  std::string hardwareError, modelError;
  std::optional<cost::HardwareSet> set =
      cost::parseHardwareJson(text, hardwareError);
  if (set)
    checkTimes(*set);
  std::optional<cost::MoEModel> model = cost::parseModelJson(text, modelError);
  if (set || model)
    return Outcome::accept();
  return Outcome::reject(hardwareError);
}

} // namespace moe::fuzz
