#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <vector>

namespace jb::bench {

// Order statistics of one measured quantity, in milliseconds. Percentiles interpolate linearly
// between the two nearest samples (numpy's default), so p95 of 20 samples lies between the 19th and
// the 20th.
struct LatencySummary {
  size_t count = 0;
  double p50 = 0;
  double p95 = 0;
  double p99 = 0;
  double max = 0;
  double mean = 0;

  static LatencySummary of(std::vector<double> samplesMs);
  nlohmann::json toJson() const;
};

double percentile(std::vector<double> sorted, double fraction);
double median(std::vector<double> values);
double toMs(std::chrono::steady_clock::duration duration);

}  // namespace jb::bench
