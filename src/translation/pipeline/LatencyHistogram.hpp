#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace jb::translation {

// Cumulative Prometheus-style histogram of stage latencies, in milliseconds. Lock-free: observed on
// pipeline threads, read by /metrics.
class LatencyHistogram {
 public:
  static constexpr std::array<double, 14> kBucketsMs{5,   10,  25,  50,   100,  200,  300,
                                                     400, 500, 750, 1000, 1500, 2500, 5000};

  void observe(std::chrono::steady_clock::duration latency) {
    double ms = std::chrono::duration<double, std::milli>(latency).count();
    for (size_t i = 0; i < kBucketsMs.size(); ++i)
      if (ms <= kBucketsMs[i]) counts_[i].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sumMicros_.fetch_add(static_cast<uint64_t>(ms * 1000), std::memory_order_relaxed);
  }
  // Observations at or under kBucketsMs[i] (cumulative, as Prometheus wants).
  uint64_t bucket(size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sumSeconds() const { return static_cast<double>(sumMicros_.load(std::memory_order_relaxed)) / 1e6; }

 private:
  std::array<std::atomic<uint64_t>, kBucketsMs.size()> counts_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sumMicros_{0};
};

}  // namespace jb::translation
