#pragma once

// Hand-built RTP packets for the sfu tests.

#include <cstdint>
#include <vector>

namespace jb::sfu::test {

// V=2, no CSRC/extension, `payloadSize` bytes of payload (byte i = seq + i, so copies are checkable).
inline std::vector<uint8_t> rtpBytes(uint8_t payloadType, uint16_t seq, uint32_t timestamp, uint32_t ssrc,
                                     size_t payloadSize = 100) {
  std::vector<uint8_t> out{0x80,
                           payloadType,
                           static_cast<uint8_t>(seq >> 8),
                           static_cast<uint8_t>(seq),
                           static_cast<uint8_t>(timestamp >> 24),
                           static_cast<uint8_t>(timestamp >> 16),
                           static_cast<uint8_t>(timestamp >> 8),
                           static_cast<uint8_t>(timestamp),
                           static_cast<uint8_t>(ssrc >> 24),
                           static_cast<uint8_t>(ssrc >> 16),
                           static_cast<uint8_t>(ssrc >> 8),
                           static_cast<uint8_t>(ssrc)};
  for (size_t i = 0; i < payloadSize; ++i) out.push_back(static_cast<uint8_t>(seq + i));
  return out;
}

inline uint16_t u16(const std::vector<uint8_t>& b, size_t at) {
  return static_cast<uint16_t>(b[at] << 8 | b[at + 1]);
}
inline uint32_t u32(const std::vector<uint8_t>& b, size_t at) {
  return static_cast<uint32_t>(u16(b, at)) << 16 | u16(b, at + 2);
}

}  // namespace jb::sfu::test
