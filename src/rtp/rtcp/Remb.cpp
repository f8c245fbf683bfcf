#include "rtp/rtcp/Remb.hpp"

#include <algorithm>
#include <limits>

#include "rtp/ByteOrder.hpp"
#include "rtp/rtcp/CommonHeader.hpp"

namespace jb::rtp::rtcp {
namespace {
constexpr uint32_t kIdentifier = 0x52454D42;  // "REMB"
constexpr size_t kFixedSize = 16;             // sender, media (0), "REMB", num/exp/mantissa
constexpr uint32_t kMaxMantissa = 0x3FFFF;
constexpr size_t kMaxSsrcs = 255;
}  // namespace

bool isRemb(std::span<const uint8_t> body) {
  return body.size() >= 12 && readU32(body, 8) == kIdentifier;
}

std::optional<Remb> parseRemb(std::span<const uint8_t> body) {
  if (body.size() < kFixedSize || !isRemb(body)) return std::nullopt;
  const size_t numSsrc = body[12];
  if (body.size() < kFixedSize + 4 * numSsrc) return std::nullopt;
  Remb remb;
  remb.senderSsrc = readU32(body, 0);
  const unsigned exponent = body[13] >> 2;
  const uint64_t mantissa = readU24(body, 13) & kMaxMantissa;
  const bool overflows = exponent > 46 && (mantissa >> (64 - exponent)) != 0;
  remb.bitrateBps = overflows ? std::numeric_limits<uint64_t>::max() : mantissa << exponent;
  remb.ssrcs.reserve(numSsrc);
  for (size_t i = 0; i < numSsrc; ++i) remb.ssrcs.push_back(readU32(body, kFixedSize + 4 * i));
  return remb;
}

void serialize(const Remb& remb, std::vector<uint8_t>& out) {
  const size_t start = beginPacket(out, Remb::kFmt, kPsfbType);
  appendU32(out, remb.senderSsrc);
  appendU32(out, 0);  // media source SSRC is unused for REMB
  appendU32(out, kIdentifier);
  const size_t count = std::min(remb.ssrcs.size(), kMaxSsrcs);
  uint64_t mantissa = remb.bitrateBps;
  uint32_t exponent = 0;
  while (mantissa > kMaxMantissa) {
    mantissa >>= 1;
    ++exponent;
  }
  appendU8(out, static_cast<uint8_t>(count));
  appendU24(out, exponent << 18 | static_cast<uint32_t>(mantissa));
  for (size_t i = 0; i < count; ++i) appendU32(out, remb.ssrcs[i]);
  finishPacket(out, start);
}

}  // namespace jb::rtp::rtcp
