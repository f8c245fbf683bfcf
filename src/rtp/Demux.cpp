#include "rtp/Demux.hpp"

namespace jb::rtp {
namespace {

constexpr size_t kMinRtpSize = 12;  // RFC 3550 §5.1 fixed header
constexpr size_t kMinRtcpSize = 4;  // RFC 3550 §6.4 common header

bool versionTwo(uint8_t first) {
  return first >= 128 && first <= 191;
}
bool rtcpPayloadType(uint8_t second) {
  const uint8_t masked = second & 0x7f;
  return masked >= 64 && masked <= 95;
}

}  // namespace

bool looksLikeRtp(std::span<const uint8_t> b) {
  return b.size() >= kMinRtpSize && versionTwo(b[0]) && !rtcpPayloadType(b[1]);
}

bool looksLikeRtcp(std::span<const uint8_t> b) {
  return b.size() >= kMinRtcpSize && versionTwo(b[0]) && rtcpPayloadType(b[1]);
}

}  // namespace jb::rtp
