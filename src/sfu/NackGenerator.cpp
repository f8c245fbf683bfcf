#include "sfu/NackGenerator.hpp"

#include <algorithm>

#include "rtp/SequenceNumber.hpp"

namespace jb::sfu {

uint32_t NackGenerator::extend(uint16_t seq) const {
  // RFC 3550 §A.1: a number older than highest_ but numerically above it was sent before the wrap.
  if (rtp::seqOlderThan(seq, highest_) && seq > highest_) return (cycles_ - 0x10000) | seq;
  return cycles_ | seq;
}

NackGenerator::Arrival NackGenerator::received(uint16_t seq, Clock::time_point now) {
  Arrival arrival;
  if (!started_) {
    started_ = true;
    highest_ = seq;
    return arrival;
  }
  if (!rtp::seqNewerThan(seq, highest_)) {
    // Late: reordered, or a retransmission (RTX) answering one of our NACKs.
    arrival.recovered = missing_.erase(extend(seq)) > 0;
    return arrival;
  }
  const auto gap = static_cast<uint16_t>(seq - highest_ - 1);
  if (missing_.size() + gap > options_.maxMissing) {
    missing_.clear();
    nextDue_ = Clock::time_point::max();
    arrival.keyframeNeeded = true;
  } else {
    for (auto s = static_cast<uint16_t>(highest_ + 1); s != seq; ++s) {
      const uint32_t ext = s < highest_ ? (cycles_ + 0x10000) | s : cycles_ | s;
      missing_[ext] = Missing{now};
    }
    if (gap > 0) nextDue_ = std::min(nextDue_, now + options_.reorderDelay);
  }
  if (seq < highest_) cycles_ += 0x10000;
  highest_ = seq;
  return arrival;
}

NackGenerator::Due NackGenerator::due(Clock::time_point now) {
  Due out;
  if (now < nextDue_) return out;
  nextDue_ = Clock::time_point::max();
  for (auto it = missing_.begin(); it != missing_.end();) {
    Missing& m = it->second;
    if (now - m.detected > options_.maxAge || m.retries >= options_.maxRetries) {
      it = missing_.erase(it);
      ++out.gaveUp;
      continue;
    }
    Clock::time_point at =
        m.retries == 0 ? m.detected + options_.reorderDelay : m.lastSent + options_.retryInterval;
    if (at <= now && out.sequenceNumbers.size() < options_.maxPerBatch) {
      out.sequenceNumbers.push_back(static_cast<uint16_t>(it->first));
      ++m.retries;
      m.lastSent = now;
      at = now + options_.retryInterval;
    }
    nextDue_ = std::min(nextDue_, at);
    ++it;
  }
  return out;
}

}  // namespace jb::sfu
