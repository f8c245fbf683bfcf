#include "rtp/rtcp/ReportBlock.hpp"

#include <algorithm>

#include "rtp/ByteOrder.hpp"

namespace jb::rtp::rtcp {

ReportBlock parseReportBlock(std::span<const uint8_t> b) {
  ReportBlock block;
  block.ssrc = readU32(b, 0);
  block.fractionLost = b[4];
  const uint32_t lost = readU24(b, 5);
  // Sign-extend the 24-bit two's complement value (RFC 3550 §6.4.1 allows negative loss).
  block.cumulativeLost =
      (lost & 0x800000) != 0 ? static_cast<int32_t>(lost) - 0x1000000 : static_cast<int32_t>(lost);
  block.highestSeq = readU32(b, 8);
  block.jitter = readU32(b, 12);
  block.lastSr = readU32(b, 16);
  block.delaySinceLastSr = readU32(b, 20);
  return block;
}

void serialize(const ReportBlock& block, std::vector<uint8_t>& out) {
  appendU32(out, block.ssrc);
  appendU8(out, block.fractionLost);
  // Clamp to the representable 24-bit range rather than wrap (RFC 3550 §6.4.1).
  const int32_t lost = std::clamp<int32_t>(block.cumulativeLost, -0x800000, 0x7fffff);
  appendU24(out, static_cast<uint32_t>(lost) & 0xffffff);
  appendU32(out, block.highestSeq);
  appendU32(out, block.jitter);
  appendU32(out, block.lastSr);
  appendU32(out, block.delaySinceLastSr);
}

}  // namespace jb::rtp::rtcp
