#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rtp/rtcp/Packet.hpp"

namespace jb::rtp::rtcp {

// Splits a compound RTCP packet (RFC 3550 §6.1) into its packets. nullopt when any common header
// or length is inconsistent, or a known packet's body is malformed; the whole datagram is then
// dropped, as RFC 3550 §A.2 validity checks suggest. The SR/RR-first rule is not enforced so
// reduced-size RTCP (RFC 5506) is accepted.
std::optional<std::vector<Packet>> parseCompound(std::span<const uint8_t> bytes);
std::vector<uint8_t> serializeCompound(const std::vector<Packet>& packets);

}  // namespace jb::rtp::rtcp
