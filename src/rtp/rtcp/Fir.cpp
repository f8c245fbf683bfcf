#include "rtp/rtcp/Fir.hpp"

#include <algorithm>

#include "rtp/ByteOrder.hpp"
#include "rtp/rtcp/CommonHeader.hpp"

namespace jb::rtp::rtcp {
namespace {
constexpr size_t kEntrySize = 8;  // SSRC, seq nr, 24 reserved bits
constexpr size_t kMaxEntries = (kMaxPacketSize - kCommonHeaderSize - 8) / kEntrySize;
}  // namespace

std::optional<Fir> parseFir(std::span<const uint8_t> body) {
  if (body.size() < 8 || (body.size() - 8) % kEntrySize != 0) return std::nullopt;
  Fir fir;
  fir.senderSsrc = readU32(body, 0);
  for (size_t at = 8; at < body.size(); at += kEntrySize) {
    fir.entries.push_back({.ssrc = readU32(body, at), .seq = body[at + 4]});
  }
  return fir;
}

void serialize(const Fir& fir, std::vector<uint8_t>& out) {
  const size_t start = beginPacket(out, Fir::kFmt, kPsfbType);
  appendU32(out, fir.senderSsrc);
  appendU32(out, 0);  // RFC 5104 §4.3.1.2: media source SSRC is not used
  const size_t count = std::min(fir.entries.size(), kMaxEntries);
  for (size_t i = 0; i < count; ++i) {
    appendU32(out, fir.entries[i].ssrc);
    appendU8(out, fir.entries[i].seq);
    appendU24(out, 0);
  }
  finishPacket(out, start);
}

}  // namespace jb::rtp::rtcp
