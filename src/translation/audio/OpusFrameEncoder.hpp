#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "translation/audio/PcmAudio.hpp"

struct OpusEncoder;

namespace jb::translation {

// Synthesized speech encoded as 48 kHz mono Opus in 20 ms frames, ready to be sent as RTP.
// VOIP mode because the content is speech heard in a call.
class OpusFrameEncoder {
 public:
  static constexpr int kSampleRate = 48000;
  static constexpr int kFrameSamples = 960;  // 20 ms

  explicit OpusFrameEncoder(int bitrate = 32000);
  ~OpusFrameEncoder();
  OpusFrameEncoder(const OpusFrameEncoder&) = delete;
  OpusFrameEncoder& operator=(const OpusFrameEncoder&) = delete;

  // One Opus packet for exactly kFrameSamples samples; throws std::invalid_argument otherwise.
  std::vector<uint8_t> encode(std::span<const int16_t> frame960);

  // The whole clip as consecutive 20 ms packets, the last zero-padded. The audio must be 48 kHz.
  std::vector<std::vector<uint8_t>> encodeAll(const PcmAudio& audio);

 private:
  struct Deleter {
    void operator()(OpusEncoder* encoder) const;
  };
  std::unique_ptr<OpusEncoder, Deleter> encoder_;
};

}  // namespace jb::translation
