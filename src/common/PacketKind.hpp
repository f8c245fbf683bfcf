#pragma once

#include <cstdint>
#include <span>

namespace jb::common {

// What arrived on a shared media port. RFC 7983 §7 decides by the first byte alone.
enum class PacketKind { Stun, Dtls, RtpOrRtcp, Unknown };

PacketKind classifyPacket(std::span<const uint8_t> datagram);

}  // namespace jb::common
