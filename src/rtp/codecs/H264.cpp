#include "rtp/codecs/H264.hpp"

#include <cstddef>

namespace jb::rtp::codecs {
namespace {

constexpr uint8_t kIdr = 5;
constexpr uint8_t kSps = 7;
constexpr uint8_t kStapA = 24;  // RFC 6184 §5.7.1
constexpr uint8_t kFuA = 28;    // RFC 6184 §5.8

bool isKeyNal(uint8_t nalType) {
  return nalType == kIdr || nalType == kSps;
}

}  // namespace

bool h264IsKeyframe(std::span<const uint8_t> payload) {
  if (payload.empty()) return false;
  const uint8_t type = payload[0] & 0x1f;
  if (type >= 1 && type <= 23) return isKeyNal(type);  // RFC 6184 §5.6 single NAL unit
  if (type == kStapA) {
    // STAP-A header byte, then repeated 16-bit NALU size + NALU.
    size_t at = 1;
    while (at + 2 < payload.size()) {
      const size_t size = static_cast<size_t>(payload[at]) << 8 | payload[at + 1];
      at += 2;
      if (size == 0 || at + size > payload.size()) return false;
      if (isKeyNal(payload[at] & 0x1f)) return true;
      at += size;
    }
    return false;
  }
  if (type == kFuA) {
    // FU header: |S|E|R| Type |; only the start fragment says what the NAL is.
    if (payload.size() < 2) return false;
    const bool start = (payload[1] & 0x80) != 0;
    return start && isKeyNal(payload[1] & 0x1f);
  }
  return false;
}

}  // namespace jb::rtp::codecs
