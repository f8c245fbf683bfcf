#pragma once

#include <cstdint>

namespace jb::rtp {

// RFC 1982 serial number arithmetic on 16-bit RTP sequence numbers (RFC 3550 §A.1): a is newer
// than b when it is ahead by less than half the space. The exact half-way case is undefined in
// RFC 1982; we break the tie by value so that exactly one of (a, b) / (b, a) is newer.
constexpr bool seqNewerThan(uint16_t a, uint16_t b) {
  const auto diff = static_cast<uint16_t>(a - b);
  if (diff == 0x8000) return a > b;
  return diff != 0 && diff < 0x8000;
}
constexpr bool seqOlderThan(uint16_t a, uint16_t b) {
  return seqNewerThan(b, a);
}

// Same rule for 32-bit RTP timestamps.
constexpr bool timestampNewerThan(uint32_t a, uint32_t b) {
  const uint32_t diff = a - b;
  if (diff == 0x80000000u) return a > b;
  return diff != 0 && diff < 0x80000000u;
}

}  // namespace jb::rtp
