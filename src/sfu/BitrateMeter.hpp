#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace jb::sfu {

// Bits per second over the last second, in ten 100 ms buckets (mediasoup's RateCalculator, simplified).
// Cheap enough to run on every packet: one add, and a bucket reset when time has moved on.
class BitrateMeter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kBucket = std::chrono::milliseconds(100);
  static constexpr size_t kBuckets = 10;

  void add(size_t bytes, Clock::time_point now);
  // The rate over the last kBuckets * kBucket (the current, partly filled bucket included).
  uint64_t bitsPerSecond(Clock::time_point now) const;

 private:
  int64_t bucketIndex(Clock::time_point t) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() /
           std::chrono::duration_cast<std::chrono::milliseconds>(kBucket).count();
  }

  std::array<uint64_t, kBuckets> bytes_{};
  int64_t newest_ = -1;  // bucket index of the newest bucket written
};

}  // namespace jb::sfu
