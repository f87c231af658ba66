//===- ParetoPlot.cpp - tokens/s per user against tokens/s per GPU --------===//
//
// A dependency-free SVG: log-scaled axes (the batches span two orders of
// magnitude), one polyline per policy through its batches, labelled points.
//
//===----------------------------------------------------------------------===//

#include "moe/Runtime/Simulate/ServingSimulator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace moe::sim {

namespace {

constexpr double kWidth = 720, kHeight = 480;
constexpr double kLeft = 80, kRight = 160, kTop = 40, kBottom = 60;
const char *const kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

std::string escape(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

/// A log axis covering [lo, hi], extended to whole decades.
struct LogAxis {
  double lo, hi;
  LogAxis(double minValue, double maxValue)
      : lo(std::floor(std::log10(std::max(minValue, 1e-12)))),
        hi(std::ceil(std::log10(std::max(maxValue, 1e-12)))) {
    if (hi <= lo)
      hi = lo + 1;
  }
  double fraction(double value) const {
    return (std::log10(std::max(value, 1e-12)) - lo) / (hi - lo);
  }
};

} // namespace

std::string renderParetoSvg(const ServingConfig &config,
                            const std::vector<ServingPoint> &points) {
  double minX = 1e300, maxX = 0, minY = 1e300, maxY = 0;
  std::map<std::string, std::vector<const ServingPoint *>> byPolicy;
  std::vector<std::string> order;
  for (const ServingPoint &point : points) {
    minX = std::min(minX, point.tokensPerSecondPerUser());
    maxX = std::max(maxX, point.tokensPerSecondPerUser());
    minY = std::min(minY, point.tokensPerSecondPerGpu());
    maxY = std::max(maxY, point.tokensPerSecondPerGpu());
    if (!byPolicy.count(point.policy))
      order.push_back(point.policy);
    byPolicy[point.policy].push_back(&point);
  }
  LogAxis xAxis(minX, maxX), yAxis(minY, maxY);
  double plotW = kWidth - kLeft - kRight, plotH = kHeight - kTop - kBottom;
  auto px = [&](double v) { return kLeft + xAxis.fraction(v) * plotW; };
  auto py = [&](double v) { return kTop + (1 - yAxis.fraction(v)) * plotH; };

  std::string svg;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" "
                "height=\"%g\" font-family=\"sans-serif\" font-size=\"12\">\n"
                "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                kWidth, kHeight);
  svg += buf;
  std::string title = config.model.name + " on " + std::to_string(config.gpus) +
                      " x " + config.gpu.name + " + " + config.pim.name;
  std::snprintf(buf, sizeof buf,
                "<text x=\"%g\" y=\"24\" font-size=\"14\">%s</text>\n", kLeft,
                escape(title).c_str());
  svg += buf;
  // Decade grid lines and labels.
  for (double d = xAxis.lo; d <= xAxis.hi; d += 1) {
    double x = px(std::pow(10.0, d));
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" "
                  "stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%g\" "
                  "text-anchor=\"middle\">%g</text>\n",
                  x, kTop, x, kTop + plotH, x, kTop + plotH + 16,
                  std::pow(10.0, d));
    svg += buf;
  }
  for (double d = yAxis.lo; d <= yAxis.hi; d += 1) {
    double y = py(std::pow(10.0, d));
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" "
                  "stroke=\"#ddd\"/><text x=\"%g\" y=\"%.1f\" "
                  "text-anchor=\"end\">%g</text>\n",
                  kLeft, y, kLeft + plotW, y, kLeft - 6, y + 4,
                  std::pow(10.0, d));
    svg += buf;
  }
  std::snprintf(buf, sizeof buf,
                "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">tokens/s per "
                "user</text>\n<text transform=\"translate(20 %g) "
                "rotate(-90)\" text-anchor=\"middle\">tokens/s per "
                "GPU</text>\n",
                kLeft + plotW / 2, kHeight - 16, kTop + plotH / 2);
  svg += buf;
  for (size_t i = 0; i < order.size(); ++i) {
    const char *colour = kColours[i % (sizeof kColours / sizeof *kColours)];
    std::string path;
    for (const ServingPoint *point : byPolicy[order[i]]) {
      std::snprintf(buf, sizeof buf, "%.1f,%.1f ",
                    px(point->tokensPerSecondPerUser()),
                    py(point->tokensPerSecondPerGpu()));
      path += buf;
    }
    std::snprintf(buf, sizeof buf,
                  "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                  "points=\"%s\"/>\n",
                  colour, path.c_str());
    svg += buf;
    for (const ServingPoint *point : byPolicy[order[i]]) {
      std::snprintf(
          buf, sizeof buf,
          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>"
          "%s, batch %lld</title></circle>\n",
          px(point->tokensPerSecondPerUser()),
          py(point->tokensPerSecondPerGpu()), colour,
          escape(point->policy).c_str(), static_cast<long long>(point->batch));
      svg += buf;
    }
    std::snprintf(buf, sizeof buf,
                  "<text x=\"%g\" y=\"%g\" fill=\"%s\">%s</text>\n",
                  kLeft + plotW + 12, kTop + 16 + 18.0 * i, colour,
                  escape(order[i]).c_str());
    svg += buf;
  }
  svg += "</svg>\n";
  return svg;
}

} // namespace moe::sim
