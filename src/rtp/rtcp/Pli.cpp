#include "rtp/rtcp/Pli.hpp"

#include "rtp/ByteOrder.hpp"
#include "rtp/rtcp/CommonHeader.hpp"

namespace jb::rtp::rtcp {

std::optional<Pli> parsePli(std::span<const uint8_t> body) {
  if (body.size() < 8) return std::nullopt;
  return Pli{.senderSsrc = readU32(body, 0), .mediaSsrc = readU32(body, 4)};
}

void serialize(const Pli& pli, std::vector<uint8_t>& out) {
  const size_t start = beginPacket(out, Pli::kFmt, kPsfbType);
  appendU32(out, pli.senderSsrc);
  appendU32(out, pli.mediaSsrc);
  finishPacket(out, start);
}

}  // namespace jb::rtp::rtcp
