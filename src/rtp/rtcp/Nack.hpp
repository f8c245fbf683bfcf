#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace jb::rtp::rtcp {

// RFC 4585 §6.2.1 Generic NACK: RTPFB (PT 205), FMT 1. On the wire each FCI is a PID plus a
// bitmask (BLP) of the 16 following sequence numbers; here they are expanded to a plain list.
struct Nack {
  static constexpr uint8_t kFmt = 1;
  uint32_t senderSsrc{};
  uint32_t mediaSsrc{};
  std::vector<uint16_t> lostSequenceNumbers{};

  bool operator==(const Nack&) const = default;
};

// `body` follows the common header (padding removed).
std::optional<Nack> parseNack(std::span<const uint8_t> body);
// Packs the list into PID/BLP pairs in the given order (ascending, wrap-aware order gives the
// fewest pairs); repeats of a sequence number already covered by the current pair are dropped.
void serialize(const Nack& nack, std::vector<uint8_t>& out);

}  // namespace jb::rtp::rtcp
