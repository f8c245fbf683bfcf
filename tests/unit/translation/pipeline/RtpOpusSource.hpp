#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

#include "rtp/RtpPacket.hpp"
#include "translation/audio/OpusFrameEncoder.hpp"

// What a browser's microphone track looks like on the wire, for feeding the pipeline in tests.
namespace jb::translation::test {

constexpr uint8_t kOpusPayloadType = 100;
constexpr size_t kSamplesPer20Ms = OpusFrameEncoder::kFrameSamples;
constexpr auto kFrameDuration = std::chrono::milliseconds(20);

// One whole RTP packet (RFC 3550 §5.1 fixed header, no CSRC, no extension) around `payload`.
inline std::vector<uint8_t> rtpPacketBytes(uint16_t seq, uint32_t timestamp, uint32_t ssrc,
                                           std::span<const uint8_t> payload) {
  std::vector<uint8_t> bytes(rtp::RtpPacket::kFixedHeaderSize + payload.size());
  bytes[0] = 0x80;  // version 2
  bytes[1] = kOpusPayloadType;
  bytes[2] = static_cast<uint8_t>(seq >> 8);
  bytes[3] = static_cast<uint8_t>(seq);
  for (int i = 0; i < 4; ++i) {
    bytes[4 + i] = static_cast<uint8_t>(timestamp >> (24 - 8 * i));
    bytes[8 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
  }
  std::copy(payload.begin(), payload.end(), bytes.begin() + rtp::RtpPacket::kFixedHeaderSize);
  return bytes;
}

// A view over a packet buffer, as the SFU hands it to the audio tap. The buffer must outlive it.
inline rtp::RtpPacket rtpView(std::vector<uint8_t>& bytes) {
  auto packet = rtp::RtpPacket::parse(bytes);
  if (!packet) throw std::runtime_error("test built a malformed RTP packet");
  return *packet;
}

// One Opus microphone: 48 kHz audio in 20 ms frames, sequence numbers and timestamps advancing by
// one frame per packet.
class RtpOpusSource {
 public:
  explicit RtpOpusSource(uint32_t ssrc = 0x11223344, uint16_t firstSeq = 65500,
                         uint32_t firstTimestamp = 1000)
      : ssrc_(ssrc), seq_(firstSeq), timestamp_(firstTimestamp) {}

  // Every 20 ms frame of `samples48k` as a whole RTP packet (the last frame zero-padded).
  std::vector<std::vector<uint8_t>> packets(std::span<const int16_t> samples48k) {
    std::vector<std::vector<uint8_t>> out;
    std::vector<int16_t> frame(kSamplesPer20Ms);
    for (size_t at = 0; at < samples48k.size(); at += kSamplesPer20Ms) {
      size_t n = std::min(kSamplesPer20Ms, samples48k.size() - at);
      std::fill(std::copy_n(samples48k.begin() + static_cast<std::ptrdiff_t>(at), n, frame.begin()),
                frame.end(), int16_t{0});
      std::vector<uint8_t> opus = encoder_.encode(frame);
      out.push_back(rtpPacketBytes(seq_++, timestamp_, ssrc_, opus));
      timestamp_ += static_cast<uint32_t>(kSamplesPer20Ms);
    }
    return out;
  }

 private:
  OpusFrameEncoder encoder_;
  uint32_t ssrc_;
  uint16_t seq_;  // starts near the wrap on purpose
  uint32_t timestamp_;
};

// A voice stand-in: a 220 Hz tone with a little breath noise, about -16 dBFS, at 48 kHz.
inline std::vector<int16_t> tone48k(int ms, unsigned seed = 3) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> breath(-200, 200);
  std::vector<int16_t> out(static_cast<size_t>(48 * ms));
  for (size_t i = 0; i < out.size(); ++i) {
    double s = 6000 * std::sin(2 * std::numbers::pi * 220 * double(i) / 48000);
    out[i] = static_cast<int16_t>(std::lround(s) + breath(rng));
  }
  return out;
}

// Longer speech: 240 ms "syllables" of tone with 60 ms dips 30 dB down, as real speech dips between
// words (a steady tone would, after a few seconds, be taken for a hum and become the noise floor).
inline std::vector<int16_t> syllables48k(int ms) {
  std::vector<int16_t> out = tone48k(ms);
  for (size_t i = 0; i < out.size(); ++i) {
    if (i % (48 * 300) >= 48 * 240) out[i] = static_cast<int16_t>(out[i] / 32);
  }
  return out;
}

inline std::vector<int16_t> silence48k(int ms) {
  return std::vector<int16_t>(static_cast<size_t>(48 * ms), 0);
}

inline void append(std::vector<int16_t>& to, const std::vector<int16_t>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

inline double rms(std::span<const int16_t> samples) {
  double sum = 0;
  for (int16_t s : samples) sum += double(s) * s;
  return samples.empty() ? 0 : std::sqrt(sum / double(samples.size()));
}

}  // namespace jb::translation::test
