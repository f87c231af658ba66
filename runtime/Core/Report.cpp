//===- Report.cpp - the run report and the timeline -----------------------===//
//
// The timeline lays layer after layer on a common clock: a layer starts when
// the previous one finished (its slowest lane), and within a layer the GPU
// and PIM lanes run side by side while the host lane covers routing,
// dispatch and combine as measured here.
//
//===----------------------------------------------------------------------===//

#include "moe/Runtime/Report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace moe::runtime {

std::string reportJson(const Session &session) {
  using Json = nlohmann::json;
  Json records = Json::array();
  for (const LayerRecord &record : session.records()) {
    Json lanes = Json::array();
    for (const LayerRecord::Lane &lane : record.lanes)
      lanes.push_back({{"device", lane.device},
                       {"ran_on", lane.ranOn},
                       {"seconds", lane.seconds},
                       {"measured", lane.measured},
                       {"timing", lane.timing},
                       {"experts", lane.experts},
                       {"tokens", lane.tokens}});
    records.push_back(
        {{"layer", record.layer},
         {"step", record.step},
         {"counts", record.counts},
         {"gpu_tokens", record.gpuTokens},
         {"pim_model",
          {{"one_token_seconds", record.pimOneTokenSeconds},
           {"source", record.pimTimeLearned ? "pim-sim" : "roofline"}}},
         {"runtime_seconds", record.runtimeSeconds},
         {"placement_seconds", record.placementSeconds},
         {"decide_seconds", record.decideSeconds},
         {"lanes", lanes}});
  }
  Json doc = {{"format", "moe-run-report"},
              {"version", 1},
              {"policy", session.policyName()},
              {"warnings", session.warnings()},
              {"layers", records}};
  return doc.dump(2) + "\n";
}

std::string timelineSvg(const Session &session) {
  const char *lanes[] = {"gpu", "pim", "host"};
  const char *colours[] = {"#2ca02c", "#1f77b4", "#7f7f7f"};
  // Layer start times on the common clock.
  std::vector<double> starts;
  double clock = 0;
  for (const LayerRecord &record : session.records()) {
    starts.push_back(clock);
    double longest = 0;
    for (const LayerRecord::Lane &lane : record.lanes)
      longest = std::max(longest, lane.seconds);
    clock += longest;
  }
  double width = 900, left = 60, right = 20, rowHeight = 40, top = 40;
  double scale = clock > 0 ? (width - left - right) / clock : 0;
  std::string svg;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" "
                "height=\"%g\" font-family=\"sans-serif\" font-size=\"12\">\n"
                "<defs><pattern id=\"modelled\" width=\"6\" height=\"6\" "
                "patternUnits=\"userSpaceOnUse\"><path d=\"M0,6 l6,-6\" "
                "stroke=\"white\" stroke-width=\"1.5\"/></pattern>"
                "<pattern id=\"simulated\" width=\"6\" height=\"6\" "
                "patternUnits=\"userSpaceOnUse\"><circle cx=\"3\" cy=\"3\" "
                "r=\"1\" fill=\"white\"/></pattern></defs>\n"
                "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
                "<text x=\"%g\" y=\"22\">policy %s: %zu layer steps, %.3f ms "
                "(hatched: modelled, dotted: simulated)</text>\n",
                width, top + 3 * rowHeight + 30, left,
                session.policyName().c_str(), session.records().size(),
                clock * 1e3);
  svg += buf;
  for (int row = 0; row < 3; ++row) {
    std::snprintf(buf, sizeof buf, "<text x=\"8\" y=\"%g\">%s</text>\n",
                  top + row * rowHeight + rowHeight / 2 + 4, lanes[row]);
    svg += buf;
  }
  for (size_t i = 0; i < session.records().size(); ++i) {
    const LayerRecord &record = session.records()[i];
    for (const LayerRecord::Lane &lane : record.lanes) {
      int row = lane.device == "gpu" ? 0 : lane.device == "pim" ? 1 : 2;
      if (lane.seconds <= 0)
        continue;
      double x = left + (starts[i] + lane.start) * scale;
      double w = std::max(1.0, lane.seconds * scale);
      double y = top + row * rowHeight + 4;
      std::snprintf(buf, sizeof buf,
                    "<rect x=\"%.2f\" y=\"%g\" width=\"%.2f\" height=\"%g\" "
                    "fill=\"%s\" stroke=\"white\"><title>layer %lld step "
                    "%lld: %s %.3f us (%s, ran on %s)</title></rect>\n",
                    x, y, w, rowHeight - 8, colours[row],
                    static_cast<long long>(record.layer),
                    static_cast<long long>(record.step), lane.device.c_str(),
                    lane.seconds * 1e6, lane.timing.c_str(),
                    lane.ranOn.c_str());
      svg += buf;
      if (!lane.measured) {
        std::snprintf(buf, sizeof buf,
                      "<rect x=\"%.2f\" y=\"%g\" width=\"%.2f\" height=\"%g\" "
                      "fill=\"url(#%s)\"/>\n",
                      x, y, w, rowHeight - 8,
                      lane.timing == "simulated" ? "simulated" : "modelled");
        svg += buf;
      }
    }
  }
  svg += "</svg>\n";
  return svg;
}

} // namespace moe::runtime
