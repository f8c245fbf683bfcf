#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "rtp/rtcp/TransportFeedback.hpp"

namespace jb::sfu {

// The receive side of transport-wide congestion control
// (draft-holmer-rmcat-transport-wide-cc-extensions-01): remembers when each transport-wide sequence
// number arrived and turns what has not been reported yet into Transport-wide Feedback packets
// (§3.1). Pure: no clock, no I/O; the caller passes arrival times and sends what it gets back.
//
// Like libwebrtc's RemoteEstimatorProxy, a packet that arrives after its sequence number was already
// reported as lost moves the report window back, so the next feedback reports it (and the packets
// after it) again with their real arrival times; the sender's estimator keeps the newest report.
class TransportFeedbackRecorder {
 public:
  using Clock = std::chrono::steady_clock;
  // Arrivals kept for late (reordered) packets to be re-reported.
  static constexpr Clock::duration kHistory = std::chrono::milliseconds(500);
  // Per feedback packet, so the worst case (every delta large, every chunk a 7-entry vector) stays
  // around 1 KB: well inside one datagram.
  static constexpr size_t kMaxStatusesPerFeedback = 2000;
  static constexpr size_t kMaxReceivedPerFeedback = 200;
  // A flood of distinct sequence numbers cannot grow memory past this.
  static constexpr size_t kMaxTracked = 8192;

  struct Stats {
    uint64_t duplicates = 0;  // a sequence number already recorded
    uint64_t tooLate = 0;     // older than the history: cannot be reported any more
  };

  void received(uint16_t transportSequence, uint32_t mediaSsrc, Clock::time_point arrival);
  // Packets recorded since the last buildFeedback().
  size_t pending() const { return pending_; }
  // Feedback for everything from the first unreported sequence number to the newest one received,
  // split into several packets when a receive delta does not fit in 16 bits (§3.1.5) or a packet
  // would grow too big. Empty when there is nothing new.
  std::vector<rtp::rtcp::TransportFeedback> buildFeedback(uint32_t senderSsrc);
  const Stats& stats() const { return stats_; }

 private:
  int64_t unwrap(uint16_t sequence);
  void prune();

  std::map<int64_t, int64_t> arrivals_;  // unwrapped sequence -> arrival in 250 µs ticks
  std::optional<int64_t> lastUnwrapped_;
  std::optional<int64_t> windowStart_;  // first sequence number not reported yet
  uint32_t mediaSsrc_ = 0;
  uint8_t feedbackCount_ = 0;
  int32_t lastReferenceTime_ = 0;
  size_t pending_ = 0;
  Stats stats_;
};

}  // namespace jb::sfu
