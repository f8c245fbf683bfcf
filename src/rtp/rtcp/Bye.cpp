#include "rtp/rtcp/Bye.hpp"

#include <algorithm>

#include "rtp/ByteOrder.hpp"
#include "rtp/rtcp/CommonHeader.hpp"

namespace jb::rtp::rtcp {

std::optional<Bye> parseBye(uint8_t count, std::span<const uint8_t> body) {
  if (body.size() < 4 * size_t{count}) return std::nullopt;
  Bye bye;
  bye.ssrcs.reserve(count);
  for (size_t i = 0; i < count; ++i) bye.ssrcs.push_back(readU32(body, 4 * i));
  return bye;
}

void serialize(const Bye& bye, std::vector<uint8_t>& out) {
  const size_t count = std::min(bye.ssrcs.size(), kMaxCount);
  const size_t start = beginPacket(out, static_cast<uint8_t>(count), kByeType);
  for (size_t i = 0; i < count; ++i) appendU32(out, bye.ssrcs[i]);
  finishPacket(out, start);
}

}  // namespace jb::rtp::rtcp
