#pragma once

#include <cstdint>
#include <span>

namespace jb::rtp::codecs {

// True when the RTP payload (RFC 6184) carries an IDR slice (NAL type 5) or an SPS (type 7):
// as a single NAL unit, inside a STAP-A, or as the start fragment of an FU-A.
bool h264IsKeyframe(std::span<const uint8_t> payload);

}  // namespace jb::rtp::codecs
