#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace jb::rtp::rtcp {

// RFC 4585 §6.3.1 Picture Loss Indication: PSFB (PT 206), FMT 1, no FCI.
struct Pli {
  static constexpr uint8_t kFmt = 1;
  uint32_t senderSsrc{};
  uint32_t mediaSsrc{};

  bool operator==(const Pli&) const = default;
};

// `body` follows the common header (padding removed).
std::optional<Pli> parsePli(std::span<const uint8_t> body);
void serialize(const Pli& pli, std::vector<uint8_t>& out);

}  // namespace jb::rtp::rtcp
