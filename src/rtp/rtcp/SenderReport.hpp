#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rtp/rtcp/ReportBlock.hpp"

namespace jb::rtp::rtcp {

// RFC 3550 §6.4.1 SR (PT 200).
struct SenderReport {
  uint32_t ssrc{};
  uint32_t ntpSeconds{};
  uint32_t ntpFraction{};
  uint32_t rtpTimestamp{};
  uint32_t packetCount{};
  uint32_t octetCount{};
  std::vector<ReportBlock> reports{};

  bool operator==(const SenderReport&) const = default;
};

// `body` follows the common header (padding removed); `count` is its RC field. Profile-specific
// extensions after the report blocks are ignored.
std::optional<SenderReport> parseSenderReport(uint8_t count, std::span<const uint8_t> body);
// Writes at most 31 report blocks (the RC field is 5 bits).
void serialize(const SenderReport& sr, std::vector<uint8_t>& out);

}  // namespace jb::rtp::rtcp
