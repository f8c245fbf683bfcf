#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace jb::rtp::rtcp {

// draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1 Transport-wide Feedback: RTPFB (PT 205),
// FMT 15. It tells a sender, for a run of transport-wide sequence numbers (§2), which packets
// arrived and when, so the sender's delay-based bandwidth estimator (send-side BWE) can run.
//
// On the wire the statuses are packed into run-length and status-vector chunks (§3.1.3, §3.1.4) and
// each received packet has a 1-byte ("small", 0..63.75 ms) or 2-byte signed ("large") receive delta
// in 250 µs units (§3.1.5). Here the packets are expanded to one entry per sequence number.
struct TransportFeedback {
  static constexpr uint8_t kFmt = 15;
  // §3.1.5: deltas are multiples of 250 µs; the reference time is in multiples of 64 ms (256 ticks).
  static constexpr int64_t kDeltaTicksPerMs = 4;
  static constexpr int64_t kTicksPerReferenceTime = 256;
  static constexpr int32_t kMaxLargeDelta = INT16_MAX;
  static constexpr int32_t kMinLargeDelta = INT16_MIN;

  uint32_t senderSsrc{};
  uint32_t mediaSsrc{};
  uint16_t baseSequence{};
  // 24-bit signed on the wire; kept sign-extended in [-2^23, 2^23).
  int32_t referenceTime{};
  uint8_t feedbackPacketCount{};
  // Entry i is sequence number baseSequence + i (mod 2^16): nullopt when not received, otherwise the
  // receive delta in 250 µs ticks from the previous received packet (the first one: from
  // referenceTime * 64 ms). Each delta must fit in int16; at most 65535 entries.
  std::vector<std::optional<int32_t>> deltas{};

  bool operator==(const TransportFeedback&) const = default;
};

// `body` follows the common header (padding removed). nullopt when the chunks do not cover the
// packet status count, a reserved symbol (§3.1.4, value 3) appears, or the deltas are truncated.
// Up to 3 bytes after the last delta are tolerated (senders that pad without the P bit).
std::optional<TransportFeedback> parseTransportFeedback(std::span<const uint8_t> body);
// Chunks are chosen greedily: a run-length chunk for 14+ equal statuses (or 7+ when a large delta
// is near), else a 14-entry 1-bit status vector when it needs no large delta, else a 7-entry 2-bit
// one. Deltas outside int16 are clamped (the recorder never builds such a packet).
void serialize(const TransportFeedback& feedback, std::vector<uint8_t>& out);

}  // namespace jb::rtp::rtcp
