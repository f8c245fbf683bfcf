#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace jb::rtp::rtcp {

// RFC 3550 §6.4.1 reception report block (24 bytes), shared by SR and RR.
struct ReportBlock {
  uint32_t ssrc{};
  uint8_t fractionLost{};
  int32_t cumulativeLost{};  // signed 24-bit on the wire
  uint32_t highestSeq{};     // extended highest sequence number received
  uint32_t jitter{};
  uint32_t lastSr{};
  uint32_t delaySinceLastSr{};

  bool operator==(const ReportBlock&) const = default;
};

constexpr size_t kReportBlockSize = 24;

// `b` must hold at least kReportBlockSize bytes.
ReportBlock parseReportBlock(std::span<const uint8_t> b);
void serialize(const ReportBlock& block, std::vector<uint8_t>& out);

}  // namespace jb::rtp::rtcp
