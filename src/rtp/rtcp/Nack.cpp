#include "rtp/rtcp/Nack.hpp"

#include "rtp/ByteOrder.hpp"
#include "rtp/rtcp/CommonHeader.hpp"

namespace jb::rtp::rtcp {
namespace {
constexpr size_t kMaxPairs = (kMaxPacketSize - kCommonHeaderSize - 8) / 4;
}

std::optional<Nack> parseNack(std::span<const uint8_t> body) {
  if (body.size() < 8 || (body.size() - 8) % 4 != 0) return std::nullopt;
  Nack nack;
  nack.senderSsrc = readU32(body, 0);
  nack.mediaSsrc = readU32(body, 4);
  for (size_t at = 8; at < body.size(); at += 4) {
    const uint16_t pid = readU16(body, at);
    const uint16_t blp = readU16(body, at + 2);
    nack.lostSequenceNumbers.push_back(pid);
    // RFC 4585 §6.2.1: bit i of BLP reports PID + i + 1 as lost.
    for (int bit = 0; bit < 16; ++bit) {
      if ((blp >> bit) & 1) nack.lostSequenceNumbers.push_back(static_cast<uint16_t>(pid + bit + 1));
    }
  }
  return nack;
}

void serialize(const Nack& nack, std::vector<uint8_t>& out) {
  const size_t start = beginPacket(out, Nack::kFmt, kRtpfbType);
  appendU32(out, nack.senderSsrc);
  appendU32(out, nack.mediaSsrc);
  const auto& seqs = nack.lostSequenceNumbers;
  size_t pairs = 0;
  size_t i = 0;
  while (i < seqs.size() && pairs < kMaxPairs) {
    const uint16_t pid = seqs[i++];
    uint16_t blp = 0;
    // Fold in following numbers while they fall in PID+1..PID+16 (modulo 2^16).
    while (i < seqs.size()) {
      const auto diff = static_cast<uint16_t>(seqs[i] - pid);
      if (diff > 16) break;
      if (diff > 0) blp = static_cast<uint16_t>(blp | (1u << (diff - 1)));
      ++i;
    }
    appendU16(out, pid);
    appendU16(out, blp);
    ++pairs;
  }
  finishPacket(out, start);
}

}  // namespace jb::rtp::rtcp
