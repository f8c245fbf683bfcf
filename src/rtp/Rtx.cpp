#include "rtp/Rtx.hpp"

#include <cstring>

#include "rtp/ByteOrder.hpp"

namespace jb::rtp {

size_t wrapRtx(const RtpPacket& original, uint8_t rtxPayloadType, uint32_t rtxSsrc,
               uint16_t rtxSequenceNumber, std::span<uint8_t> out) {
  const auto in = original.data();
  const size_t header = original.headerSize();
  const size_t length = in.size() + kRtxOsnSize;
  if (length > out.size()) return 0;
  std::memcpy(out.data(), in.data(), header);
  writeU16(out, header, original.sequenceNumber());
  // Payload and any padding follow unchanged; the padding count stays the last octet (RFC 3550 §5.1).
  std::memcpy(out.data() + header + kRtxOsnSize, in.data() + header, in.size() - header);
  auto rtx = RtpPacket::parse(out.first(length));
  if (!rtx) return 0;  // cannot happen for a parsed original; kept so a bug cannot send garbage
  rtx->setPayloadType(rtxPayloadType);
  rtx->setSsrc(rtxSsrc);
  rtx->setSequenceNumber(rtxSequenceNumber);
  return length;
}

std::optional<RtpPacket> unwrapRtx(RtpPacket& rtx) {
  if (rtx.payload().size() < kRtxOsnSize) return std::nullopt;
  auto buffer = rtx.data();
  const size_t header = rtx.headerSize();
  const uint16_t osn = readU16(buffer, header);
  std::memmove(buffer.data() + kRtxOsnSize, buffer.data(), header);
  auto original = RtpPacket::parse(buffer.subspan(kRtxOsnSize));
  if (!original) return std::nullopt;
  original->setSequenceNumber(osn);
  return original;
}

}  // namespace jb::rtp
