#include "sfu/ReceptionStats.hpp"

#include <algorithm>
#include <cmath>

namespace jb::sfu {

void ReceptionStats::packetReceived(uint16_t seq, uint32_t rtpTimestamp, Clock::time_point arrival) {
  if (!started_) {
    started_ = true;
    baseSequence_ = maxSequence_ = seq;
  } else {
    // RFC 3550 A.1: in-order (possibly wrapped) packets advance the maximum; others are late or duplicates.
    const uint16_t delta = static_cast<uint16_t>(seq - maxSequence_);
    if (delta != 0 && delta < 0x8000) {
      if (seq < maxSequence_) cycles_ += 1u << 16;
      maxSequence_ = seq;
    }
  }
  ++received_;

  // RFC 3550 A.8: J += (|D| - J) / 16, with transit = arrival (in RTP units) - RTP timestamp.
  const auto arrivalUnits = static_cast<int64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(arrival.time_since_epoch()).count() *
      static_cast<int64_t>(clockRate_) / 1'000'000);
  const int64_t transit = arrivalUnits - static_cast<int64_t>(rtpTimestamp);
  if (received_ > 1) {
    const double d = std::abs(static_cast<double>(static_cast<int32_t>(transit - lastTransit_)));
    jitter_ += (d - jitter_) / 16.0;
  }
  lastTransit_ = transit;
}

void ReceptionStats::senderReportReceived(uint32_t ntpSeconds, uint32_t ntpFraction,
                                          Clock::time_point arrival) {
  lastSrMiddle_ = (ntpSeconds << 16) | (ntpFraction >> 16);
  lastSrArrival_ = arrival;
}

std::optional<rtp::rtcp::ReportBlock> ReceptionStats::makeReportBlock(uint32_t ssrc, Clock::time_point now) {
  if (!started_) return std::nullopt;
  const uint32_t extendedMax = cycles_ + maxSequence_;
  const uint64_t expected = static_cast<uint64_t>(extendedMax) - baseSequence_ + 1;
  // RFC 3550 A.3: duplicates can make this negative; the field is a signed 24-bit value.
  const int64_t lost = static_cast<int64_t>(expected) - static_cast<int64_t>(received_);
  const uint64_t expectedInterval = expected - expectedPrior_;
  const uint64_t receivedInterval = received_ - receivedPrior_;
  expectedPrior_ = expected;
  receivedPrior_ = received_;
  const int64_t lostInterval =
      static_cast<int64_t>(expectedInterval) - static_cast<int64_t>(receivedInterval);

  rtp::rtcp::ReportBlock block;
  block.ssrc = ssrc;
  block.fractionLost =
      (expectedInterval == 0 || lostInterval <= 0)
          ? 0
          : static_cast<uint8_t>((lostInterval << 8) / static_cast<int64_t>(expectedInterval));
  block.cumulativeLost = static_cast<int32_t>(std::clamp<int64_t>(lost, -0x800000, 0x7FFFFF));
  block.highestSeq = extendedMax;
  block.jitter = static_cast<uint32_t>(jitter_);
  if (lastSrArrival_) {
    block.lastSr = lastSrMiddle_;
    // DLSR in units of 1/65536 s.
    const auto delay = std::chrono::duration_cast<std::chrono::microseconds>(now - *lastSrArrival_).count();
    block.delaySinceLastSr = static_cast<uint32_t>(delay * 65536 / 1'000'000);
  }
  return block;
}

}  // namespace jb::sfu
