#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace jb::rtp::rtcp {

// RFC 3550 §6.6 BYE (PT 203). The optional reason is not kept.
struct Bye {
  std::vector<uint32_t> ssrcs{};

  bool operator==(const Bye&) const = default;
};

// `body` follows the common header (padding removed); `count` is its SC field.
std::optional<Bye> parseBye(uint8_t count, std::span<const uint8_t> body);
// Writes at most 31 SSRCs (the SC field is 5 bits).
void serialize(const Bye& bye, std::vector<uint8_t>& out);

}  // namespace jb::rtp::rtcp
