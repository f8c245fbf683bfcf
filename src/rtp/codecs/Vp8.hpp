#pragma once

#include <cstdint>
#include <span>

namespace jb::rtp::codecs {

// True when the RTP payload starts a VP8 key frame: RFC 7741 §4.2 payload descriptor with S=1 and
// partition index 0, followed by a VP8 frame header (RFC 6386 §9.1) whose P (inverse key frame)
// bit is 0.
bool vp8IsKeyframe(std::span<const uint8_t> payload);

}  // namespace jb::rtp::codecs
