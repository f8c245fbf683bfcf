#include "SyntheticStream.hpp"

#include <algorithm>

namespace jb::bench {

namespace {
constexpr size_t kRtpHeaderSize = 12;
constexpr size_t kMaxVideoPayload = 1150;  // what Chrome uses for 1200-byte packets after SRTP
constexpr size_t kAudioPayload = 100;

void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}
void put64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
}
}  // namespace

uint64_t steadyNowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(SyntheticStream::Clock::now().time_since_epoch())
          .count());
}

bool readPayloadStamp(const uint8_t* payload, size_t size, PayloadStamp& out) {
  if (size < SyntheticStream::kStampSize) return false;
  const uint8_t* p = payload + size - SyntheticStream::kStampSize;
  out.sentAtNs = 0;
  for (int i = 0; i < 8; ++i) out.sentAtNs = (out.sentAtNs << 8) | p[i];
  out.sequence = (uint32_t{p[8]} << 24) | (uint32_t{p[9]} << 16) | (uint32_t{p[10]} << 8) | p[11];
  return true;
}

SyntheticStream::SyntheticStream(Config config) : config_(config) {}

std::vector<uint8_t> SyntheticStream::makePacket(bool marker, uint32_t timestamp, size_t payloadSize,
                                                 Clock::time_point now) {
  std::vector<uint8_t> packet(kRtpHeaderSize + payloadSize, 0);
  packet[0] = 0x80;  // RTP version 2
  packet[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | config_.payloadType);
  put16(&packet[2], sequenceNumber_++);
  put32(&packet[4], timestamp);
  put32(&packet[8], config_.ssrc);
  uint8_t* stamp = packet.data() + packet.size() - kStampSize;
  put64(stamp, static_cast<uint64_t>(
                   std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count()));
  put32(stamp + 8, streamSequence_++);
  ++packetsSent_;
  return packet;
}

void SyntheticStream::emitFrame(Clock::time_point now, bool keyframe, size_t frameBytes,
                                std::vector<std::vector<uint8_t>>& out) {
  const uint32_t timestamp = static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(now - start_).count() * 9 / 100);
  size_t remaining = std::max(frameBytes, size_t{kStampSize + 16});
  bool first = true;
  while (remaining > 0) {
    size_t payload = std::min(remaining, kMaxVideoPayload);
    remaining -= payload;
    auto packet = makePacket(remaining == 0, timestamp, std::max(payload, kStampSize + 16), now);
    uint8_t* vp8 = packet.data() + kRtpHeaderSize;
    // RFC 7741 §4.2 payload descriptor: S bit on the first packet of the frame, partition 0.
    vp8[0] = first ? 0x10 : 0x00;
    if (first) {
      // RFC 6386 §9.1 frame tag: P bit (bit 0) clear for a keyframe, then the keyframe start code.
      vp8[1] = keyframe ? 0x10 : 0x11;
      vp8[2] = 0x02;
      vp8[3] = 0x00;
      if (keyframe) {
        vp8[4] = 0x9d;
        vp8[5] = 0x01;
        vp8[6] = 0x2a;
        put16(&vp8[7], 640);
        put16(&vp8[9], 480);
      }
    }
    first = false;
    out.push_back(std::move(packet));
  }
}

void SyntheticStream::packetsDue(Clock::time_point now, std::vector<std::vector<uint8_t>>& out) {
  if (!started_) {
    started_ = true;
    start_ = nextFrameAt_ = nextKeyframeAt_ = now;
  }
  if (!config_.video) {
    // Opus: one 20 ms frame per packet, 48 kHz clock.
    while (nextFrameAt_ <= now) {
      const uint32_t ts = static_cast<uint32_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(nextFrameAt_ - start_).count() * 48);
      out.push_back(makePacket(false, ts, kAudioPayload, now));
      nextFrameAt_ += std::chrono::milliseconds(20);
    }
    return;
  }
  const auto frameInterval = std::chrono::microseconds(1'000'000 / config_.framesPerSecond);
  const size_t averageFrame = config_.bitrateBps / 8 / config_.framesPerSecond;
  while (nextFrameAt_ <= now) {
    bool keyframe = nextFrameAt_ >= nextKeyframeAt_;
    if (keyframe) nextKeyframeAt_ = nextFrameAt_ + config_.keyframeInterval;
    // Keyframes are several times larger than delta frames, as with a real encoder.
    emitFrame(now, keyframe, keyframe ? averageFrame * 4 : averageFrame * 9 / 10, out);
    nextFrameAt_ += frameInterval;
  }
}

}  // namespace jb::bench
