#pragma once

#include <cstdint>
#include <span>

namespace jb::rtp {

// RFC 7983 §7: first byte 128..191 is RTP or RTCP. RFC 5761 §4: RTCP when the second byte,
// with the marker bit masked off, is 64..95 (RTCP PT 192..223).
bool looksLikeRtp(std::span<const uint8_t> b);
bool looksLikeRtcp(std::span<const uint8_t> b);

}  // namespace jb::rtp
