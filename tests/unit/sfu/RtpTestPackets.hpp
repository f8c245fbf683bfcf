#pragma once

// Hand-built RTP packets for the sfu tests.

#include <cstdint>
#include <string>
#include <utility>
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

// Like rtpBytes, with RFC 8285 one-byte header extensions (id 1..14, 1..16 bytes each) and the given payload.
inline std::vector<uint8_t> rtpWithExtensions(uint8_t payloadType, uint16_t seq, uint32_t timestamp,
                                              uint32_t ssrc,
                                              const std::vector<std::pair<uint8_t, std::string>>& extensions,
                                              const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> out = rtpBytes(payloadType, seq, timestamp, ssrc, 0);
  if (!extensions.empty()) {
    out[0] |= 0x10;
    std::vector<uint8_t> elements;
    for (const auto& [id, value] : extensions) {
      elements.push_back(static_cast<uint8_t>(id << 4 | (value.size() - 1)));
      elements.insert(elements.end(), value.begin(), value.end());
    }
    while (elements.size() % 4 != 0) elements.push_back(0);
    out.insert(out.end(), {0xBE, 0xDE, 0, static_cast<uint8_t>(elements.size() / 4)});
    out.insert(out.end(), elements.begin(), elements.end());
  }
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

inline uint16_t u16(const std::vector<uint8_t>& b, size_t at) {
  return static_cast<uint16_t>(b[at] << 8 | b[at + 1]);
}
inline uint32_t u32(const std::vector<uint8_t>& b, size_t at) {
  return static_cast<uint32_t>(u16(b, at)) << 16 | u16(b, at + 2);
}

}  // namespace jb::sfu::test
