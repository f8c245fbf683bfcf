#include "sfu/BitrateMeter.hpp"

namespace jb::sfu {

void BitrateMeter::add(size_t bytes, Clock::time_point now) {
  const int64_t index = bucketIndex(now);
  if (index > newest_) {
    // Clear the buckets time has skipped over (all of them after a silence of a second or more).
    const int64_t skipped = newest_ < 0 ? static_cast<int64_t>(kBuckets) : index - newest_;
    for (int64_t i = 0; i < skipped && i < static_cast<int64_t>(kBuckets); ++i)
      bytes_[static_cast<size_t>((index - i) % static_cast<int64_t>(kBuckets))] = 0;
    newest_ = index;
  } else if (index <= newest_ - static_cast<int64_t>(kBuckets)) {
    return;  // older than the window (a clock that went backwards): nothing to count it in
  }
  bytes_[static_cast<size_t>(index % static_cast<int64_t>(kBuckets))] += bytes;
}

uint64_t BitrateMeter::bitsPerSecond(Clock::time_point now) const {
  if (newest_ < 0) return 0;
  const int64_t index = bucketIndex(now);
  uint64_t total = 0;
  for (int64_t i = 0; i < static_cast<int64_t>(kBuckets); ++i) {
    const int64_t bucket = index - i;
    if (bucket > newest_) continue;  // nothing written there yet
    if (bucket <= newest_ - static_cast<int64_t>(kBuckets)) break;
    total += bytes_[static_cast<size_t>(bucket % static_cast<int64_t>(kBuckets))];
  }
  // The window is the nine whole buckets before the current one plus the part of it that has passed.
  const auto bucketMs = std::chrono::duration_cast<std::chrono::milliseconds>(kBucket).count();
  const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const auto window = bucketMs * static_cast<int64_t>(kBuckets - 1) + (nowMs - index * bucketMs) + 1;
  return total * 8 * 1000 / static_cast<uint64_t>(window);
}

}  // namespace jb::sfu
