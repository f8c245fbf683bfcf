#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "rtp/rtcp/ReportBlock.hpp"

namespace jb::sfu {

// What a receiver tells a sender about one incoming RTP stream (RFC 3550 §6.4.1, algorithms of
// Appendix A.1, A.3 and A.8): highest sequence, loss, interarrival jitter, and the echo of the last
// Sender Report so the sender can measure round-trip time. Chrome's sender uses these to adapt.
class ReceptionStats {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ReceptionStats(uint32_t clockRate) : clockRate_(clockRate) {}

  void packetReceived(uint16_t sequenceNumber, uint32_t rtpTimestamp, Clock::time_point arrival);
  void senderReportReceived(uint32_t ntpSeconds, uint32_t ntpFraction, Clock::time_point arrival);

  // The report block for `ssrc`, or nullopt before the first packet. Each call starts a new interval
  // for `fractionLost`.
  std::optional<rtp::rtcp::ReportBlock> makeReportBlock(uint32_t ssrc, Clock::time_point now);

  uint64_t packetsReceived() const { return received_; }

 private:
  uint32_t clockRate_;
  bool started_ = false;
  uint16_t maxSequence_ = 0;
  uint32_t cycles_ = 0;  // count of sequence number wraps, shifted by 16
  uint32_t baseSequence_ = 0;
  uint64_t received_ = 0;
  uint64_t expectedPrior_ = 0;
  uint64_t receivedPrior_ = 0;
  double jitter_ = 0;  // in RTP timestamp units
  int64_t lastTransit_ = 0;
  uint32_t lastSrMiddle_ = 0;  // middle 32 bits of the last SR's NTP time
  std::optional<Clock::time_point> lastSrArrival_;
};

}  // namespace jb::sfu
