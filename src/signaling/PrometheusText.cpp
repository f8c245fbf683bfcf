#include "signaling/PrometheusText.hpp"

#include <cmath>
#include <cstdio>

namespace jb::signaling {

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  name_ = name;
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  // HELP text escapes only backslash and newline.
  for (char c : help) {
    if (c == '\\')
      out_ += "\\\\";
    else if (c == '\n')
      out_ += "\\n";
    else
      out_ += c;
  }
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PrometheusText::writeLabels(Labels labels) {
  out_ += name_;
  if (labels.size() == 0) return;
  out_ += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) out_ += ',';
    first = false;
    out_ += key;
    out_ += "=\"";
    for (char c : value) {
      if (c == '\\')
        out_ += "\\\\";
      else if (c == '"')
        out_ += "\\\"";
      else if (c == '\n')
        out_ += "\\n";
      else
        out_ += c;
    }
    out_ += '"';
  }
  out_ += '}';
}

void PrometheusText::sample(Labels labels, uint64_t value) {
  writeLabels(labels);
  out_ += ' ';
  out_ += std::to_string(value);
  out_ += '\n';
}

void PrometheusText::sample(Labels labels, int64_t value) {
  writeLabels(labels);
  out_ += ' ';
  out_ += std::to_string(value);
  out_ += '\n';
}

void PrometheusText::sample(Labels labels, double value) {
  writeLabels(labels);
  out_ += ' ';
  if (std::isnan(value)) {
    out_ += "NaN";
  } else if (std::isinf(value)) {
    out_ += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    out_ += buffer;
  }
  out_ += '\n';
}

void PrometheusText::histogram(std::pair<std::string_view, std::string_view> label,
                               std::span<const double> upperBounds,
                               std::span<const uint64_t> cumulativeCounts, double sum, uint64_t count) {
  const std::string family = name_;
  name_ = family + "_bucket";
  for (size_t i = 0; i < upperBounds.size() && i < cumulativeCounts.size(); ++i) {
    char bound[32];
    std::snprintf(bound, sizeof bound, "%g", upperBounds[i]);
    sample({label, {"le", bound}}, cumulativeCounts[i]);
  }
  sample({label, {"le", "+Inf"}}, count);
  name_ = family + "_sum";
  sample({label}, sum);
  name_ = family + "_count";
  sample({label}, count);
  name_ = family;
}

}  // namespace jb::signaling
