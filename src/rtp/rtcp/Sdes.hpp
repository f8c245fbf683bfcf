#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace jb::rtp::rtcp {

// RFC 3550 §6.5 SDES (PT 202). Only CNAME is kept: it is the item an SFU needs to tie an SSRC to
// an endpoint (RFC 3550 §6.5.1); other items are skipped.
struct SdesChunk {
  uint32_t ssrc{};
  std::string cname{};  // empty: no CNAME item

  bool operator==(const SdesChunk&) const = default;
};

struct Sdes {
  std::vector<SdesChunk> chunks{};

  bool operator==(const Sdes&) const = default;
};

// `body` follows the common header (padding removed); `count` is its SC field.
std::optional<Sdes> parseSdes(uint8_t count, std::span<const uint8_t> body);
// Writes at most 31 chunks, CNAMEs truncated to 255 bytes.
void serialize(const Sdes& sdes, std::vector<uint8_t>& out);

}  // namespace jb::rtp::rtcp
