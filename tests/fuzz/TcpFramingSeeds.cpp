#include <algorithm>

#include "FuzzSeeds.hpp"
#include "net/Rfc4571Framer.hpp"

namespace jb::fuzz {

namespace {

// FuzzTcpFraming.cpp's input: config byte, chunk-size list, then the stream.
std::vector<uint8_t> streamInput(uint8_t config, const std::vector<uint8_t>& chunkSizes,
                                 const std::vector<std::vector<uint8_t>>& payloads) {
  std::vector<uint8_t> out(2 + chunkSizes.size());
  out[0] = config;
  out[1] = static_cast<uint8_t>(chunkSizes.size());
  std::copy(chunkSizes.begin(), chunkSizes.end(), out.begin() + 2);
  for (const auto& p : payloads) net::appendFrame(out, p);
  return out;
}

}  // namespace

Seeds tcpFramingSeeds() {
  Seeds out;
  // What ICE-TCP carries (RFC 6544): STUN binding requests, DTLS records, RTP and RTCP.
  const Seeds stun = stunSeeds(), rtp = rtpSeeds(), rtcp = rtcpSeeds();
  const std::vector<std::vector<uint8_t>> mixed{stun[0], rtp[0], rtcp[0], stun[3], rtp[1], rtcp[1]};
  out.push_back(streamInput(0x00, {}, mixed));             // all at once, default limits
  out.push_back(streamInput(0x00, {1}, mixed));            // byte at a time
  out.push_back(streamInput(0x10, {3, 50, 0, 7}, mixed));  // odd splits and an empty read, drain every 2
  out.push_back(streamInput(0x71, {100, 130}, mixed));     // 1500-byte frames, drain every 8 feeds
  out.push_back(streamInput(0x06, {200}, {std::vector<uint8_t>(1200, 0x80), rtp[2]}));  // tight buffer cap
  out.push_back(streamInput(0x0c, {0x80 + 4}, {std::vector<uint8_t>(4000, 0x17)}));     // 4096-byte cap
  // Malformed streams: a zero length after a good frame, an oversized length for a 16-byte limit.
  auto empty = streamInput(0x00, {5}, {rtp[2]});
  empty.insert(empty.end(), {0x00, 0x00, 0x00, 0x01, 0xff});
  out.push_back(std::move(empty));
  out.push_back(streamInput(0x03, {2}, {std::vector<uint8_t>(16, 1), std::vector<uint8_t>(17, 2)}));
  return out;
}

}  // namespace jb::fuzz
