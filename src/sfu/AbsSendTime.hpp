#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace jb::sfu {

// abs-send-time (http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time): the time a packet left,
// 24 bits of seconds in 6.18 fixed point. A receiving Chrome runs its delay-based bandwidth estimator
// on it (and reports the result in REMB), so it must be our send time, not the original sender's.
uint32_t absSendTime(std::chrono::steady_clock::time_point now);

// Writes `value` as the one-byte-form (RFC 8285 §4.2) element `id` (1..14) of the RTP packet in
// buffer[0, length). When the packet has no such element it is added: into four bytes of padding in
// the extension block if there are, else by growing the block (or creating one) and moving the payload
// up, if `capacity` allows. Returns the packet's new length; `length` unchanged when nothing could be
// written (malformed packet, two-byte extension form, no room).
size_t writeAbsSendTime(uint8_t* buffer, size_t length, size_t capacity, uint8_t id, uint32_t value);

}  // namespace jb::sfu
