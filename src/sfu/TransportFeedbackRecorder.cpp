#include "sfu/TransportFeedbackRecorder.hpp"

#include <algorithm>

namespace jb::sfu {

using rtp::rtcp::TransportFeedback;

namespace {

constexpr int64_t kTickNanos = 250'000;  // §3.1.5: deltas are multiples of 250 µs

int64_t toTicks(TransportFeedbackRecorder::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count() / kTickNanos;
}

// §3.1.1: the reference time is a signed 24-bit count of 64 ms; the sender only looks at how it
// changes between packets, so wrapping it modulo 2^24 is fine.
int32_t referenceTimeOf(int64_t referenceUnits) {
  return static_cast<int32_t>(static_cast<uint32_t>(referenceUnits & 0xFFFFFF) << 8) >> 8;
}

int64_t floorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

}  // namespace

int64_t TransportFeedbackRecorder::unwrap(uint16_t sequence) {
  if (!lastUnwrapped_) {
    // Start high enough that a reordered packet just before the first one stays positive.
    lastUnwrapped_ = (int64_t{1} << 16) + sequence;
    return *lastUnwrapped_;
  }
  // RFC 3550 §A.1 style: the nearest value with these low 16 bits.
  const auto diff =
      static_cast<int16_t>(static_cast<uint16_t>(sequence - static_cast<uint16_t>(*lastUnwrapped_)));
  lastUnwrapped_ = *lastUnwrapped_ + diff;
  return *lastUnwrapped_;
}

void TransportFeedbackRecorder::received(uint16_t transportSequence, uint32_t mediaSsrc,
                                         Clock::time_point arrival) {
  const int64_t seq = unwrap(transportSequence);
  mediaSsrc_ = mediaSsrc;
  if (arrivals_.contains(seq)) {
    ++stats_.duplicates;
    return;
  }
  if (windowStart_ && seq < *windowStart_) {
    // Reported as lost already. Re-report from here if we still hold what came after it.
    if (arrivals_.empty() || seq < arrivals_.begin()->first) {
      ++stats_.tooLate;
      return;
    }
    windowStart_ = seq;
  }
  arrivals_.emplace(seq, toTicks(arrival));
  if (!windowStart_) windowStart_ = seq;
  ++pending_;
  while (arrivals_.size() > kMaxTracked) arrivals_.erase(arrivals_.begin());
}

std::vector<TransportFeedback> TransportFeedbackRecorder::buildFeedback(uint32_t senderSsrc) {
  std::vector<TransportFeedback> out;
  if (!windowStart_ || arrivals_.empty() || pending_ == 0) return out;
  const int64_t start = std::max(*windowStart_, arrivals_.begin()->first);
  const int64_t end = arrivals_.rbegin()->first;

  TransportFeedback* fb = nullptr;
  bool hasReference = false;
  int64_t previousTicks = 0;
  size_t received = 0;
  auto begin = [&](int64_t seq) {
    out.push_back({.senderSsrc = senderSsrc,
                   .mediaSsrc = mediaSsrc_,
                   .baseSequence = static_cast<uint16_t>(seq),
                   .referenceTime = lastReferenceTime_,
                   .feedbackPacketCount = feedbackCount_++,
                   .deltas = {}});
    fb = &out.back();
    hasReference = false;
    received = 0;
  };
  auto setReference = [&](int64_t ticks) {
    const int64_t units = floorDiv(ticks, TransportFeedback::kTicksPerReferenceTime);
    fb->referenceTime = lastReferenceTime_ = referenceTimeOf(units);
    previousTicks = units * TransportFeedback::kTicksPerReferenceTime;
    hasReference = true;
  };

  auto it = arrivals_.lower_bound(start);
  for (int64_t seq = start; seq <= end; ++seq) {
    const bool got = it != arrivals_.end() && it->first == seq;
    if (!fb || fb->deltas.size() >= kMaxStatusesPerFeedback || (got && received >= kMaxReceivedPerFeedback))
      begin(seq);
    if (!got) {
      fb->deltas.emplace_back(std::nullopt);
      continue;
    }
    const int64_t ticks = it->second;
    ++it;
    if (!hasReference) setReference(ticks);
    int64_t delta = ticks - previousTicks;
    if (delta < TransportFeedback::kMinLargeDelta || delta > TransportFeedback::kMaxLargeDelta) {
      // §3.1.5: a delta that does not fit in 16 bits (over ~8 s, or a clock step) starts a new
      // feedback packet whose reference time is near this packet.
      begin(seq);
      setReference(ticks);
      delta = ticks - previousTicks;
    }
    fb->deltas.emplace_back(static_cast<int32_t>(delta));
    // Later deltas are relative to the time the sender will reconstruct, so rounding never adds up.
    previousTicks += delta;
    ++received;
  }
  windowStart_ = end + 1;
  pending_ = 0;
  prune();
  return out;
}

void TransportFeedbackRecorder::prune() {
  if (arrivals_.empty()) return;
  const int64_t newest = arrivals_.rbegin()->second;
  const int64_t keepTicks =
      std::chrono::duration_cast<std::chrono::nanoseconds>(kHistory).count() / kTickNanos;
  // Only reported packets may go; the map is ordered by sequence number, arrival order is close to it.
  while (!arrivals_.empty() && arrivals_.begin()->first < *windowStart_ &&
         newest - arrivals_.begin()->second > keepTicks)
    arrivals_.erase(arrivals_.begin());
}

}  // namespace jb::sfu
