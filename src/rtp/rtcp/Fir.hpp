#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace jb::rtp::rtcp {

// RFC 5104 §4.3.1 Full Intra Request: PSFB (PT 206), FMT 4. The media SSRC field is unused (0);
// each FCI entry names the target SSRC and a command sequence number.
struct FirEntry {
  uint32_t ssrc{};
  uint8_t seq{};

  bool operator==(const FirEntry&) const = default;
};

struct Fir {
  static constexpr uint8_t kFmt = 4;
  uint32_t senderSsrc{};
  std::vector<FirEntry> entries{};

  bool operator==(const Fir&) const = default;
};

// `body` follows the common header (padding removed).
std::optional<Fir> parseFir(std::span<const uint8_t> body);
void serialize(const Fir& fir, std::vector<uint8_t>& out);

}  // namespace jb::rtp::rtcp
