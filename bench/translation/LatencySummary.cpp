#include "LatencySummary.hpp"

#include <algorithm>
#include <numeric>

namespace jb::bench {

double percentile(std::vector<double> sorted, double fraction) {
  if (sorted.empty()) return 0;
  std::sort(sorted.begin(), sorted.end());
  double rank = fraction * static_cast<double>(sorted.size() - 1);
  size_t below = static_cast<size_t>(rank);
  size_t above = std::min(below + 1, sorted.size() - 1);
  double weight = rank - static_cast<double>(below);
  return sorted[below] + (sorted[above] - sorted[below]) * weight;
}

double median(std::vector<double> values) {
  return percentile(std::move(values), 0.5);
}

double toMs(std::chrono::steady_clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

LatencySummary LatencySummary::of(std::vector<double> samplesMs) {
  LatencySummary summary;
  summary.count = samplesMs.size();
  if (samplesMs.empty()) return summary;
  std::sort(samplesMs.begin(), samplesMs.end());
  summary.p50 = percentile(samplesMs, 0.5);
  summary.p95 = percentile(samplesMs, 0.95);
  summary.p99 = percentile(samplesMs, 0.99);
  summary.max = samplesMs.back();
  summary.mean =
      std::accumulate(samplesMs.begin(), samplesMs.end(), 0.0) / static_cast<double>(samplesMs.size());
  return summary;
}

nlohmann::json LatencySummary::toJson() const {
  return {{"count", count}, {"p50", p50}, {"p95", p95}, {"p99", p99}, {"max", max}, {"mean", mean}};
}

}  // namespace jb::bench
