#include "SyntheticStream.hpp"

#include <algorithm>

#include "srtp/SrtpSession.hpp"

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

void stampSendTime(std::vector<uint8_t>& packet, uint64_t realtimeNs) {
  if (packet.size() < kRtpHeaderSize + SyntheticStream::kStampSize) return;
  put64(packet.data() + packet.size() - SyntheticStream::kStampSize, realtimeNs);
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

std::vector<uint8_t> SyntheticStream::makePacket(bool marker, uint32_t timestamp, size_t payloadSize) {
  std::vector<uint8_t> packet;
  // Room for the SRTP trailer, so protecting in place does not reallocate.
  packet.reserve(kRtpHeaderSize + payloadSize + srtp::SrtpSession::kMaxTrailer);
  packet.resize(kRtpHeaderSize + payloadSize, 0);
  packet[0] = 0x80;  // RTP version 2
  packet[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | config_.payloadType);
  put16(&packet[2], sequenceNumber_++);
  put32(&packet[4], timestamp);
  put32(&packet[8], config_.ssrc);
  put32(packet.data() + packet.size() - kStampSize + 8, streamSequence_++);  // time: stampSendTime()
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
    auto packet = makePacket(remaining == 0, timestamp, std::max(payload, kStampSize + 16));
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
  const auto frameInterval = config_.video ? std::chrono::microseconds(1'000'000 / config_.framesPerSecond)
                                           : std::chrono::microseconds(20'000);
  if (!started_) {
    started_ = true;
    start_ = now;
    nextFrameAt_ = nextPacedAt_ = now + std::chrono::microseconds(config_.ssrc % frameInterval.count());
    nextKeyframeAt_ = nextFrameAt_;
  }
  if (!config_.video) {
    // Opus: one 20 ms frame per packet, 48 kHz clock.
    while (nextFrameAt_ <= now) {
      const uint32_t ts = static_cast<uint32_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(nextFrameAt_ - start_).count() * 48);
      out.push_back(makePacket(false, ts, kAudioPayload));
      nextFrameAt_ += frameInterval;
    }
    return;
  }
  const size_t averageFrame = config_.bitrateBps / 8 / config_.framesPerSecond;
  const bool paced = config_.pacingFactor > 0;
  while (nextFrameAt_ <= now) {
    bool keyframe = nextFrameAt_ >= nextKeyframeAt_;
    if (keyframe) {
      // An encoder starts with a keyframe; after it, each stream's keyframes fall at a phase of their own.
      const auto phase = std::chrono::milliseconds((config_.ssrc >> 8) % config_.keyframeInterval.count());
      nextKeyframeAt_ = nextFrameAt_ + (streamSequence_ == 0 ? phase : config_.keyframeInterval);
    }
    // A pacer that ran dry starts again with the new frame, not with credit for the idle time.
    if (paced && paced_.empty()) nextPacedAt_ = std::max(nextPacedAt_, nextFrameAt_);
    // Keyframes are several times larger than delta frames, as with a real encoder.
    const size_t frameBytes = keyframe ? averageFrame * 4 : averageFrame * 9 / 10;
    if (paced) {
      std::vector<std::vector<uint8_t>> frame;
      emitFrame(now, keyframe, frameBytes, frame);
      for (auto& packet : frame) paced_.push_back(std::move(packet));
    } else {
      emitFrame(now, keyframe, frameBytes, out);
    }
    nextFrameAt_ += frameInterval;
  }
  if (paced) releasePaced(now, out);
}

void SyntheticStream::releasePaced(Clock::time_point now, std::vector<std::vector<uint8_t>>& out) {
  const double bitsPerSecond = config_.bitrateBps * config_.pacingFactor;
  while (!paced_.empty() && nextPacedAt_ <= now) {
    const double bits = static_cast<double>(paced_.front().size()) * 8.0;
    out.push_back(std::move(paced_.front()));
    paced_.pop_front();
    nextPacedAt_ += std::chrono::nanoseconds(static_cast<int64_t>(bits * 1e9 / bitsPerSecond));
  }
}

}  // namespace jb::bench
