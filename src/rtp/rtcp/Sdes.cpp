#include "rtp/rtcp/Sdes.hpp"

#include <algorithm>

#include "rtp/ByteOrder.hpp"
#include "rtp/rtcp/CommonHeader.hpp"

namespace jb::rtp::rtcp {
namespace {
constexpr uint8_t kEnd = 0;
constexpr uint8_t kCname = 1;
constexpr size_t kMaxItemLength = 255;
}  // namespace

std::optional<Sdes> parseSdes(uint8_t count, std::span<const uint8_t> body) {
  Sdes sdes;
  size_t at = 0;
  for (size_t c = 0; c < count; ++c) {
    if (at + 4 > body.size()) return std::nullopt;
    SdesChunk chunk;
    chunk.ssrc = readU32(body, at);
    at += 4;
    // RFC 3550 §6.5: items are type/length/text, ended by one or more null octets, and the next
    // chunk starts on a 32-bit boundary.
    while (true) {
      if (at >= body.size()) return std::nullopt;
      const uint8_t type = body[at];
      if (type == kEnd) break;
      if (at + 2 > body.size()) return std::nullopt;
      const size_t length = body[at + 1];
      if (at + 2 + length > body.size()) return std::nullopt;
      if (type == kCname) chunk.cname.assign(reinterpret_cast<const char*>(body.data() + at + 2), length);
      at += 2 + length;
    }
    at = std::min((at + 4) & ~size_t{3}, body.size());  // past the null octet, then aligned
    sdes.chunks.push_back(std::move(chunk));
  }
  return sdes;
}

void serialize(const Sdes& sdes, std::vector<uint8_t>& out) {
  const size_t count = std::min(sdes.chunks.size(), kMaxCount);
  const size_t start = beginPacket(out, static_cast<uint8_t>(count), kSdesType);
  for (size_t c = 0; c < count; ++c) {
    const SdesChunk& chunk = sdes.chunks[c];
    appendU32(out, chunk.ssrc);
    if (!chunk.cname.empty()) {
      const size_t length = std::min(chunk.cname.size(), kMaxItemLength);
      appendU8(out, kCname);
      appendU8(out, static_cast<uint8_t>(length));
      out.insert(out.end(), chunk.cname.begin(), chunk.cname.begin() + static_cast<std::ptrdiff_t>(length));
    }
    appendU8(out, kEnd);
    while ((out.size() - start) % 4 != 0) appendU8(out, kEnd);
  }
  finishPacket(out, start);
}

}  // namespace jb::rtp::rtcp
