#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace jb::signaling {

// Writes the Prometheus text exposition format 0.0.4: a `# HELP` and `# TYPE` line per family, then
// its samples. Label values are escaped; names are ours and trusted.
class PrometheusText {
 public:
  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // Starts a family. `type` is "counter" or "gauge"; counters' names end in `_total`.
  void family(std::string_view name, std::string_view type, std::string_view help);
  // One sample of the current family.
  void sample(Labels labels, double value);
  void sample(Labels labels, uint64_t value);
  void sample(Labels labels, int64_t value);
  void sample(uint64_t value) { sample({}, value); }
  // One labelled series of a histogram family: `<name>_bucket{...,le=...}` (cumulative counts for
  // each upper bound, then +Inf), `<name>_sum` and `<name>_count`.
  void histogram(std::pair<std::string_view, std::string_view> label, std::span<const double> upperBounds,
                 std::span<const uint64_t> cumulativeCounts, double sum, uint64_t count);

  const std::string& text() const { return out_; }

 private:
  void writeLabels(Labels labels);

  std::string out_;
  std::string name_;
};

}  // namespace jb::signaling
