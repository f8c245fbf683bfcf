#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace jb::rtp::rtcp {

// draft-alvestrand-rmcat-remb-03 §2.2 Receiver Estimated Maximum Bitrate: PSFB (PT 206), FMT 15
// (application layer feedback, RFC 4585 §6.4) with the "REMB" identifier.
struct Remb {
  static constexpr uint8_t kFmt = 15;
  uint32_t senderSsrc{};
  uint64_t bitrateBps{};
  std::vector<uint32_t> ssrcs{};

  bool operator==(const Remb&) const = default;
};

// True when an FMT 15 PSFB body carries the "REMB" identifier.
bool isRemb(std::span<const uint8_t> body);
// `body` follows the common header (padding removed). Bitrates beyond 64 bits saturate.
std::optional<Remb> parseRemb(std::span<const uint8_t> body);
// The bitrate is encoded as an 18-bit mantissa and 6-bit exponent, so it is rounded down to
// the nearest representable value; at most 255 SSRCs are written.
void serialize(const Remb& remb, std::vector<uint8_t>& out);

}  // namespace jb::rtp::rtcp
