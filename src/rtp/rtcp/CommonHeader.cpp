#include "rtp/rtcp/CommonHeader.hpp"

#include "rtp/ByteOrder.hpp"

namespace jb::rtp::rtcp {

size_t beginPacket(std::vector<uint8_t>& out, uint8_t countOrFmt, uint8_t packetType) {
  const size_t start = out.size();
  out.push_back(static_cast<uint8_t>(0x80 | (countOrFmt & 0x1f)));  // V=2
  out.push_back(packetType);
  appendU16(out, 0);
  return start;
}

void finishPacket(std::vector<uint8_t>& out, size_t start) {
  const size_t unpadded = out.size() - start;
  if (const size_t rem = unpadded % 4; rem != 0) {
    const auto pad = static_cast<uint8_t>(4 - rem);
    out.resize(out.size() + pad - 1, 0);
    out.push_back(pad);  // the last padding octet counts the padding, itself included
    out[start] |= 0x20;
  }
  const size_t words = (out.size() - start) / 4;
  writeU16(out, start + 2, static_cast<uint16_t>(words - 1));
}

}  // namespace jb::rtp::rtcp
