#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rtp/rtcp/ReportBlock.hpp"

namespace jb::rtp::rtcp {

// RFC 3550 §6.4.2 RR (PT 201).
struct ReceiverReport {
  uint32_t ssrc{};
  std::vector<ReportBlock> reports{};

  bool operator==(const ReceiverReport&) const = default;
};

// `body` follows the common header (padding removed); `count` is its RC field.
std::optional<ReceiverReport> parseReceiverReport(uint8_t count, std::span<const uint8_t> body);
// Writes at most 31 report blocks (the RC field is 5 bits).
void serialize(const ReceiverReport& rr, std::vector<uint8_t>& out);

}  // namespace jb::rtp::rtcp
