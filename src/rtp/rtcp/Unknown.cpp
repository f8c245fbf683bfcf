#include "rtp/rtcp/Unknown.hpp"

#include <algorithm>

#include "rtp/rtcp/CommonHeader.hpp"

namespace jb::rtp::rtcp {

void serialize(const Unknown& unknown, std::vector<uint8_t>& out) {
  const size_t start = beginPacket(out, unknown.fmt, unknown.packetType);
  // Leave room for up to 4 padding bytes so the length field cannot overflow.
  const size_t size = std::min(unknown.bytes.size(), kMaxPacketSize - kCommonHeaderSize - 4);
  out.insert(out.end(), unknown.bytes.begin(), unknown.bytes.begin() + static_cast<std::ptrdiff_t>(size));
  finishPacket(out, start);
}

}  // namespace jb::rtp::rtcp
