#include "rtp/codecs/Vp8.hpp"

#include <cstddef>

namespace jb::rtp::codecs {

bool vp8IsKeyframe(std::span<const uint8_t> payload) {
  // RFC 7741 §4.2:  |X|R|N|S|R| PID |, then optional |I|L|T|K| RSV | and its fields.
  if (payload.empty()) return false;
  const uint8_t first = payload[0];
  const bool startOfPartition = (first & 0x10) != 0;
  const uint8_t partitionIndex = first & 0x07;
  size_t at = 1;
  if ((first & 0x80) != 0) {  // X: extended control bits present
    if (at >= payload.size()) return false;
    const uint8_t ext = payload[at++];
    if ((ext & 0x80) != 0) {  // I: PictureID, 15 bits when M is set
      if (at >= payload.size()) return false;
      at += (payload[at] & 0x80) != 0 ? 2 : 1;
    }
    if ((ext & 0x40) != 0) ++at;  // L: TL0PICIDX
    if ((ext & 0x30) != 0) ++at;  // T or K: TID|Y|KEYIDX share one byte
  }
  if (!startOfPartition || partitionIndex != 0) return false;
  // RFC 6386 §9.1: frame tag, bit 0 of the first byte is 0 for key frames. A key frame also
  // carries the 3-byte start code 0x9d 0x01 0x2a after the 3-byte tag, so require it.
  if (at + 6 > payload.size()) return false;
  const auto frame = payload.subspan(at);
  return (frame[0] & 0x01) == 0 && frame[3] == 0x9d && frame[4] == 0x01 && frame[5] == 0x2a;
}

}  // namespace jb::rtp::codecs
