#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtp/RtpPacket.hpp"

namespace jb::rtp {

// RFC 4588 §4 retransmission payload format: an RTX packet is the original packet sent on the RTX
// SSRC with the RTX payload type and its own sequence number, its payload prefixed by the 2-byte
// original sequence number (OSN). Header, extensions, timestamp and marker are the original's.
constexpr size_t kRtxOsnSize = 2;

// Writes `original` as an RTX packet into `out`. Returns the RTX packet's length, or 0 if `out` is too
// small. `original`'s payload type, SSRC and sequence number are the ones the receiver knows: its
// sequence number becomes the OSN.
size_t wrapRtx(const RtpPacket& original, uint8_t rtxPayloadType, uint32_t rtxSsrc,
               uint16_t rtxSequenceNumber, std::span<uint8_t> out);

// Turns `rtx` back into the original packet in place: the header moves up over the OSN and takes the
// OSN as its sequence number. The returned view starts kRtxOsnSize bytes into `rtx`'s buffer; the
// caller restores the media payload type and SSRC. nullopt when there is no OSN (e.g. Chrome's
// padding-only RTX probes, RFC 4588 §4 does not forbid those).
std::optional<RtpPacket> unwrapRtx(RtpPacket& rtx);

}  // namespace jb::rtp
