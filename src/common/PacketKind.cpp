#include "common/PacketKind.hpp"

namespace jb::common {

PacketKind classifyPacket(std::span<const uint8_t> datagram) {
  if (datagram.empty()) return PacketKind::Unknown;
  const uint8_t b = datagram[0];
  // RFC 7983 §7: [0..3] STUN, [20..63] DTLS, [128..191] RTP/RTCP. TURN channels (64..79) never reach us.
  if (b <= 3) return PacketKind::Stun;
  if (b >= 20 && b <= 63) return PacketKind::Dtls;
  if (b >= 128 && b <= 191) return PacketKind::RtpOrRtcp;
  return PacketKind::Unknown;
}

}  // namespace jb::common
